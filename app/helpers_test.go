package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gorilla/websocket"
)

const wait = 5 * time.Second // bound on every wait in these tests

// syncBuffer is a bytes.Buffer safe for concurrent writers and readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testLogger(t *testing.T) (*slog.Logger, *syncBuffer) {
	t.Helper()
	buf := &syncBuffer{}
	var w io.Writer = buf
	if os.Getenv("PARLEY_TEST_LOG") != "" {
		w = io.MultiWriter(buf, os.Stderr)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// testFrontend stands in for the built web frontend.
var testFrontend = fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>Parley test page</title>")}}

// newTestApp is an App with its settings in a temporary directory, stdout captured, and no real network
// addresses unless addrs is given.
func newTestApp(t *testing.T, launch Launch, addrs ...ifaceAddr) (*App, *syncBuffer) {
	t.Helper()
	log, _ := testLogger(t)
	out := &syncBuffer{}
	a := New(Config{
		Logger:   log,
		Launch:   launch,
		Settings: NewSettingsStore(t.TempDir()+"/settings.json", log),
		Stdout:   out,
		Frontend: testFrontend,
	})
	a.listAddresses = func() ([]ifaceAddr, error) { return addrs, nil }
	a.confirm = func(context.Context, string, string) (bool, error) {
		t.Error("unexpected confirmation dialog")
		return false, nil
	}
	t.Cleanup(func() {
		if err := a.StopHosting(); err != nil {
			t.Errorf("stop hosting: %v", err)
		}
	})
	return a, out
}

// healthz fetches URL/healthz.
func healthz(t *testing.T, url string) map[string]any {
	t.Helper()
	c := http.Client{Timeout: wait}
	resp, err := c.Get(url + "/healthz")
	if err != nil {
		t.Fatalf("healthz %s: %v", url, err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz %s: status %d, %v", url, resp.StatusCode, err)
	}
	return m
}

// sioClient is a minimal Socket.IO v4 client over a plain websocket (the same approach as
// internal/signal's tests): enough to join a room and see what the server sends.
type sioClient struct {
	t      *testing.T
	ws     *websocket.Conn
	events chan []any // server→client events: [name, payload...]
	acks   chan []any
	closed chan struct{}
	wmu    sync.Mutex
}

func dialRoom(t *testing.T, baseURL, room, name string) *sioClient {
	t.Helper()
	addr := strings.TrimPrefix(baseURL, "http://")
	ws, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	c := &sioClient{t: t, ws: ws, events: make(chan []any, 100), acks: make(chan []any, 10), closed: make(chan struct{})}
	_ = ws.SetReadDeadline(time.Now().Add(wait))
	if _, b, err := ws.ReadMessage(); err != nil || !strings.HasPrefix(string(b), "0{") {
		t.Fatalf("engine.io open: %q %v", b, err)
	}
	c.write("40")
	if _, b, err := ws.ReadMessage(); err != nil || !strings.HasPrefix(string(b), "40") {
		t.Fatalf("socket.io connect: %q %v", b, err)
	}
	_ = ws.SetReadDeadline(time.Time{})
	go c.readLoop()
	p, _ := json.Marshal([]any{"join", map[string]any{"room": room, "name": name}})
	c.write("420" + string(p))
	select {
	case a := <-c.acks:
		if m, _ := a[0].(map[string]any); m == nil || m["ok"] != true {
			t.Fatalf("join: %v", a)
		}
	case <-time.After(wait):
		t.Fatal("join: no ack")
	}
	return c
}

func (c *sioClient) write(f string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.WriteMessage(websocket.TextMessage, []byte(f))
}

func (c *sioClient) readLoop() {
	defer close(c.closed)
	for {
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		f := string(b)
		var args []any
		switch {
		case f == "2":
			c.write("3")
		case strings.HasPrefix(f, "42"):
			if json.Unmarshal(b[2:], &args) == nil {
				c.events <- args
			}
		case strings.HasPrefix(f, "430"):
			if json.Unmarshal(b[3:], &args) == nil {
				c.acks <- args
			}
		}
	}
}

// next returns the payload of the next event named name, skipping others.
func (c *sioClient) next(name string) map[string]any {
	c.t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case e := <-c.events:
			if len(e) > 0 && e[0] == name {
				m, _ := e[len(e)-1].(map[string]any)
				return m
			}
		case <-c.closed:
			select {
			case e := <-c.events: // one that arrived before the close
				if len(e) > 0 && e[0] == name {
					m, _ := e[len(e)-1].(map[string]any)
					return m
				}
			default:
				c.t.Fatalf("connection closed before %s", name)
			}
		case <-deadline:
			c.t.Fatalf("no %s within %v", name, wait)
		}
	}
}
