package signal

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestJoinAcksSelfPeersAndTellsTheRoom(t *testing.T) {
	srv := startServer(t, Config{ICEServers: []ICEServer{{URLs: []string{"stun:stun.example.org:3478"}}}})
	a, b := dial(t, srv.URL), dial(t, srv.URL)

	ackA := a.join("standup", "  Ada  ")
	self := ackA["self"].(map[string]any)
	if self["id"] != a.id() || self["name"] != "Ada" {
		t.Fatalf("self = %v, want id %s and the trimmed name", self, a.id())
	}
	if len(peerIDs(ackA["peers"])) != 0 || len(ackA["chat"].([]any)) != 0 {
		t.Fatalf("first joiner: %v", ackA)
	}
	ice := ackA["iceServers"].([]any)[0].(map[string]any)
	if fmt.Sprint(ice["urls"]) != "[stun:stun.example.org:3478]" {
		t.Fatalf("iceServers = %v", ackA["iceServers"])
	}
	if r := ackA["room"].(map[string]any); r["name"] != "standup" || r["cap"] != float64(16) {
		t.Fatalf("room = %v", r)
	}

	ackB := b.join("standup", "Grace")
	if ids := peerIDs(ackB["peers"]); len(ids) != 1 || ids[0] != a.id() {
		t.Fatalf("peers of the second joiner = %v, want [%s]", ids, a.id())
	}
	if p := a.Next("peer-joined"); p["id"] != b.id() || p["name"] != "Grace" {
		t.Fatalf("peer-joined = %v", p)
	}

	b.mustOK("leave")
	if p := a.Next("peer-left"); p["id"] != b.id() || p["reason"] != "left" {
		t.Fatalf("peer-left = %v", p)
	}
	b.mustFail(CodeNotInRoom, "leave")
	// After leaving, the same socket may join again (a socket is in at most one room at a time).
	b.join("standup", "Grace")
	a.Next("peer-joined")
	b.mustFail(CodeAlreadyInRoom, "join", map[string]any{"room": "other", "name": "Grace"})
}

func TestSignalReachesOnlyTheAddressedPeerInTheSameRoom(t *testing.T) {
	srv := startServer(t, Config{})
	a, b, c, d := dial(t, srv.URL), dial(t, srv.URL), dial(t, srv.URL), dial(t, srv.URL)
	a.join("r1", "A")
	b.join("r1", "B")
	c.join("r1", "C")
	d.join("r2", "D")

	data := map[string]any{"type": "offer", "sdp": "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n", "nested": []any{1.0, "x", nil, true}}
	a.mustOK("signal", map[string]any{"to": b.id(), "kind": "offer", "data": data})
	got := b.Next("signal", "peer-joined")
	if got["from"] != a.id() || got["kind"] != "offer" {
		t.Fatalf("signal = %v", got)
	}
	if want, _ := json.Marshal(data); string(mustJSON(t, got["data"])) != string(want) {
		t.Fatalf("data = %s, want %s", mustJSON(t, got["data"]), want)
	}
	a.mustOK("signal", map[string]any{"to": b.id(), "kind": "candidate", "data": "candidate:1 1 udp 1 127.0.0.1 9 typ host"})
	if got := b.Next("signal"); got["data"] != "candidate:1 1 udp 1 127.0.0.1 9 typ host" {
		t.Fatalf("string data = %v", got)
	}

	a.mustFail(CodeUnknownPeer, "signal", map[string]any{"to": d.id(), "kind": "offer", "data": "x"})
	a.mustFail(CodeUnknownPeer, "signal", map[string]any{"to": "nobody", "kind": "offer", "data": "x"})
	a.mustFail(CodeBadRequest, "signal", map[string]any{"to": a.id(), "kind": "offer", "data": "x"})

	// C and D must have received no signal: the first signal each sees is the marker sent now.
	a.mustOK("signal", map[string]any{"to": c.id(), "kind": "bye", "data": "marker"})
	if got := c.Next("signal", "peer-joined"); got["data"] != "marker" {
		t.Fatalf("C received a signal meant for another: %v", got)
	}
	d.mustFail(CodeAlreadyInRoom, "join", map[string]any{"room": "r2", "name": "D"}) // D has processed all before
	select {
	case e := <-d.Events:
		t.Fatalf("D, in another room, received %s %v", e.Name, e.Payload)
	default:
	}
}

