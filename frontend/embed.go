// Package frontend embeds the built web frontend (frontend/dist, produced by `npm run build`), which both the
// desktop app and the room server serve at `/`.
package frontend

import (
	"embed"
	"io/fs"
)

// Dist is the Vite build output, rooted at "dist". dist/.gitkeep is committed so that a fresh clone compiles
// before the frontend has been built (the app then shows an empty page).
//
//go:embed all:dist
var Dist embed.FS

// DistFS returns the build output with "dist" stripped, so that index.html is at the root.
func DistFS() fs.FS {
	sub, err := fs.Sub(Dist, "dist")
	if err != nil { // only on an invalid path literal
		panic(err)
	}
	return sub
}
