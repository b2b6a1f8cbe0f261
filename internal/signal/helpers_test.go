package signal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/parley-app/parley/internal/signal/signaltest"
)

const wait = signaltest.Wait // bound on every wait in these tests

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

// testClient is a signaltest.Client with the protocol's request helpers.
type testClient struct {
	*signaltest.Client
	t *testing.T
}

func dial(t *testing.T, url string) *testClient { return &testClient{signaltest.Dial(t, url), t} }

func (c *testClient) id() string { return c.ID }

// mustOK sends a request that must succeed.
func (c *testClient) mustOK(name string, args ...any) map[string]any {
	c.t.Helper()
	a := c.Req(name, args...)
	if a["ok"] != true {
		c.t.Fatalf("%s %v: %v", name, args, a)
	}
	return a
}

// mustFail sends a request that must fail with code.
func (c *testClient) mustFail(code Code, name string, args ...any) {
	c.t.Helper()
	a := c.Req(name, args...)
	e, _ := a["error"].(map[string]any)
	if a["ok"] != false || e == nil || e["code"] != string(code) || e["message"] == "" {
		c.t.Fatalf("%s %v: want error %s, got %v", name, args, code, a)
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
	a.Next("peer-joined")
	return a, b
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