func TestSignalsArriveInOrder(t *testing.T) {
	srv := startServer(t, Config{})
	a, b := joinedPair(t, srv.URL, "burst")

	const n = 2000 // the default budget allows a burst this size
	acks := make(chan map[string]any, n)
	for i := range n {
		a.Emit("signal", func(args []any) { acks <- args[0].(map[string]any) },
			map[string]any{"to": b.id(), "kind": "candidate", "data": map[string]any{"seq": i}})
	}
	for i := range n {
		got := b.Next("signal")
		if seq := got["data"].(map[string]any)["seq"]; seq != float64(i) {
			t.Fatalf("signal %d arrived as number %v", i, seq)
		}
	}
	for range n {
		select {
		case ack := <-acks:
			if ack["ok"] != true {
				t.Fatalf("ack %v", ack)
			}
		case <-time.After(wait):
			t.Fatal("missing acks")
		}
	}
}

func TestChatReachesEveryoneAndLateJoinersGetTheLast200InOrder(t *testing.T) {
	srv := startServer(t, Config{Limits: &Limits{}})
	a, b := dial(t, srv.URL), dial(t, srv.URL)
	a.join("chat", "Ada")
	b.join("chat", "Grace")
	a.Next("peer-joined")

	ack := a.mustOK("chat", map[string]any{"text": "  hello\nworld  "})
	msg := ack["message"].(map[string]any)
	if msg["text"] != "hello\nworld" || msg["from"] != a.id() || msg["name"] != "Ada" || msg["id"] != float64(1) {
		t.Fatalf("message = %v", msg)
	}
	if ts := int64(msg["ts"].(float64)); time.Since(time.UnixMilli(ts)).Abs() > time.Minute {
		t.Fatalf("ts = %d", ts)
	}
	for _, c := range []*testClient{a, b} {
		if got := c.Next("chat"); fmt.Sprint(got) != fmt.Sprint(msg) {
			t.Fatalf("broadcast %v, ack %v", got, msg)
		}
	}

	for i := 2; i <= 250; i++ {
		c := a
		if i%2 == 0 {
			c = b
		}
		c.mustOK("chat", map[string]any{"text": fmt.Sprintf("message %d", i)})
	}
	late := dial(t, srv.URL)
	history := late.join("chat", "Late")["chat"].([]any)
	if len(history) != 200 {
		t.Fatalf("history has %d messages, want 200", len(history))
	}
	for i, m := range history {
		m := m.(map[string]any)
		if want := float64(51 + i); m["id"] != want || m["text"] != fmt.Sprintf("message %d", 51+i) {
			t.Fatalf("history[%d] = %v, want message %v", i, m, want)
		}
	}
}

func TestRoomCapAndPassword(t *testing.T) {
	srv := startServer(t, Config{RoomCap: 2})
	a, b, c := dial(t, srv.URL), dial(t, srv.URL), dial(t, srv.URL)
	a.mustOK("join", map[string]any{"room": "locked", "name": "A", "password": "s3cret"})
	b.mustFail(CodeWrongPassword, "join", map[string]any{"room": "locked", "name": "B"})
	b.mustFail(CodeWrongPassword, "join", map[string]any{"room": "locked", "name": "B", "password": "guess"})
	b.mustOK("join", map[string]any{"room": "locked", "name": "B", "password": "s3cret"})
	c.mustFail(CodeRoomFull, "join", map[string]any{"room": "locked", "name": "C", "password": "s3cret"})

	// An emptied room is gone, password and all.
	a.mustOK("leave")
	b.mustOK("leave")
	c.mustOK("join", map[string]any{"room": "locked", "name": "C"})
}

