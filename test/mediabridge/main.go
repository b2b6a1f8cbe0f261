// Command mediabridge runs a media bridge alone, for the end-to-end tests that drive the page's native engine in
// Chromium: it prints `bridge <URL> token <TOKEN>` as its first line and runs until SIGINT or SIGTERM.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/parley-app/parley/internal/media"
)

type origins []string

func (o *origins) String() string     { return strings.Join(*o, ",") }
func (o *origins) Set(v string) error { *o = append(*o, v); return nil }

func main() {
	var allow origins
	flag.Var(&allow, "allow-origin", "a page origin allowed to connect (repeatable)")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	b, err := media.NewBridge(media.Config{
		AllowedOrigins:  allow,
		IncludeLoopback: media.LoopbackFromEnv(),
		Logger:          log,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "mediabridge:", err)
		os.Exit(1)
	}
	fmt.Printf("bridge %s token %s\n", b.URL(), b.Token())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	if err := b.Close(); err != nil {
		log.Warn("mediabridge: close", "err", err)
	}
}
