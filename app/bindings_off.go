//go:build !bindings

package app

// GeneratingBindings is true in the binary `wails build` builds (with the tag "bindings") and runs to write the
// frontend's bindings: main() must then do nothing but wails.Run.
const GeneratingBindings = false