func TestBadRequestsGetErrorAcksAndHurtNobody(t *testing.T) {
	srv := startServer(t, Config{Limits: &Limits{}})
	a, b := dial(t, srv.URL), dial(t, srv.URL)
	a.mustFail(CodeNotInRoom, "signal", map[string]any{"to": "x", "kind": "offer", "data": 1})
	a.mustFail(CodeNotInRoom, "chat", map[string]any{"text": "hi"})
	a.join("room", "A")
	b.join("room", "B")

	long := strings.Repeat("x", 65)
	for _, tc := range []struct {
		code  Code
		event string
		args  []any
	}{
		{CodeBadRequest, "join", []any{"not an object"}},
		{CodeBadRequest, "join", []any{nil}},
		{CodeBadRequest, "join", []any{[]any{"room", "name"}}},
		{CodeBadRequest, "join", []any{map[string]any{"room": 5, "name": "x"}}},
		{CodeBadRequest, "signal", []any{map[string]any{"to": b.id(), "kind": "shout", "data": 1}}},
		{CodeBadRequest, "signal", []any{map[string]any{"to": b.id(), "kind": "offer"}}},
		{CodeBadRequest, "signal", []any{map[string]any{"to": 7, "kind": "offer", "data": 1}}},
		{CodeBadRequest, "signal", []any{map[string]any{"to": b.id(), "kind": "offer", "data": 1}, "extra"}},
		{CodeTooLarge, "signal", []any{map[string]any{"to": b.id(), "kind": "offer", "data": strings.Repeat("s", MaxSignalData)}}},
		{CodeBadRequest, "chat", []any{map[string]any{"text": "   "}}},
		{CodeBadRequest, "chat", []any{map[string]any{"text": "bell\a"}}},
		{CodeBadRequest, "chat", []any{map[string]any{"text": 42}}},
		{CodeTooLarge, "chat", []any{map[string]any{"text": strings.Repeat("é", MaxChatLen+1)}}},
		{CodeBadRequest, "leave", []any{"now"}},
		{CodeUnknownEvent, "shout", []any{map[string]any{}}},
	} {
		a.mustFail(tc.code, tc.event, tc.args...)
	}
	c := dial(t, srv.URL)
	for _, join := range []map[string]any{
		{"room": long, "name": "x"}, {"room": "", "name": "x"}, {"room": "a b", "name": "x"}, {"room": "ü", "name": "x"},
		{"room": "ok", "name": "   "}, {"room": "ok", "name": strings.Repeat("n", 41)}, {"room": "ok", "name": "a\x00b"},
		{"room": "ok", "name": "evil\u202Eexe"}, {"room": "ok"}, {"name": "x"},
		{"room": "ok", "name": "x", "password": strings.Repeat("p", 129)},
	} {
		c.mustFail(CodeBadRequest, "join", join)
	}
	c.mustOK("join", map[string]any{"room": strings.Repeat("R", 64), "name": strings.Repeat("ñ", 40)})

	// Binary attachments are not relayed: data must be JSON.
	got := make(chan string, 1)
	a.EmitBinary("signal", `{"to":"`+b.id()+`","kind":"offer","data":{"_placeholder":true,"num":0}}`, []byte{1, 2, 3},
		func(args []any) { got <- fmt.Sprint(args) })
	select {
	case ack := <-got:
		if !strings.Contains(ack, "code:bad-request") {
			t.Fatalf("binary data: %s", ack)
		}
	case <-time.After(wait):
		t.Fatal("binary data: no ack")
	}

	// None of that disturbed the call between A and B.
	a.mustOK("signal", map[string]any{"to": b.id(), "kind": "offer", "data": map[string]any{"sdp": "ok"}})
	if got := b.Next("signal"); got["from"] != a.id() {
		t.Fatalf("got %v", got)
	}
}

