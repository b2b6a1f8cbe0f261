package signal

import (
	"sync"
	"sync/atomic"

	"github.com/zishang520/socket.io/servers/socket/v3"
)

// conn is one client connection: its socket, its budgets and which complaints about it were logged already.
// Requests arrive on the socket's own queue, one at a time, in the order the client sent them.
type conn struct {
	s       *Server
	sock    *socket.Socket
	id      string
	budgets *buckets

	gone atomic.Bool // disconnected: requests still queued must not change the rooms

	mu     sync.Mutex
	logged map[string]int // "event/code" → times seen; the first is logged, the rest counted
}

type ok = map[string]any

func roomKey(room string) socket.Room { return socket.Room("room/" + room) }

func (s *Server) accept(sock *socket.Socket) {
	s.acceptMu.Lock()
	if s.closing.Load() { // accepted while shutting down
		s.acceptMu.Unlock()
		sock.Disconnect(true)
		return
	}
	s.conns.Add(1)
	s.acceptMu.Unlock()
	c := &conn{s: s, sock: sock, id: string(sock.Id()), budgets: newBuckets(*s.cfg.Limits, s.now()), logged: map[string]int{}}
	s.log.Debug("connected", "id", c.id, "addr", sock.Handshake().Address, "transport", sock.Conn().Transport().Name())
	gone := sync.OnceFunc(func() {
		defer s.conns.Done()
		// First, so that a join still waiting on the socket's queue cannot add a member nobody will remove.
		c.gone.Store(true)
		c.leave(peerLeftReason(s.closing.Load()))
		c.logSummary()
	})
	sock.OnAny(c.onRequest)
	sock.Once("disconnect", func(...any) { gone() })
	// The connection may have closed before the listener was added (the disconnect event is then gone), or a
	// shutdown may have told everyone but this one.
	if !sock.Connected() || s.closing.Load() {
		sock.Disconnect(true)
		gone()
	}
}

func peerLeftReason(closing bool) string {
	if closing {
		return "server-closing"
	}
	return "disconnected"
}

// route is how one request is charged and handled.
type route struct {
	budget func(*buckets) *bucket
	handle func(c *conn, payload any, ack socket.Ack)
}

var routes map[string]route

func init() { // not a literal initialiser: the handlers refer back to routes (complain)
	routes = map[string]route{
		"join":   {func(b *buckets) *bucket { return &b.join }, (*conn).join},
		"signal": {func(b *buckets) *bucket { return &b.signal }, (*conn).signal},
		"chat":   {func(b *buckets) *bucket { return &b.chat }, (*conn).chat},
		"leave":  {func(b *buckets) *bucket { return &b.other }, (*conn).leaveRequest},
		"state":  {func(b *buckets) *bucket { return &b.other }, (*conn).state},
	}
}

// onRequest routes one client→server event: [name, payload..., ack?]. Every request, known or not, is
// charged to a budget before any work is done for it.
func (c *conn) onRequest(args ...any) {
	event, _ := firstString(args)
	var ack socket.Ack
	if n := len(args); n > 1 {
		if f, isAck := args[n-1].(socket.Ack); isAck {
			ack, args = f, args[:n-1]
		}
	}
	if ack == nil {
		c.complain(event, "no-ack", "request without an acknowledgement callback dropped")
		return
	}
	r, known := routes[event]
	budget := &c.budgets.other
	if known {
		budget = r.budget(c.budgets)
	}
	switch {
	case !budget.take(1, c.s.now()):
		c.reply(event, ack, nil, errorf(CodeRateLimited, "too many %s requests: slow down", trim(event, 64)))
	case !known:
		c.reply(event, ack, nil, errorf(CodeUnknownEvent, "no such request %q", trim(event, 64)))
	case len(args) > 2:
		c.reply(event, ack, nil, errorf(CodeBadRequest, "one payload object expected, got %d arguments", len(args)-1))
	case len(args) == 2:
		r.handle(c, args[1], ack)
	default:
		r.handle(c, nil, ack)
	}
}

func (c *conn) leaveRequest(payload any, ack socket.Ack) {
	if err := decodeLeave(payload); err != nil {
		c.reply("leave", ack, nil, err)
		return
	}
	if !c.leave("left") {
		c.reply("leave", ack, nil, errorf(CodeNotInRoom, "not in a room"))
		return
	}
	c.reply("leave", ack, ok{"ok": true}, nil)
}

