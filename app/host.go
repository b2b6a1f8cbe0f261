package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/parley-app/parley/internal/signal"
	"github.com/parley-app/parley/internal/version"
)

// DefaultPort is where the app hosts a room unless asked otherwise.
const DefaultPort = signal.DefaultPort

// stopGrace bounds StopHosting: guests are told `server-closing` and disconnected within it.
const stopGrace = 2 * time.Second

// HostRequest asks to host a room on this computer.
type HostRequest struct {
	Port int `json:"port"` // 0: 7800; a port that is taken falls back to a free one
}

// HostInfo says whether and where this computer hosts.
type HostInfo struct {
	Active   bool     `json:"active"`
	Port     int      `json:"port"`
	LocalURL string   `json:"localURL"` // http://127.0.0.1:PORT: what the app's own page connects to
	URLs     []string `json:"urls"`     // http://ADDR:PORT for each LAN address (IPv6 in brackets); empty if none
}

// hosted is a running room server.
type hosted struct {
	srv    *signal.Server
	served chan error // Serve's result
	info   HostInfo
}

// StartHosting starts the room server on all interfaces, serving the web frontend to browser guests. It is
// idempotent: while hosting it returns the current HostInfo, whatever port is asked for.
func (a *App) StartHosting(req HostRequest) (HostInfo, error) {
	a.hostMu.Lock()
	defer a.hostMu.Unlock()
	if h := a.currentHost(); h != nil {
		return h.info, nil
	}
	if req.Port < 0 || req.Port > 65535 {
		return HostInfo{}, fmt.Errorf("port %d: want 1 to 65535, or 0 for %d", req.Port, DefaultPort)
	}
	ln, err := listenFallback(req.Port)
	if err != nil {
		return HostInfo{}, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	srv := signal.New(signal.Config{Frontend: a.frontend, Version: version.Version, Logger: a.log, IPHostsOnly: true})
	h := &hosted{srv: srv, served: make(chan error, 1)}
	go func() { h.served <- srv.Serve(ln) }()

	addrs, err := a.listAddresses()
	if err != nil {
		a.log.Warn("listing network addresses", "err", err)
	}
	h.info = HostInfo{
		Active:   true,
		Port:     port,
		LocalURL: "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		URLs:     lanURLs(addrs, port),
	}
	a.mu.Lock()
	a.host = h
	a.mu.Unlock()
	if req.Port != 0 && port != req.Port || req.Port == 0 && port != DefaultPort {
		a.log.Info("asked port taken, hosting on a free one", "asked", max(req.Port, 0), "port", port)
	}
	a.log.Info("hosting", "port", port, "urls", h.info.URLs)
	return h.info, nil
}

// StopHosting ends the hosted room for everyone: guests get `server-closing` {reason: "host-stopped"} and are
// disconnected. It returns within about 2 s; without hosting it does nothing.
func (a *App) StopHosting() error {
	a.hostMu.Lock()
	defer a.hostMu.Unlock()
	h := a.currentHost()
	if h == nil {
		return nil
	}
	a.mu.Lock()
	a.host = nil
	a.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), stopGrace)
	defer cancel()
	err := h.srv.ShutdownWith(ctx, signal.ReasonHostStopped)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	select {
	case serr := <-h.served:
		if serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
			err = serr
		}
	case <-ctx.Done():
	}
	a.log.Info("stopped hosting", "port", h.info.Port)
	return err
}

// Hosting returns where this computer hosts; Active is false when it does not.
func (a *App) Hosting() HostInfo {
	if h := a.currentHost(); h != nil {
		return h.info
	}
	return HostInfo{URLs: []string{}}
}

func (a *App) currentHost() *hosted {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.host
}

// AnnounceURL is the address the command line prints for a host: the first LAN URL, else the LocalURL.
func AnnounceURL(h HostInfo) string {
	if len(h.URLs) > 0 {
		return h.URLs[0]
	}
	return h.LocalURL
}

// listenFallback listens on all interfaces on port (0: DefaultPort), or on a free port when that one is taken.
func listenFallback(port int) (net.Listener, error) {
	if port == 0 {
		port = DefaultPort
	}
	ln, err := net.Listen("tcp", ":"+strconv.Itoa(port))
	if err == nil {
		return ln, nil
	}
	ln, err2 := net.Listen("tcp", ":0")
	if err2 != nil {
		return nil, fmt.Errorf("listen on port %d: %v; on a free port: %w", port, err, err2)
	}
	return ln, nil
}
