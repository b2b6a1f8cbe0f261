// Package signaltest is a Socket.IO v4 client for tests of Parley's room server: it writes and reads the
// protocol's frames itself over a plain websocket, so that a test sees exactly what the server sends. (The Go
// client clients/socket/v3 proved flaky here: now and then it never completes its handshake, or drops events that
// arrive just before a close.) The real npm socket.io-client is exercised by test/interop.
package signaltest

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// T is what a Client needs of its user: *testing.T and *testing.B are one; a program that is not a test (the
// pion test peer) supplies its own, whose Fatal ends the program.
type T interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// Wait bounds every wait of a Client.
const Wait = 5 * time.Second

// Event is one server→client event as the client saw it.
type Event struct {
	Name    string
	Payload map[string]any
}

// Client is one connection to a room server's default namespace.
type Client struct {
	ID     string     // the socket id the server gave (it stays known after a disconnect)
	Events chan Event // every server→client event, in order
	Closed chan struct{}

	t      T
	ws     *websocket.Conn
	wmu    sync.Mutex
	amu    sync.Mutex
	nextID int
	acks   map[int]func([]any)
}

// Dial connects to the room server at baseURL (http://host:port) over the websocket transport and waits for the
// Socket.IO handshake. The connection is closed when the test ends (at t.Cleanup).
func Dial(t T, baseURL string) *Client {
	t.Helper()
	addr := strings.TrimPrefix(baseURL, "http://")
	ws, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &Client{t: t, ws: ws, Events: make(chan Event, 10000), Closed: make(chan struct{}), acks: map[int]func([]any){}}
	t.Cleanup(func() { ws.Close() })
	_ = ws.SetReadDeadline(time.Now().Add(Wait))
	if _, b, err := ws.ReadMessage(); err != nil || !strings.HasPrefix(string(b), "0{") {
		t.Fatalf("engine.io open: %q %v", b, err)
	}
	c.Write("40")
	_, b, err := ws.ReadMessage()
	var connect struct{ Sid string }
	if err != nil || !strings.HasPrefix(string(b), "40") || json.Unmarshal(b[2:], &connect) != nil {
		t.Fatalf("socket.io connect: %q %v", b, err)
	}
	_ = ws.SetReadDeadline(time.Time{})
	c.ID = connect.Sid
	go c.readLoop()
	return c
}

// Write sends one raw frame.
func (c *Client) Write(frame string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.WriteMessage(websocket.TextMessage, []byte(frame))
}

func (c *Client) readLoop() {
	defer close(c.Closed)
	for {
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		f := string(b)
		switch {
		case f == "2":
			c.Write("3")
		case strings.HasPrefix(f, "42"):
			var args []any
			if json.Unmarshal(b[2:], &args) == nil && len(args) > 0 {
				name, _ := args[0].(string)
				var p map[string]any
				if len(args) > 1 {
					p, _ = args[1].(map[string]any)
				}
				c.Events <- Event{name, p}
			}
		case strings.HasPrefix(f, "43"):
			i := 2
			for i < len(f) && f[i] >= '0' && f[i] <= '9' {
				i++
			}
			id, _ := strconv.Atoi(f[2:i])
			var args []any
			_ = json.Unmarshal(b[i:], &args)
			c.amu.Lock()
			fn := c.acks[id]
			delete(c.acks, id)
			c.amu.Unlock()
			if fn != nil {
				fn(args)
			}
		}
	}
}

func (c *Client) ackID(ack func([]any)) int {
	c.amu.Lock()
	defer c.amu.Unlock()
	id := c.nextID
	c.nextID++
	c.acks[id] = ack
	return id
}

// Emit sends an event; with a non-nil ack it asks for an acknowledgement and calls ack with its arguments.
func (c *Client) Emit(name string, ack func([]any), args ...any) {
	c.t.Helper()
	b, err := json.Marshal(append([]any{name}, args...))
	if err != nil {
		c.t.Fatal(err)
	}
	if ack == nil {
		c.Write("42" + string(b))
		return
	}
	c.Write("42" + strconv.Itoa(c.ackID(ack)) + string(b))
}

// EmitBinary sends an event whose payload (JSON text) holds a {"_placeholder":true,"num":0} for one binary
// attachment.
func (c *Client) EmitBinary(name, payload string, attachment []byte, ack func([]any)) {
	c.Write("451-" + strconv.Itoa(c.ackID(ack)) + `["` + name + `",` + payload + `]`)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.WriteMessage(websocket.BinaryMessage, attachment)
}

// Req sends a request and returns its ack, which must be one object.
func (c *Client) Req(name string, args ...any) map[string]any {
	c.t.Helper()
	got := make(chan []any, 1)
	c.Emit(name, func(a []any) { got <- a }, args...)
	select {
	case a := <-got:
		m, ok := ackObject(a)
		if !ok {
			c.t.Fatalf("%s: ack is %v, not one object", name, a)
		}
		return m
	case <-time.After(Wait):
		c.t.Fatalf("%s: no ack within %v", name, Wait)
		return nil
	}
}

func ackObject(a []any) (map[string]any, bool) {
	if len(a) != 1 {
		return nil, false
	}
	m, ok := a[0].(map[string]any)
	return m, ok
}

// Next returns the payload of the next event named name, failing on any other event in between unless skip
// allows it, and failing if none comes within Wait.
func (c *Client) Next(name string, skip ...string) map[string]any {
	c.t.Helper()
	deadline := time.After(Wait)
	for {
		select {
		case e := <-c.Events:
			if e.Name == name {
				return e.Payload
			}
			if !contains(skip, e.Name) {
				c.t.Fatalf("waiting for %s, got %s %v", name, e.Name, e.Payload)
			}
		case <-deadline:
			c.t.Fatalf("no %s within %v", name, Wait)
			return nil
		}
	}
}

// Close closes the connection from the client's side, without a goodbye.
func (c *Client) Close() { _ = c.ws.Close() }

// WaitClosed waits until the server has closed the connection.
func (c *Client) WaitClosed() {
	c.t.Helper()
	select {
	case <-c.Closed:
	case <-time.After(Wait):
		c.t.Fatal("connection still open")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
