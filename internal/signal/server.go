// Package signal is Parley's room server: Socket.IO rooms where participants find each other, relay WebRTC
// signaling and chat (docs/PROTOCOL.md). It knows rooms and messages, never media. The desktop app runs it to host
// a room on the LAN; cmd/parley-server runs it headless.
package signal

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zishang520/socket.io/parsers/socket/v3/parser"
	engine "github.com/zishang520/socket.io/servers/engine/v3"
	"github.com/zishang520/socket.io/servers/engine/v3/transports"
	"github.com/zishang520/socket.io/servers/socket/v3"
	"github.com/zishang520/socket.io/v3/pkg/types"
)

// MaxMessage is the largest Socket.IO frame a client may send; a larger one closes that client's connection.
const MaxMessage = 128 << 10

// Server is one room server. Its zero value is not usable: call New.
type Server struct {
	cfg   Config
	log   *slog.Logger
	io    *socket.Server
	rooms *registry
	http  *http.Server
	now   func() time.Time

	// acceptMu orders accepting a connection against Shutdown: no conns.Add may follow the start of conns.Wait.
	acceptMu sync.Mutex
	closing  atomic.Bool
	conns    sync.WaitGroup // connections whose room has not been cleaned up yet
}

// New builds a room server from cfg.
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	s := &Server{cfg: cfg, log: cfg.Logger, rooms: newRegistry(cfg.RoomCap, cfg.History), now: time.Now}

	opts := socket.DefaultServerOptions()
	opts.SetServeClient(false)
	opts.SetPingInterval(cfg.PingInterval)
	opts.SetPingTimeout(cfg.PingTimeout)
	opts.SetMaxHttpBufferSize(MaxMessage)
	opts.SetTransports(types.NewSet(socket.Polling, socket.WebSocket))
	// Origins are checked by allowOrigin before a request reaches Socket.IO; this only makes the engine send
	// the CORS headers polling needs for the origins that got through.
	opts.SetCors(&types.Cors{Origin: func(string) bool { return true }})
	s.io = socket.NewServer(nil, opts)
	s.io.On("connection", func(args ...any) {
		if sock, ok := args[0].(*socket.Socket); ok {
			s.accept(sock)
		}
	})
	s.http = &http.Server{
		Handler:           s.routes(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	return s
}

// Handler is the whole server as one http.Handler: Socket.IO, /healthz and the web frontend.
func (s *Server) Handler() http.Handler { return s.http.Handler }

// Serve answers on ln until Shutdown (for HTTPS, ln is a tls.NewListener). It returns http.ErrServerClosed
// after a Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.http.Serve(ln) }

// Reasons a server gives in `server-closing`.
const (
	ReasonShutdown    = "shutdown"     // the server process is stopping
	ReasonHostStopped = "host-stopped" // the desktop app that hosted the room stopped hosting
)

// Shutdown tells every client `server-closing` {reason: "shutdown"}, closes their connections (after what is
// queued for them is written) and stops the HTTP server. It returns when all is closed or ctx is done,
// whichever comes first.
func (s *Server) Shutdown(ctx context.Context) error { return s.ShutdownWith(ctx, ReasonShutdown) }

// ShutdownWith is Shutdown with another reason for the clients.
func (s *Server) ShutdownWith(ctx context.Context, reason string) error {
	s.acceptMu.Lock()
	first := s.closing.CompareAndSwap(false, true)
	s.acceptMu.Unlock()
	if !first {
		return nil
	}
	s.tellClosing(ctx, reason)
	s.io.DisconnectSockets(true)
	done := make(chan struct{})
	go func() { s.conns.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
	s.io.Close(nil)
	err := s.http.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		err = s.http.Close() // long-polls and hijacked websockets do not wait for Shutdown
	}
	return err
}

// tellClosing sends every client `server-closing` and waits (at most a second, or until ctx is done) until
// each has been written. A plain Emit followed by a disconnect can lose the message: the engine's websocket
// transport closes without draining its write queue.
func (s *Server) tellClosing(ctx context.Context, reason string) {
	frames := s.io.Encoder().Encode(&parser.Packet{
		Type: parser.EVENT, Nsp: "/", Data: []any{"server-closing", map[string]any{"reason": reason}},
	})
	var written sync.WaitGroup
	s.io.Sockets().Sockets().Range(func(_ socket.SocketId, sock *socket.Socket) bool {
		written.Add(1)
		var once sync.Once
		for i, f := range frames {
			var sent engine.SendCallback
			if i == len(frames)-1 {
				sent = func(transports.Transport) { once.Do(written.Done) }
			}
			sock.Conn().Write(f.Clone(), nil, sent)
		}
		return true
	})
	done := make(chan struct{})
	go func() { written.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	case <-time.After(time.Second):
	}
}

// Stats are the figures /healthz reports.
type Stats struct {
	Rooms        int `json:"rooms"`
	Participants int `json:"participants"`
}

func (s *Server) Stats() Stats {
	r, p := s.rooms.counts()
	return Stats{Rooms: r, Participants: p}
}
