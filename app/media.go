package app

import (
	"github.com/parley-app/parley/internal/media"
	"github.com/parley-app/parley/internal/signal"
)

// MediaBridgeInfo is where the page's native media engine connects (docs/MEDIA-BRIDGE.md).
type MediaBridgeInfo struct {
	URL   string `json:"url"`
	Token string `json:"token"`
}

// MediaBridge starts the native media engine's local WebSocket on first use (a webview with its own WebRTC never
// asks, so it never opens a port) and returns its address and this run's token. Only the app's own page can use
// it: the bridge checks the page's origin as well as the token.
func (a *App) MediaBridge() (MediaBridgeInfo, error) {
	a.mediaMu.Lock()
	defer a.mediaMu.Unlock()
	if a.bridge == nil {
		b, err := media.NewBridge(media.Config{
			AllowedOrigins:  signal.DesktopOrigins(),
			IncludeLoopback: media.LoopbackFromEnv(),
			Logger:          a.log.With("part", "media"),
		})
		if err != nil {
			a.log.Error("media bridge", "err", err)
			return MediaBridgeInfo{}, err
		}
		a.bridge = b
		a.log.Info("media bridge listening", "url", b.URL())
	}
	return MediaBridgeInfo{URL: a.bridge.URL(), Token: a.bridge.Token()}, nil
}

// closeMediaBridge ends every native peer connection (the app is quitting).
func (a *App) closeMediaBridge() {
	a.mediaMu.Lock()
	defer a.mediaMu.Unlock()
	if a.bridge != nil {
		_ = a.bridge.Close()
		a.bridge = nil
	}
}
