// Command parley-server is Parley's room server without the desktop app: pure Go, no cgo, no webview. It serves
// the signaling protocol (docs/PROTOCOL.md) and the web frontend for browser guests.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/parley-app/parley/frontend"
	roomserver "github.com/parley-app/parley/internal/signal"
	"github.com/parley-app/parley/internal/version"
)

// shutdownGrace bounds how long a shutdown waits for clients to be told and closed; the process is gone well
// within 2 s of SIGINT/SIGTERM.
const shutdownGrace = 1500 * time.Millisecond

type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, " ") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "parley-server:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr *os.File) error {
	fl := flag.NewFlagSet("parley-server", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var (
		addr       = fl.String("addr", fmt.Sprintf(":%d", roomserver.DefaultPort), "address to listen on (127.0.0.1:0 picks a free port)")
		roomCap    = fl.Int("room-cap", 16, "participants per room")
		tlsCert    = fl.String("tls-cert", "", "TLS certificate (PEM); with --tls-key, serve https")
		tlsKey     = fl.String("tls-key", "", "TLS private key (PEM)")
		rateLimits = fl.Bool("rate-limits", true, "per-socket request budgets (turn off only for benchmarks)")
		logLevel   = fl.String("log-level", "info", "debug, info, warn or error")
		logJSON    = fl.Bool("log-json", false, "log JSON lines instead of text")
		showVer    = fl.Bool("version", false, "print the version and exit")
		origins    repeated
		ice        repeated
	)
	fl.Var(&origins, "cors-origin", "another origin whose pages may connect, e.g. https://meet.example.org (repeatable; * for any)")
	fl.Var(&ice, "ice-server", "STUN/TURN server for clients: URL[,username=U,credential=C] (repeatable)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *showVer {
		fmt.Fprintln(stdout, version.Version)
		return nil
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	hopts := &slog.HandlerOptions{Level: level}
	var log *slog.Logger
	if *logJSON {
		log = slog.New(slog.NewJSONHandler(stderr, hopts))
	} else {
		log = slog.New(slog.NewTextHandler(stderr, hopts))
	}

	cfg := roomserver.Config{
		RoomCap:     *roomCap,
		CORSOrigins: origins,
		Frontend:    frontend.DistFS(),
		Version:     version.Version,
		Logger:      log,
	}
	for _, s := range ice {
		srv, err := roomserver.ParseICEServer(s)
		if err != nil {
			return err
		}
		cfg.ICEServers = append(cfg.ICEServers, srv)
	}
	if !*rateLimits {
		cfg.Limits = &roomserver.Limits{}
	}
	if *roomCap < 1 {
		return errors.New("--room-cap must be at least 1")
	}

	// The certificate is read before listening, so that a bad one stops the start instead of every request.
	var tlsConf *tls.Config
	if *tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(*tlsCert, *tlsKey)
		if err != nil {
			return fmt.Errorf("--tls-cert/--tls-key: %w", err)
		}
		tlsConf = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := roomserver.New(cfg)
	scheme := "http"
	if tlsConf != nil {
		scheme = "https"
	}
	fmt.Fprintf(stdout, "listening on %s://%s\n", scheme, displayAddr(ln.Addr().(*net.TCPAddr)))
	if tlsConf != nil {
		ln = tls.NewListener(ln, tlsConf)
	}
	log.Info("parley-server started", "version", version.Version, "addr", ln.Addr().String(), "room_cap", *roomCap,
		"ice_servers", len(cfg.ICEServers), "rate_limits", *rateLimits)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	stop() // a second signal kills at once
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("shutdown", "err", err)
	}
	return nil
}

// displayAddr names a listening address as a URL host: the wildcard addresses read as 0.0.0.0.
func displayAddr(a *net.TCPAddr) string {
	host := a.IP.String()
	if a.IP.IsUnspecified() {
		host = "0.0.0.0"
	}
	return net.JoinHostPort(host, fmt.Sprint(a.Port))
}
