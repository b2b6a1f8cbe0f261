// Command parley is the Parley desktop app: a Wails window showing the web frontend, with the app service
// (package app) bound to it. Build it with `make app` (Linux needs -tags webkit2_41).
package main

import (
	"log/slog"
	"os"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"github.com/parley-app/parley/app"
	"github.com/parley-app/parley/frontend"
	"github.com/parley-app/parley/internal/version"
)

func main() {
	// Nothing here may have side effects before wails.Run: `wails build` runs this main() to generate the
	// bindings (wails.Run then writes them and returns without a window).
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	a := app.New(app.Config{Logger: logger})

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
		Bind:             []any{a},
		Linux: &linux.Options{
			ProgramName:         "parley",
			WebviewGpuPolicy:    linux.WebviewGpuPolicyOnDemand,
			WindowIsTranslucent: false,
		},
	})
	if err != nil {
		logger.Error("parley failed", "err", err, "version", version.Version)
		os.Exit(1)
	}
}