func TestRequestWithoutAckIsDroppedAndTheConnectionStaysUsable(t *testing.T) {
	srv := startServer(t, Config{})
	a := dial(t, srv.URL)
	a.Emit("join", nil, map[string]any{"room": "r", "name": "A"})
	a.Emit("nonsense", nil, 1, 2, 3)
	a.join("r", "A") // would be already-in-room had the ack-less join been processed
	if st := srv.Stats(); st.Participants != 1 || st.Rooms != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestRateLimitsRefuseFloodsOnly(t *testing.T) {
	srv := startServer(t, Config{})
	a, b := joinedPair(t, srv.URL, "flood")

	var mu sync.Mutex
	codes := map[string]int{}
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		a.Emit("chat", func(args []any) {
			defer wg.Done()
			m := args[0].(map[string]any)
			mu.Lock()
			defer mu.Unlock()
			if m["ok"] == true {
				codes["ok"]++
			} else {
				codes[m["error"].(map[string]any)["code"].(string)]++
			}
		}, map[string]any{"text": fmt.Sprint("flood ", i)})
	}
	waitGroup(t, &wg)
	if codes["ok"] < 20 || codes["ok"] > 30 || codes["rate-limited"] != 100-codes["ok"] {
		t.Fatalf("acks by code: %v; want the burst (20) and a few refilled ok, the rest rate-limited", codes)
	}
	// B still chats; its budget is its own.
	b.mustOK("chat", map[string]any{"text": "still here"})
}

func TestDisconnectTellsTheRoom(t *testing.T) {
	srv := startServer(t, Config{})
	a, b := joinedPair(t, srv.URL, "r")
	b.Write("41") // socket.io disconnect
	if p := a.Next("peer-left"); p["id"] != b.id() || p["reason"] != "disconnected" {
		t.Fatalf("peer-left = %v", p)
	}
	if st := srv.Stats(); st.Participants != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestOversizedMessageClosesOnlyThatConnection(t *testing.T) {
	srv := startServer(t, Config{})
	a, b, c := dial(t, srv.URL), dial(t, srv.URL), dial(t, srv.URL)
	a.join("r", "A")
	b.join("r", "B")
	c.join("r", "C")
	b.Emit("chat", func([]any) {}, map[string]any{"text": strings.Repeat("x", 2*MaxMessage)})
	if p := a.Next("peer-left", "peer-joined"); p["id"] != b.id() {
		t.Fatalf("peer-left = %v", p)
	}
	a.mustOK("signal", map[string]any{"to": c.id(), "kind": "offer", "data": "still works"})
	if got := c.Next("signal", "peer-joined", "peer-left"); got["data"] != "still works" {
		t.Fatalf("got %v", got)
	}
}

// A peer whose machine freezes sends nothing and answers no ping: the room must hear of it within 10 s, with
// the default ping settings.
func TestFrozenPeerIsDetectedWithin10s(t *testing.T) {
	if testing.Short() {
		t.Skip("takes up to 8 s")
	}
	srv := startServer(t, Config{})
	proxy := newFreezableProxy(t, srv.addr)
	a, b := dial(t, srv.URL), dial(t, "http://"+proxy.addr())
	a.join("r", "A")
	b.join("r", "B")
	a.Next("peer-joined")

	proxy.freeze()
	frozeAt := time.Now()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case e := <-a.Events:
			if e.Name != "peer-left" {
				continue
			}
			if e.Payload["id"] != b.id() || e.Payload["reason"] != "disconnected" {
				t.Fatalf("peer-left = %v", e.Payload)
			}
			t.Logf("frozen peer detected after %v", time.Since(frozeAt).Round(10*time.Millisecond))
			return
		case <-deadline:
			t.Fatal("no peer-left within 10 s of the peer freezing")
		}
	}
}

