// Package media is Parley's native media engine: pion/webrtc peer connections run in Go for a page whose
// webview has no RTCPeerConnection. The page encodes and decodes with WebCodecs and talks to a Bridge over one
// WebSocket on 127.0.0.1 (docs/MEDIA-BRIDGE.md). It knows peers and tracks, never rooms or UI.
package media

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Bridge is the page's end of the media engine: an HTTP server on 127.0.0.1 with one WebSocket route, and the
// one session of the page connected to it. Its zero value is not usable: call NewBridge.
type Bridge struct {
	cfg   Config
	log   *slog.Logger
	token string
	ln    net.Listener
	srv   *http.Server
	up    websocket.Upgrader

	mu       sync.Mutex
	session  *session // the connected page, if any
	closed   bool
	sessions sync.WaitGroup // handlers still running a session
}

// NewBridge starts a bridge on a random port of 127.0.0.1 with a fresh token.
func NewBridge(cfg Config) (*Bridge, error) {
	cfg = cfg.withDefaults()
	tok := make([]byte, 32)
	if _, err := rand.Read(tok); err != nil {
		return nil, fmt.Errorf("media bridge token: %w", err)
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("media bridge listen: %w", err)
	}
	b := &Bridge{cfg: cfg, log: cfg.Logger.With("component", "media"), token: base64.RawURLEncoding.EncodeToString(tok), ln: ln}
	b.up = websocket.Upgrader{
		ReadBufferSize:  64 << 10,
		WriteBufferSize: 64 << 10,
		// The origin was checked before the upgrade (authorize), with the 403 the contract asks for.
		CheckOrigin: func(*http.Request) bool { return true },
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/media", b.serveMedia)
	b.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(b.log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := b.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			b.log.Error("media bridge stopped serving", "err", err)
		}
	}()
	return b, nil
}

// URL is the WebSocket address the page connects to (add ?token=Token()).
func (b *Bridge) URL() string { return "ws://" + b.ln.Addr().String() + "/media" }

// Token is the per-launch secret the page must present.
func (b *Bridge) Token() string { return b.token }

// Close ends the session (closing its peer connections) and the listener. It is idempotent.
func (b *Bridge) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	s := b.session
	b.session = nil
	b.mu.Unlock()
	// The server does not track hijacked (WebSocket) connections: end the session ourselves.
	err := b.srv.Close()
	if s != nil {
		s.close()
	}
	b.sessions.Wait()
	return err
}

// authorize checks the token (constant time) and the page's origin.
func (b *Bridge) authorize(r *http.Request) bool {
	tok := r.URL.Query().Get("token")
	okToken := subtle.ConstantTimeCompare([]byte(tok), []byte(b.token)) == 1
	origin := r.Header.Get("Origin")
	return okToken && origin != "" && slices.Contains(b.cfg.AllowedOrigins, origin)
}

func (b *Bridge) serveMedia(w http.ResponseWriter, r *http.Request) {
	if !b.authorize(r) {
		b.log.Warn("media bridge: refused a connection", "origin", r.Header.Get("Origin"), "remote", r.RemoteAddr)
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	}
	b.sessions.Add(1)
	b.mu.Unlock()
	defer b.sessions.Done()

	conn, err := b.up.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered
	}
	s := newSession(b.cfg, b.log, conn)
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		s.close()
		return
	}
	old := b.session
	b.session = s
	b.mu.Unlock()
	if old != nil {
		// One page at a time: a reloaded page replaces the old one and its connections.
		b.log.Info("media bridge: a new page replaces the connected one")
		old.close()
	}
	s.run()
	b.mu.Lock()
	if b.session == s {
		b.session = nil
	}
	b.mu.Unlock()
}

// writeLoop is the page socket's one writer: it sends what the session queued, in order.
func writeLoop(conn *websocket.Conn, q *outQueue, done <-chan struct{}) error {
	for {
		select {
		case <-done:
			return nil
		case <-q.wake:
		}
		for _, m := range q.take() {
			kind := websocket.BinaryMessage
			if m.text {
				kind = websocket.TextMessage
			}
			_ = conn.SetWriteDeadline(time.Now().Add(writeTimeout))
			if err := conn.WriteMessage(kind, m.data); err != nil {
				return err
			}
		}
	}
}
