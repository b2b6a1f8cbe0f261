// Package webview configures the desktop app's web view beyond what Wails v2 exposes.
//
// On Linux (WebKitGTK, built with cgo) Setup finds the WebKitWebView once Wails has created the window and:
//   - enables media streams (getUserMedia/getDisplayMedia), MediaSource and the WebKit feature
//     MediaStreamTrackProcessing that the native media engine needs (docs: DESIGN.md 3.1 and 3.4);
//   - with Options.FakeMedia, enables WebKit's mock capture devices ("Mock video device 1", a mock microphone
//     and a mock screen), for tests on machines without a camera;
//   - turns WebKit's accelerated compositing off on a machine with no GPU render node, where OpenGL is a
//     software rasteriser that would cost most of the CPU of a call (compositing.go);
//   - answers WebKit's permission-request signal: camera, microphone and screen only for the app's own page
//     (see ownOrigin), from a remembered choice or else a small native dialog; every other origin and every
//     other kind of permission (geolocation, notifications, …) is denied.
//
// On Windows (WebView2) and macOS (WKWebView) Setup does nothing: those web views ask for media permissions
// themselves (WebView2 through Wails, which grants them; WKWebView through the system prompt, which needs the
// usage descriptions in build/darwin/Info.plist).
package webview

import "log/slog"

// Permissions remembers the user's answers; app.Settings implements it. Its methods are called on the GTK
// main thread, so they must be quick and safe to call from any goroutine.
type Permissions interface {
	// Lookup returns the remembered answer for kind ("camera", "microphone" or "screen"), if any.
	Lookup(kind string) (allow, known bool)
	// Remember stores the user's answer for kind.
	Remember(kind string, allow bool)
}

// Options configures Setup.
type Options struct {
	// FakeMedia (PARLEY_FAKE_MEDIA=1) enables WebKit's mock capture devices and grants media permissions to the
	// app's own page without asking.
	FakeMedia bool
	// Permissions holds the remembered answers; nil means ask every time (an "Allow" still holds until exit).
	Permissions Permissions
	// Log receives what the package does; nil means slog.Default().
	Log *slog.Logger
}

// The kinds of media permission, as stored by Permissions.
const (
	KindCamera     = "camera"
	KindMicrophone = "microphone"
	KindScreen     = "screen"
)
