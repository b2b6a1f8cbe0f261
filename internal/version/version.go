// Package version holds the build's version string, set at link time with
// -ldflags "-X github.com/parley-app/parley/internal/version.Version=…".
package version

// Version is "dev" in builds that did not set it.
var Version = "dev"
