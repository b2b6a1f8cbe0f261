//go:build linux && cgo

package webview

/*
#cgo linux pkg-config: gtk+-3.0
#cgo !webkit2_41 pkg-config: webkit2gtk-4.0
#cgo webkit2_41 pkg-config: webkit2gtk-4.1
#include "webview_linux.h"
*/
import "C"

import (
	"log/slog"
	"runtime"
	"sync"
)

// GTK must run on the process's main thread: keep the main goroutine there (Wails does too, but only once
// wails.Run starts, and Setup must run before it).
func init() { runtime.LockOSThread() }

// state is set once by Setup and read by the callbacks below (always on the GTK main thread). C never holds a
// Go pointer: it passes plain ints and strings.
var (
	stateMu sync.Mutex
	log     *slog.Logger
	pol     *policy
)

// Setup must be called from main() before wails.Run, on the main thread. It schedules the search for the
// WebKitWebView on the GTK main loop; when Wails has created it, Setup's configuration applies. If wails.Run
// returns without a main loop (`wails build` generating bindings), nothing happens.
func Setup(opts Options) {
	stateMu.Lock()
	defer stateMu.Unlock()
	l := opts.Log
	if l == nil {
		l = slog.Default()
	}
	if pol != nil {
		l.Warn("webview: Setup called twice; ignoring the second call")
		return
	}
	log, pol = l, newPolicy(opts.FakeMedia, opts.Permissions)
	if preferSoftwarePainting() {
		l.Info("webview: no GPU render node: accelerated compositing off (" + compositingEnv + "=1)")
	}
	fake := 0
	if opts.FakeMedia {
		fake = 1
	}
	C.parley_webview_setup(C.int(fake))
}

func current() (*slog.Logger, *policy) {
	stateMu.Lock()
	defer stateMu.Unlock()
	return log, pol
}

//export parleyLog
func parleyLog(level C.int, msg *C.char) {
	l, _ := current()
	if l == nil {
		return
	}
	s := C.GoString(msg)
	switch level {
	case C.PARLEY_LOG_DEBUG:
		l.Debug(s)
	case C.PARLEY_LOG_WARN:
		l.Warn(s)
	default:
		l.Info(s)
	}
}

//export parleyDecideMedia
func parleyDecideMedia(uri *C.char, mask C.int) (result C.int) {
	l, p := current()
	page, kinds := C.GoString(uri), kindsOf(int(mask))
	d := deny
	defer func() {
		if r := recover(); r != nil { // a panicking Permissions must not take the app down with it
			l.Error("webview: permission decision panicked", "panic", r)
			result = C.PARLEY_DENY
		}
	}()
	if p != nil {
		d = p.media(page, kinds)
	}
	l.Info("webview: media permission request", "kinds", kinds, "page", page, "decision", d.String())
	return C.int(d)
}

//export parleyAnswered
func parleyAnswered(mask, allowed, remember C.int) {
	l, p := current()
	kinds := kindsOf(int(mask))
	defer func() {
		if r := recover(); r != nil {
			l.Error("webview: remembering the answer panicked", "panic", r)
		}
	}()
	l.Info("webview: user answered", "kinds", kinds, "allow", allowed != 0, "remember", remember != 0)
	if p != nil {
		p.answered(kinds, allowed != 0, remember != 0)
	}
}

//export parleyDecideDeviceInfo
func parleyDecideDeviceInfo(uri *C.char) (result C.int) {
	l, p := current()
	page := C.GoString(uri)
	defer func() {
		if r := recover(); r != nil {
			l.Error("webview: permission decision panicked", "panic", r)
			result = C.PARLEY_DENY
		}
	}()
	d := deny
	if p != nil {
		d = p.deviceInfo(page)
	}
	l.Debug("webview: device-info permission request", "page", page, "decision", d.String())
	return C.int(d)
}
