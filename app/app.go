// Package app is the desktop application service bound to the frontend: what the page can ask of the app
// (later: host a room, settings, the media bridge). No UI logic and no protocol logic live here.
package app

import (
	"context"
	"log/slog"
	"os"
	"sync"

	"github.com/parley-app/parley/internal/version"
)

// Config configures an App.
type Config struct {
	// Logger receives the app's log; nil means a text logger on stderr.
	Logger *slog.Logger
}

// App is bound to the frontend by Wails: its exported methods are callable from the page as
// window.go.app.App.<Method>. Wails calls Startup and Shutdown.
type App struct {
	log *slog.Logger

	mu  sync.Mutex
	ctx context.Context // the Wails runtime context, set by Startup
}

// New returns an App. It has no side effects: `wails build` runs main() to generate the bindings.
func New(cfg Config) *App {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return &App{log: log}
}

// Startup is called by Wails when the window and the webview exist, before the page loads.
func (a *App) Startup(ctx context.Context) {
	a.mu.Lock()
	a.ctx = ctx
	a.mu.Unlock()
	a.log.Info("app started", "version", version.Version)
}

// Shutdown is called by Wails when the app is quitting.
func (a *App) Shutdown(ctx context.Context) {
	a.log.Info("app shutting down")
}

// FrontendReady is called by the page once a view is mounted ("lobby", "room"). It only logs: the desktop
// smoke test waits for the line "frontend ready: lobby" on stderr.
func (a *App) FrontendReady(view string) {
	if len(view) > 64 {
		view = view[:64]
	}
	a.log.Info("frontend ready: " + view)
}