func (c *conn) state(payload any, ack socket.Ack) {
	st, err := decodeState(payload)
	if err == nil {
		err = c.s.rooms.setState(c.id, st, func(room string, p Peer) {
			c.sock.To(roomKey(room)).Emit("peer-state", ok{"id": p.ID, "state": p.State})
			c.reply("state", ack, ok{"ok": true, "state": p.State}, nil)
		})
	}
	if err != nil {
		c.reply("state", ack, nil, err)
	}
}

func (c *conn) join(payload any, ack socket.Ack) {
	req, err := decodeJoin(payload)
	if err == nil {
		err = c.s.rooms.join(c.id, req, c.s.now(), c.gone.Load, func(j joined) {
			c.sock.Join(roomKey(j.Room))
			c.reply("join", ack, ok{
				"ok": true, "self": j.Self, "peers": j.Peers, "chat": j.Chat, "iceServers": c.s.cfg.ICEServers,
				"room": ok{"name": j.Room, "cap": c.s.cfg.RoomCap},
			}, nil)
			c.sock.To(roomKey(j.Room)).Emit("peer-joined", j.Self)
			c.s.log.Debug("joined", "room", j.Room, "id", c.id, "peers", len(j.Peers))
		})
	}
	if err != nil {
		c.reply("join", ack, nil, err)
	}
}

// leave takes c out of its room, telling the others why; false if it was in none.
func (c *conn) leave(reason string) bool {
	return c.s.rooms.leave(c.id, func(room string) {
		c.sock.Leave(roomKey(room))
		c.s.io.To(roomKey(room)).Emit("peer-left", ok{"id": c.id, "reason": reason})
		c.s.log.Debug("left", "room", room, "id", c.id, "reason", reason)
	})
}

func (c *conn) signal(payload any, ack socket.Ack) {
	req, err := decodeSignal(payload)
	if err == nil && !c.budgets.signalBytes.take(float64(req.Size), c.s.now()) {
		err = errorf(CodeRateLimited, "too many signaling bytes: slow down")
	}
	if err == nil {
		err = c.s.rooms.relay(c.id, req.To, func() {
			c.s.io.To(socket.Room(req.To)).Emit("signal", ok{"from": c.id, "kind": req.Kind, "data": req.Data})
		})
	}
	if err != nil {
		c.reply("signal", ack, nil, err)
		return
	}
	c.reply("signal", ack, ok{"ok": true}, nil)
}

func (c *conn) chat(payload any, ack socket.Ack) {
	req, err := decodeChat(payload)
	if err == nil {
		err = c.s.rooms.chat(c.id, req.Text, c.s.now(), func(room string, m ChatMessage) {
			c.s.io.To(roomKey(room)).Emit("chat", m)
			c.reply("chat", ack, ok{"ok": true, "message": m}, nil)
		})
	}
	if err != nil {
		c.reply("chat", ack, nil, err)
	}
}

// reply acknowledges a request with result, or with err as an error ack (logged once per event and code).
func (c *conn) reply(event string, ack socket.Ack, result any, err *Error) {
	if err != nil {
		c.complain(event, string(err.Code), err.Message)
		result = errorAck{OK: false, Error: err}
	}
	ack([]any{result}, nil)
}

// complain logs the first occurrence of each kind of bad request from this connection and counts the rest,
// so that a flood costs a counter, not a log line per message.
func (c *conn) complain(event, code, msg string) {
	kind := event
	if _, known := routes[event]; !known {
		kind = "(other)" // the client picks event names: they must not grow the map
	}
	key := kind + "/" + code
	c.mu.Lock()
	c.logged[key]++
	first := c.logged[key] == 1
	c.mu.Unlock()
	if first {
		c.s.log.Info("request refused", "id", c.id, "addr", c.sock.Handshake().Address, "event", trim(event, 64),
			"code", code, "message", msg)
	}
}

func (c *conn) logSummary() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key, n := range c.logged {
		if n > 1 {
			c.s.log.Info("requests refused", "id", c.id, "kind", key, "count", n)
		}
	}
	c.s.log.Debug("disconnected", "id", c.id)
}

func firstString(args []any) (string, bool) {
	if len(args) == 0 {
		return "", false
	}
	s, ok := args[0].(string)
	return s, ok
}

func trim(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
