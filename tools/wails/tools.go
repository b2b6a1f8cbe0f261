//go:build tools

// Package tools pins the Wails CLI (v2.9.2) with a golang.org/x/tools that builds on current Go
// (`go install ...wails@v2.9.2` pulls x/tools v0.17.0, which fails on Go 1.26). Build it with
//
//	cd tools/wails && go build -o ../../bin/wails github.com/wailsapp/wails/v2/cmd/wails
package tools

import _ "github.com/wailsapp/wails/v2/cmd/wails"
