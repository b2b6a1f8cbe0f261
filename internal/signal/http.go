package signal

import (
	"encoding/json"
	"io/fs"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
)

// desktopOrigins are the origins of Parley's own desktop app: WebKitGTK and WKWebView load it from wails://wails,
// WebView2 from http(s)://wails.localhost. The app joins remote rooms from there.
var desktopOrigins = []string{"wails://wails", "http://wails.localhost", "https://wails.localhost"}

// DesktopOrigins are the origins the desktop app's page has (its media bridge admits only them).
func DesktopOrigins() []string { return slices.Clone(desktopOrigins) }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", s.allowOrigin(s.io.ServeHandler(nil)))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("/", getOnly(s.frontend()))
	var h http.Handler = mux
	if s.cfg.IPHostsOnly {
		h = ipHostsOnly(h)
	}
	return limitBody(h)
}

func ipHostsOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(r.Host); err == nil {
			host = h
		}
		if _, err := netip.ParseAddr(strings.Trim(host, "[]")); err != nil && !strings.EqualFold(host, "localhost") {
			http.Error(w, "this room server answers to its address, not to the name "+trim(host, 100), http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	st := s.Stats()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"ok": !s.closing.Load(), "rooms": st.Rooms, "participants": st.Participants, "version": s.cfg.Version,
	})
}

func (s *Server) frontend() http.Handler {
	if s.cfg.Frontend != nil {
		if _, err := fs.Stat(s.cfg.Frontend, "index.html"); err == nil {
			return http.FileServerFS(s.cfg.Frontend)
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("Parley room server: this build has no web frontend (run `make frontend`, then rebuild).\n"))
	})
}

// allowOrigin refuses browser requests from pages that are neither this server's, the desktop app's nor a
// configured origin, so that another site cannot drive a visitor's browser into a room. Requests without an
// Origin header come from non-browser clients and pass.
func (s *Server) allowOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" || s.originAllowed(origin, r.Host) {
			next.ServeHTTP(w, r)
			return
		}
		s.log.Info("origin refused", "origin", trim(origin, 200), "addr", r.RemoteAddr)
		http.Error(w, "origin not allowed", http.StatusForbidden)
	})
}

func (s *Server) originAllowed(origin, host string) bool {
	if u, err := url.Parse(origin); err == nil && strings.EqualFold(u.Host, host) &&
		(u.Scheme == "http" || u.Scheme == "https") {
		return true
	}
	match := func(o string) bool { return o == "*" || strings.EqualFold(o, origin) }
	return slices.ContainsFunc(desktopOrigins, match) || slices.ContainsFunc(s.cfg.CORSOrigins, match)
}

func getOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody caps every request body. Socket.IO's own limit applies per message; this stops a client from
// streaming an endless polling POST before it is parsed.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 2*MaxMessage)
		next.ServeHTTP(w, r)
	})
}
