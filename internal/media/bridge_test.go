package media

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestURLAndToken(t *testing.T) {
	b := newTestBridge(t)
	if !strings.HasPrefix(b.URL(), "ws://127.0.0.1:") || !strings.HasSuffix(b.URL(), "/media") {
		t.Errorf("URL %q", b.URL())
	}
	if len(b.Token()) != 43 { // 32 bytes, base64url without padding
		t.Errorf("token %q: want 43 base64url characters", b.Token())
	}
	b2 := newTestBridge(t)
	if b2.Token() == b.Token() || b2.URL() == b.URL() {
		t.Error("two bridges share a token or a port")
	}
	if err := b.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
}

func TestAuth(t *testing.T) {
	b := newTestBridge(t)
	for _, c := range []struct{ name, token, origin string }{
		{"wrong token", "nope", testOrigin},
		{"no token", "", testOrigin},
		{"token with a prefix", b.Token()[:20], testOrigin},
		{"no origin", b.Token(), ""},
		{"other origin", b.Token(), "http://evil.test"},
	} {
		conn, resp, err := dialRaw(b, c.token, c.origin)
		if err == nil {
			conn.Close()
			t.Errorf("%s: upgraded", c.name)
			continue
		}
		if resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %v, want 403", c.name, resp)
		}
	}

	// The right token and origin upgrade; a second page replaces the first.
	first := dialPage(t, b, "first")
	first.must("open", map[string]any{"peer": "x"})
	second := dialPage(t, b, "second")
	select {
	case <-first.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the first page's socket stayed open after a second page connected")
	}
	if st := second.must("stats", nil); len(st["peers"].([]any)) != 0 {
		t.Errorf("the new page sees the old page's peers: %v", st)
	}
}

func TestBadInput(t *testing.T) {
	b := newTestBridge(t)
	p := dialPage(t, b, "page")
	p.must("open", map[string]any{"peer": "good"})
	p.must("open", map[string]any{"peer": "good"}) // no-op when it exists

	// Requests with an id get an error reply under it.
	for _, c := range []struct {
		op     string
		fields map[string]any
		want   string
	}{
		{"nope", nil, "unknown op"},
		{"setLocal", map[string]any{"peer": "missing"}, "unknown peer"},
		{"close", map[string]any{"peer": "missing"}, "unknown peer"},
		{"open", map[string]any{"peer": ""}, "peer must be"},
		{"open", map[string]any{"peer": strings.Repeat("p", 65)}, "peer must be"},
		{"open", map[string]any{"peer": 42}, "bad request"},
		{"setRemote", map[string]any{"peer": "good", "description": map[string]any{"type": "pranswer", "sdp": "x"}}, "description"},
		{"setRemote", map[string]any{"peer": "good", "description": map[string]any{"type": "offer", "sdp": "garbage"}}, "set remote"},
		{"setLocal", map[string]any{"peer": "good", "type": "answer"}, "rollback"},
		{"setLocal", map[string]any{"peer": "good", "type": "rollback"}, "nothing to roll back"},
		{"candidate", map[string]any{"peer": "good"}, "candidate must be"},
		{"candidate", map[string]any{"peer": "good", "candidate": map[string]any{"sdpMid": "0"}}, "candidate must be"},
		{"candidate", map[string]any{"peer": "good", "candidate": map[string]any{"candidate": "candidate:1 1 udp 1 127.0.0.1 9 typ host"}}, "candidate"},
		{"hello", map[string]any{"iceServers": "stun:x"}, "iceServers"},
		{"hello", map[string]any{"iceServers": []any{map[string]any{"urls": 5}}}, "iceServers"},
	} {
		_, e := p.request(c.op, c.fields)
		if !strings.Contains(e, c.want) {
			t.Errorf("%s %v: error %q, want %q", c.op, c.fields, e, c.want)
		}
	}
	// Text that is not a request: an error reply with id 0.
	for _, raw := range []string{`{`, `[]`, `{"op":"stats"}`, `{"id":-1,"op":"stats"}`, `{"id":"1","op":"stats"}`} {
		p.sendRaw(websocket.TextMessage, []byte(raw))
	}
	// Binary frames that are not samples: an `error` event (at most one a second).
	p.sendRaw(websocket.BinaryMessage, []byte{1, 0})
	p.waitEvent("error event for a short sample", 5*time.Second, opIs("error"))
	// Errors within a second of the last report are not reported: resend until the next report comes.
	deadline := time.Now().Add(5 * time.Second)
	for len(p.eventsOf("error")) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("no error event for an unknown source within 5 s")
		}
		p.sendRaw(websocket.BinaryMessage, sampleMsg(9, false, 20000, []byte{1, 2, 3}))
		select {
		case <-p.notifyCh():
		case <-time.After(100 * time.Millisecond):
		}
	}
	if e := p.eventsOf("error")[1]["error"].(string); !strings.Contains(e, "not a sample") {
		t.Errorf("unknown source: error %q", e)
	}
	// A sample for a source not being sent is dropped quietly.
	p.sendRaw(websocket.BinaryMessage, sampleMsg(srcVideo, true, 33333, []byte{0, 1, 2}))

	// The session and the peer still work.
	r := p.must("setLocal", map[string]any{"peer": "good"})
	if d, _ := r["description"].(map[string]any); d["type"] != "offer" || r["signalingState"] != "have-local-offer" {
		t.Errorf("setLocal after bad input: %v", r)
	}
	st := p.must("stats", nil)
	if len(st["peers"].([]any)) != 1 {
		t.Errorf("stats after bad input: %v", st)
	}
	p.must("close", map[string]any{"peer": "good"})

	// An oversize text frame closes the socket with 1009.
	p.sendRaw(websocket.TextMessage, []byte(`{"id":1,"op":"hello","x":"`+strings.Repeat("a", maxText)+`"}`))
	p.waitClosedTooBig("an oversize text frame")
	// A new page connects fine afterwards.
	dialPage(t, b, "again").must("stats", nil)
}

func TestOversizeBinary(t *testing.T) {
	b := newTestBridge(t)
	p := dialPage(t, b, "page")
	p.sendRaw(websocket.BinaryMessage, make([]byte, maxBinary+1))
	p.waitClosedTooBig("an oversize binary frame")
}

// waitClosedTooBig waits (bounded) for the bridge to close the socket with 1009 after `what`.
func (p *page) waitClosedTooBig(what string) {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		p.t.Fatalf("socket still open after %s", what)
	}
	p.mu.Lock()
	err := p.closeErr
	p.mu.Unlock()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseMessageTooBig {
		p.t.Errorf("closed with %v after %s, want 1009", err, what)
	}
}

func (p *page) eventsOf(op string) []map[string]any {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []map[string]any
	for _, e := range p.events {
		if e["op"] == op {
			out = append(out, e)
		}
	}
	return out
}

func (p *page) notifyCh() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.notify
}
