package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/parley-app/parley/internal/signal/signaltest"
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

// dialRoom connects a guest to the room server at baseURL and joins room as name.
func dialRoom(t *testing.T, baseURL, room, name string) *signaltest.Client {
	t.Helper()
	c := signaltest.Dial(t, baseURL)
	if a := c.Req("join", map[string]any{"room": room, "name": name}); a["ok"] != true {
		t.Fatalf("join: %v", a)
	}
	return c
}