func TestShutdownTellsClientsAndFinishesFast(t *testing.T) {
	srv := startServer(t, Config{})
	var clients []*testClient
	for i := range 3 {
		c := dial(t, srv.URL)
		c.join("r", fmt.Sprint("P", i))
		clients = append(clients, c)
	}

	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("shutdown took %v", d)
	}
	for _, c := range clients {
		c.WaitClosed()
		if p := c.Next("server-closing", "peer-joined", "peer-left"); p["reason"] != "shutdown" {
			t.Fatalf("server-closing = %v", p)
		}
	}
	if conn, err := net.DialTimeout("tcp", srv.addr, time.Second); err == nil {
		conn.Close()
		t.Fatal("still listening after shutdown")
	}
}

func TestHealthzCountsRoomsAndParticipants(t *testing.T) {
	srv := startServer(t, Config{Version: "1.2.3"})
	a, b, c := dial(t, srv.URL), dial(t, srv.URL), dial(t, srv.URL)
	a.join("one", "A")
	b.join("one", "B")
	c.join("two", "C")
	code, body := get(t, srv.URL+"/healthz")
	if code != 200 || body != `{"ok":true,"participants":3,"rooms":2,"version":"1.2.3"}` {
		t.Fatalf("healthz: %d %s", code, body)
	}
}

func TestOriginPolicy(t *testing.T) {
	srv := startServer(t, Config{CORSOrigins: []string{"https://meet.example.org"}})
	poll := srv.URL + "/socket.io/?EIO=4&transport=polling"
	for origin, want := range map[string]int{
		"":                         200,
		srv.URL:                    200,
		"wails://wails":            200,
		"http://wails.localhost":   200,
		"https://meet.example.org": 200,
		"http://evil.test":         403,
		"null":                     403,
	} {
		var h []string
		if origin != "" {
			h = []string{"Origin", origin}
		}
		if code, body := get(t, poll, h...); code != want {
			t.Errorf("origin %q: %d %s, want %d", origin, code, body, want)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func waitGroup(t *testing.T, wg *sync.WaitGroup) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(wait):
		t.Fatal("timed out waiting for acks")
	}
}

// freezableProxy forwards TCP connections until freeze, after which it silently stops moving bytes in either
// direction without closing anything: to the server, the peer behind it has frozen.
type freezableProxy struct {
	ln     net.Listener
	mu     sync.Mutex
	frozen chan struct{}
	conns  []net.Conn
}

func newFreezableProxy(t *testing.T, target string) *freezableProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &freezableProxy{ln: ln, frozen: make(chan struct{})}
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, c := range p.conns {
			c.Close()
		}
	})
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, in, out)
			p.mu.Unlock()
			go p.pipe(in, out)
			go p.pipe(out, in)
		}
	}()
	return p
}

func (p *freezableProxy) addr() string { return p.ln.Addr().String() }
func (p *freezableProxy) freeze()      { close(p.frozen) }

func (p *freezableProxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		select {
		case <-p.frozen:
			return // forward nothing more; the connection stays open until the test's cleanup closes it
		default:
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				return
			}
			return
		}
	}
}

