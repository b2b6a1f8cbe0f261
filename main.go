// Command parley is the Parley desktop app: a Wails window showing the web frontend, with the app service
// (package app) bound to it. Build it with `make app` (Linux needs -tags webkit2_41).
//
//	parley                                                 the lobby
//	parley --host --room R --name N [--port P] [--stats]   host room R on this computer and join it
//	parley --join URL --room R --name N [--stats]          join room R on the server at URL
package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	ossignal "os/signal"
	"syscall"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"github.com/parley-app/parley/app"
	"github.com/parley-app/parley/frontend"
	"github.com/parley-app/parley/internal/version"
	"github.com/parley-app/parley/internal/webview"
)

func main() {
	// PARLEY_LOG_LEVEL=debug shows the media engine's negotiation and tracks (what a bug report needs).
	var level slog.Level
	_ = level.UnmarshalText([]byte(os.Getenv("PARLEY_LOG_LEVEL")))
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// `wails build` runs this main() (built with the tag "bindings") to generate the bindings: then wails.Run
	// writes them and returns without a window, and nothing else may happen — no flags (Wails passes its own),
	// no hosting, no webview hook.
	var cl app.CommandLine
	if !app.GeneratingBindings {
		var err error
		cl, err = app.ParseCommandLine(os.Args[1:], os.Stderr)
		switch {
		case errors.Is(err, flag.ErrHelp):
			os.Exit(0)
		case err != nil:
			os.Exit(2) // ParseCommandLine has said what is wrong on stderr
		}
	}
	cl.Launch.Stamp = os.Getenv("PARLEY_BENCH_STAMP") == "1" // make bench's glass-to-glass latency only

	settings := app.NewSettingsStore("", logger)
	a := app.New(app.Config{Logger: logger, Launch: cl.Launch, Settings: settings})

	if !app.GeneratingBindings {
		// Hosting starts before the window, so the first stdout line is the address to give guests.
		if _, err := app.StartFromCommandLine(a, cl); err != nil {
			fmt.Fprintln(os.Stderr, "parley: host:", err)
			os.Exit(1)
		}
		quitOnSignal(a, logger)
		// `parley --stats | head`: a closed stdout must fail the write (logged), not kill a hosted room silently.
		ossignal.Ignore(syscall.SIGPIPE)
		webview.Setup(webview.Options{
			FakeMedia:   os.Getenv("PARLEY_FAKE_MEDIA") == "1",
			Permissions: settings,
			Log:         logger,
		})
	}

	err := wails.Run(&options.App{
		Title:            "Parley",
		Width:            1100,
		Height:           760,
		MinWidth:         720,
		MinHeight:        520,
		BackgroundColour: &options.RGBA{R: 14, G: 16, B: 20, A: 255},
		AssetServer:      &assetserver.Options{Assets: frontend.DistFS()},
		OnStartup:        a.Startup,
		OnShutdown:       a.Shutdown,
		OnBeforeClose:    a.OnBeforeClose,
		Bind:             []any{a},
		Logger:           wailsLogger{logger}, // stdout is for the hosting line and --stats
		Linux: &linux.Options{
			ProgramName:         "parley",
			WebviewGpuPolicy:    linux.WebviewGpuPolicyOnDemand,
			WindowIsTranslucent: false,
		},
	})
	if err != nil {
		logger.Error("parley failed", "err", err, "version", version.Version)
		_ = a.StopHosting()
		os.Exit(1)
	}
	_ = a.StopHosting() // normally done by Shutdown already
}

// quitOnSignal ends the app on SIGINT/SIGTERM without asking: a hosted room ends with host-stopped for its
// guests, then the process exits. (Wails has a handler of its own, which runs the close confirmation and then
// cannot wake GTK's idle main loop; exiting here covers both.)
func quitOnSignal(a *app.App, log *slog.Logger) {
	sigs := make(chan os.Signal, 2)
	ossignal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sigs
		log.Info("quitting on signal", "signal", s.String())
		time.AfterFunc(4*time.Second, func() { os.Exit(1) }) // hosting stops within 2 s
		go func() { <-sigs; os.Exit(1) }()                   // a second signal: at once
		app.Quit(a)
		os.Exit(0)
	}()
}

// wailsLogger sends Wails' own log to ours (stderr) instead of stdout.
type wailsLogger struct{ l *slog.Logger }

func (w wailsLogger) Print(m string)   { w.l.Info(m, "from", "wails") }
func (w wailsLogger) Trace(m string)   { w.l.Debug(m, "from", "wails") }
func (w wailsLogger) Debug(m string)   { w.l.Debug(m, "from", "wails") }
func (w wailsLogger) Info(m string)    { w.l.Info(m, "from", "wails") }
func (w wailsLogger) Warning(m string) { w.l.Warn(m, "from", "wails") }
func (w wailsLogger) Error(m string)   { w.l.Error(m, "from", "wails") }
func (w wailsLogger) Fatal(m string)   { w.l.Error(m, "from", "wails"); os.Exit(1) }
