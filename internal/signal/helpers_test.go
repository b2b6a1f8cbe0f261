package signal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

const wait = 5 * time.Second // bound on every wait in these tests

// testServer is a room server on a free loopback port.
type testServer struct {
	*Server
	URL  string
	addr string
}

func startServer(t *testing.T, cfg Config) *testServer {
	t.Helper()
	if cfg.Logger == nil {
		var out io.Writer = io.Discard
		if os.Getenv("PARLEY_TEST_LOG") != "" {
			out = os.Stderr
		}
		cfg.Logger = slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := New(cfg)
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return &testServer{Server: s, URL: "http://" + ln.Addr().String(), addr: ln.Addr().String()}
}

// event is one server→client event as a client saw it.
type event struct {
	Name    string
	Payload map[string]any
}

// testClient is a Socket.IO v4 client over a plain websocket. It writes and reads the protocol's frames itself
// so that tests see exactly what the server sends. (The Go client clients/socket/v3 proved flaky here: now and
// then it never completes its handshake, or drops events that arrive just before a close.) The real npm
// socket.io-client is exercised by test/interop.
type testClient struct {
	t      *testing.T
	ws     *websocket.Conn
	sid    string
	events chan event
	frames chan string // every frame but pings, in order (for tests that look at the wire)
	closed chan struct{}

	wmu    sync.Mutex
	nextID int
	amu    sync.Mutex
	acks   map[int]func([]any)
}

func dial(t *testing.T, url string) *testClient {
	t.Helper()
	addr := strings.TrimPrefix(url, "http://")
	ws, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &testClient{t: t, ws: ws, events: make(chan event, 10000), frames: make(chan string, 10000),
		closed: make(chan struct{}), acks: map[int]func([]any){}}
	t.Cleanup(func() { ws.Close() })
	_ = ws.SetReadDeadline(time.Now().Add(wait))
	if _, b, err := ws.ReadMessage(); err != nil || !strings.HasPrefix(string(b), "0{") {
		t.Fatalf("engine.io open: %q %v", b, err)
	}
	c.write("40")
	_, b, err := ws.ReadMessage()
	var connect struct{ Sid string }
	if err != nil || !strings.HasPrefix(string(b), "40") || json.Unmarshal(b[2:], &connect) != nil {
		t.Fatalf("socket.io connect: %q %v", b, err)
	}
	_ = ws.SetReadDeadline(time.Time{})
	c.sid = connect.Sid
	go c.readLoop()
	return c
}

func (c *testClient) id() string { return c.sid }

func (c *testClient) write(frame string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.WriteMessage(websocket.TextMessage, []byte(frame))
}

func (c *testClient) readLoop() {
	defer close(c.closed)
	for {
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		f := string(b)
		switch {
		case f == "2":
			c.write("3")
			continue
		case strings.HasPrefix(f, "42"):
			var args []any
			if json.Unmarshal(b[2:], &args) == nil && len(args) > 0 {
				name, _ := args[0].(string)
				var p map[string]any
				if len(args) > 1 {
					p, _ = args[1].(map[string]any)
				}
				c.events <- event{name, p}
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
		c.frames <- f
	}
}

// emit sends an event; with a non-nil ack it asks for an acknowledgement and calls ack with its arguments.
func (c *testClient) emit(name string, ack func([]any), args ...any) {
	c.t.Helper()
	b, err := json.Marshal(append([]any{name}, args...))
	if err != nil {
		c.t.Fatal(err)
	}
	if ack == nil {
		c.write("42" + string(b))
		return
	}
	c.amu.Lock()
	id := c.nextID
	c.nextID++
	c.acks[id] = ack
	c.amu.Unlock()
	c.write("42" + strconv.Itoa(id) + string(b))
}

// req sends a request and returns its ack.
func (c *testClient) req(name string, args ...any) map[string]any {
	c.t.Helper()
	got := make(chan []any, 1)
	c.emit(name, func(a []any) { got <- a }, args...)
	select {
	case a := <-got:
		if len(a) != 1 {
			c.t.Fatalf("%s: ack with %d arguments: %v", name, len(a), a)
		}
		m, ok := a[0].(map[string]any)
		if !ok {
			c.t.Fatalf("%s: ack is %T, not an object", name, a[0])
		}
		return m
	case <-time.After(wait):
		c.t.Fatalf("%s: no ack within %v", name, wait)
		return nil
	}
}

// mustOK sends a request that must succeed.
func (c *testClient) mustOK(name string, args ...any) map[string]any {
	c.t.Helper()
	a := c.req(name, args...)
	if a["ok"] != true {
		c.t.Fatalf("%s %v: %v", name, args, a)
	}
	return a
}

// mustFail sends a request that must fail with code.
func (c *testClient) mustFail(code Code, name string, args ...any) {
	c.t.Helper()
	a := c.req(name, args...)
	e, _ := a["error"].(map[string]any)
	if a["ok"] != false || e == nil || e["code"] != string(code) || e["message"] == "" {
		c.t.Fatalf("%s %v: want error %s, got %v", name, args, code, a)
	}
}

// next returns the next event named name, failing on any other event in between unless skip allows it.
func (c *testClient) next(name string, skip ...string) map[string]any {
	c.t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case e := <-c.events:
			if e.Name == name {
				return e.Payload
			}
			if !contains(skip, e.Name) {
				c.t.Fatalf("waiting for %s, got %s %v", name, e.Name, e.Payload)
			}
		case <-deadline:
			c.t.Fatalf("no %s within %v", name, wait)
			return nil
		}
	}
}

// waitClosed waits until the server has closed the connection.
func (c *testClient) waitClosed() {
	c.t.Helper()
	select {
	case <-c.closed:
	case <-time.After(wait):
		c.t.Fatal("connection still open")
	}
}

func (c *testClient) join(room, name string) map[string]any {
	c.t.Helper()
	return c.mustOK("join", map[string]any{"room": room, "name": name})
}

// joinedPair is two clients, A and B, in room, once A has seen B join.
func joinedPair(t *testing.T, url, room string) (a, b *testClient) {
	t.Helper()
	a, b = dial(t, url), dial(t, url)
	a.join(room, "A")
	b.join(room, "B")
	a.next("peer-joined")
	return a, b
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func peerIDs(v any) []string {
	var ids []string
	list, _ := v.([]any)
	for _, p := range list {
		m, _ := p.(map[string]any)
		ids = append(ids, fmt.Sprint(m["id"]))
	}
	return ids
}

func get(t *testing.T, url string, header ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := (&http.Client{Timeout: wait}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, strings.TrimSpace(string(b))
}