func TestMediaStateReachesTheRoomAndLateJoiners(t *testing.T) {
	srv := startServer(t, Config{})
	a, b := dial(t, srv.URL), dial(t, srv.URL)
	ack := a.mustOK("join", map[string]any{"room": "r", "name": "A", "state": map[string]any{"mic": true, "camera": true}})
	if st := ack["self"].(map[string]any)["state"]; fmt.Sprint(st) != "map[camera:true mic:true screen:false]" {
		t.Fatalf("self state = %v", st)
	}
	b.join("r", "B")
	if p := a.Next("peer-joined"); fmt.Sprint(p["state"]) != "map[camera:false mic:false screen:false]" {
		t.Fatalf("peer-joined without state: %v", p)
	}

	got := a.mustOK("state", map[string]any{"mic": false, "camera": true, "screen": true})
	if fmt.Sprint(got["state"]) != "map[camera:true mic:false screen:true]" {
		t.Fatalf("state ack = %v", got)
	}
	if p := b.Next("peer-state"); p["id"] != a.id() || fmt.Sprint(p["state"]) != "map[camera:true mic:false screen:true]" {
		t.Fatalf("peer-state = %v", p)
	}
	late := dial(t, srv.URL)
	peers := late.join("r", "Late")["peers"].([]any)
	if st := peers[0].(map[string]any)["state"]; fmt.Sprint(st) != "map[camera:true mic:false screen:true]" {
		t.Fatalf("late joiner sees A's state as %v", st)
	}
	a.mustFail(CodeBadRequest, "state", map[string]any{"mic": "yes"})
	a.mustFail(CodeBadRequest, "state", "muted")
	a.mustFail(CodeBadRequest, "join", map[string]any{"room": "x", "name": "y", "state": []any{true}})
	dial(t, srv.URL).mustFail(CodeNotInRoom, "state", map[string]any{"mic": true})
}

// A client that queues requests and a join and then closes at once must not leave a member behind: the join may
// run after the disconnect's cleanup, and must then be refused.
func TestJoinQueuedBehindADisconnectLeavesNoGhost(t *testing.T) {
	srv := startServer(t, Config{Limits: &Limits{}})
	a := dial(t, srv.URL)
	a.join("r", "A")
	for i := range 50 {
		b := dial(t, srv.URL)
		for range 20 {
			b.Write(`420["state",{"mic":true}]`)
		}
		b.Write(fmt.Sprintf(`421["join",{"room":"r","name":"ghost%d"}]`, i))
		b.Close()
	}
	deadline := time.Now().Add(wait)
	for srv.Stats().Participants != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("stats %+v: a closed connection is still a member", srv.Stats())
		}
		time.Sleep(20 * time.Millisecond)
	}
	late := dial(t, srv.URL)
	if ids := peerIDs(late.join("r", "Late")["peers"]); len(ids) != 1 || ids[0] != a.id() {
		t.Fatalf("peers = %v, want only A", ids)
	}
}

func TestIPHostsOnlyRefusesNames(t *testing.T) {
	srv := startServer(t, Config{IPHostsOnly: true})
	_, port, _ := net.SplitHostPort(srv.addr)
	for host, want := range map[string]int{
		"127.0.0.1:" + port:    200,
		"localhost:" + port:    200,
		"[::1]:" + port:        200,
		"evil.example:" + port: 421,
		"rebind.attacker.test": 421,
	} {
		req, _ := http.NewRequest("GET", srv.URL+"/healthz", nil)
		req.Host = host
		res, err := (&http.Client{Timeout: wait}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, res.StatusCode, want)
		}
	}
}

// Wrong passwords are bounded per room, not only per socket: fresh connections cannot guess on and on.
func TestPasswordGuessesAreBoundedPerRoom(t *testing.T) {
	srv := startServer(t, Config{})
	owner := dial(t, srv.URL)
	owner.mustOK("join", map[string]any{"room": "vault", "name": "Owner", "password": "right"})
	for i := range 10 {
		dial(t, srv.URL).mustFail(CodeWrongPassword, "join", map[string]any{"room": "vault", "name": "G", "password": fmt.Sprint("guess", i)})
	}
	// The eleventh guess, from yet another connection, is refused without being compared — even the right one.
	dial(t, srv.URL).mustFail(CodeRateLimited, "join", map[string]any{"room": "vault", "name": "G", "password": "guess10"})
	dial(t, srv.URL).mustFail(CodeRateLimited, "join", map[string]any{"room": "vault", "name": "G", "password": "right"})
	// Other rooms are not affected.
	dial(t, srv.URL).mustOK("join", map[string]any{"room": "open", "name": "G"})
}
