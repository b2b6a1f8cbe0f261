package webview

import (
	"os"
	"path/filepath"
)

// compositingEnv is WebKitGTK's switch for accelerated compositing; its web process reads it when it starts.
const compositingEnv = "WEBKIT_DISABLE_COMPOSITING_MODE"

// softwareOnly reports whether WebKit should paint without accelerated compositing: when the machine has no GPU
// render node, its OpenGL is Mesa's software rasteriser (llvmpipe), and compositing through it costs more than it
// saves. Measured in a call with one remote video (640×480@30, Xvfb): the web process used ~130 % of a core, ~118 %
// of it in llvmpipe threads; with compositing off, ~35 %. A user's own setting of the variable is kept.
func softwareOnly(getenv func(string) string, renderNodes []string) bool {
	if getenv(compositingEnv) != "" {
		return false
	}
	return len(renderNodes) == 0
}

// preferSoftwarePainting turns accelerated compositing off where there is no GPU to accelerate it. It must run
// before the web view exists (the web process inherits the environment).
func preferSoftwarePainting() (changed bool) {
	nodes, _ := filepath.Glob("/dev/dri/renderD*")
	if !softwareOnly(os.Getenv, nodes) {
		return false
	}
	return os.Setenv(compositingEnv, "1") == nil
}
