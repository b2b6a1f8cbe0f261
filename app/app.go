// Package app is the desktop application service bound to the frontend: what the page can ask of the app
// (host a room on the LAN, settings, the command line's launch request, stats output). No UI logic and no
// protocol logic live here: the room server is internal/signal.
//
// Every exported method of App is callable from the page as window.go.app.App.<Method> (Wails generates the
// bindings), so what main() alone may call (StartFromCommandLine, Quit) are package functions instead.
package app

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"sync"

	"github.com/parley-app/parley/frontend"
	"github.com/parley-app/parley/internal/media"
	"github.com/parley-app/parley/internal/version"
)

// Config configures an App. The zero value works.
type Config struct {
	// Logger receives the app's log; nil means a text logger on stderr.
	Logger *slog.Logger
	// Launch is what the command line asked for (ParseCommandLine); the page reads it with Launch().
	Launch Launch
	// Settings is where settings and remembered permissions live; nil: NewSettingsStore("") (the user's config
	// dir), read on first use.
	Settings *SettingsStore
	// Stdout receives the command line's output (the hosting line, --stats lines); nil: os.Stdout.
	Stdout io.Writer
	// Frontend is the web frontend served to browser guests while hosting; nil: the embedded build.
	Frontend fs.FS
}

// App is bound to the frontend by Wails. Wails calls Startup, Shutdown and OnBeforeClose. It is safe for
// concurrent use.
type App struct {
	log      *slog.Logger
	launch   Launch
	settings *SettingsStore
	frontend fs.FS
	out      *lineWriter

	// Seams for tests (the defaults need a running Wails window).
	confirm       func(ctx context.Context, title, message string) (bool, error) // a Yes/No question
	quitWindow    func(ctx context.Context)                                      // runtime.Quit
	listAddresses func() ([]ifaceAddr, error)                                    // the machine's addresses

	mu        sync.Mutex
	ctx       context.Context // the Wails runtime context, set by Startup
	roomPeers int             // others in the room the page is in (SetRoomPeers)
	quitting  bool            // Quit was called: close without asking

	mediaMu sync.Mutex    // guards bridge
	bridge  *media.Bridge // the native media engine's bridge, started by the page's first MediaBridge call

	hostMu sync.Mutex // serialises StartHosting and StopHosting (a stop waits for the server)
	host   *hosted    // nil when not hosting; read under mu, written under hostMu and mu
}

// New returns an App. It has no side effects (no files, no sockets): `wails build` runs main() to generate the
// bindings.
func New(cfg Config) *App {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	st := cfg.Settings
	if st == nil {
		st = NewSettingsStore("", log)
	}
	fsys := cfg.Frontend
	if fsys == nil {
		fsys = frontend.DistFS()
	}
	var out io.Writer = os.Stdout
	if cfg.Stdout != nil {
		out = cfg.Stdout
	}
	return &App{
		log:           log,
		launch:        cfg.Launch,
		settings:      st,
		frontend:      fsys,
		out:           &lineWriter{w: out},
		confirm:       askYesNo,
		listAddresses: interfaceAddrs,
	}
}

// Startup is called by Wails when the window and the webview exist, before the page loads.
func (a *App) Startup(ctx context.Context) {
	a.mu.Lock()
	a.ctx = ctx
	a.mu.Unlock()
	a.log.Info("app started", "version", version.Version, "mode", a.launch.Mode)
}

// Shutdown is called by Wails when the app is quitting. It ends a hosted room (guests are told host-stopped).
func (a *App) Shutdown(ctx context.Context) {
	a.log.Info("app shutting down")
	if err := a.StopHosting(); err != nil {
		a.log.Warn("stop hosting", "err", err)
	}
	a.closeMediaBridge()
}

// FrontendReady is called by the page once a view is mounted ("lobby", "room"). It only logs: the desktop
// smoke test waits for the line "frontend ready: lobby" on stderr.
func (a *App) FrontendReady(view string) {
	if len(view) > 64 {
		view = view[:64]
	}
	a.log.Info("frontend ready: " + view)
}

// PageLog writes a warning or error the page logged into the app's log (the webview's console is invisible);
// the page bounds how often it calls.
func (a *App) PageLog(level, message string) {
	if len(message) > 2000 {
		message = message[:2000]
	}
	if level == "error" {
		a.log.Error("page: " + message)
		return
	}
	a.log.Warn("page: " + message)
}

// Launch returns what the command line asked for: Mode "" (show the lobby), "host" (hosting has started
// already: join Room at Server, which is the LocalURL) or "join" (join Room at Server at once).
func (a *App) Launch() Launch {
	l := a.launch
	if l.Mode == ModeHost {
		if h := a.Hosting(); h.Active {
			l.Server = h.LocalURL
		}
	}
	return l
}

// LoadSettings returns the saved settings, or the defaults when there are none (or the file is unreadable).
func (a *App) LoadSettings() Settings { return a.settings.Load() }

// SaveSettings stores s (recent lists deduplicated, most recent first, at most 10 each). A nil Permissions
// keeps the remembered permissions; an empty map forgets them.
func (a *App) SaveSettings(s Settings) error { return a.settings.Save(s) }

// lineWriter writes whole lines to the command line's stdout, one writer at a time.
type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineWriter) write(b []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, err := l.w.Write(b)
	return err
}
