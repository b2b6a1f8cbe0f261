//go:build !linux || !cgo

package webview

// Setup does nothing on this platform: WebView2 (Windows) and WKWebView (macOS) handle media permissions
// themselves — WebView2 through Wails v2, which grants them (the app only ever loads its own page), WKWebView
// through the system prompt, which uses the usage descriptions in build/darwin/Info.plist. A Linux build
// without cgo has no web view at all.
func Setup(opts Options) {}
