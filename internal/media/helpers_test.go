package media

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
)

const testOrigin = "http://parley.test"

// newTestBridge starts a bridge whose ICE stays on loopback (no traffic to other interfaces).
func newTestBridge(t *testing.T) *Bridge {
	t.Helper()
	b, err := NewBridge(Config{
		AllowedOrigins: []string{testOrigin},
		Logger:         slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		loopbackOnly:   true,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// ---- test media: real VP8 and Opus made by ffmpeg, once per test binary ----

type testMedia struct {
	video [][]byte // VP8 frames, 30 fps, a keyframe every 30
	audio [][]byte // Opus packets, 20 ms each
}

var (
	mediaOnce sync.Once
	testData  *testMedia
	mediaErr  error
)

func loadMedia(t *testing.T) *testMedia {
	t.Helper()
	mediaOnce.Do(func() { testData, mediaErr = makeMedia() })
	if mediaErr != nil {
		t.Fatalf("test media: %v", mediaErr)
	}
	return testData
}

func makeMedia() (*testMedia, error) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		return nil, errors.New("ffmpeg is not installed (make test installs it): cannot make VP8/Opus test media")
	}
	dir, err := os.MkdirTemp("", "parley-media-test")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	v, a := filepath.Join(dir, "v.ivf"), filepath.Join(dir, "a.ogg")
	for _, args := range [][]string{
		{"-f", "lavfi", "-i", "testsrc=size=640x480:rate=30", "-t", "3", "-g", "30", "-c:v", "libvpx", "-b:v", "1M", "-f", "ivf", v},
		{"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "3", "-c:a", "libopus", "-frame_duration", "20", "-f", "ogg", a},
	} {
		cmd := exec.Command("ffmpeg", append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("ffmpeg %v: %v\n%s", args, err, out)
		}
	}
	m := &testMedia{}
	f, err := os.Open(v)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, _, err := ivfreader.NewWith(f)
	if err != nil {
		return nil, err
	}
	for {
		fr, _, err := r.ParseNextFrame()
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		} else if err != nil {
			return nil, err
		}
		m.video = append(m.video, fr)
	}
	ogg, err := os.ReadFile(a)
	if err != nil {
		return nil, err
	}
	pkts, err := oggPackets(ogg)
	if err != nil {
		return nil, err
	}
	if len(pkts) < 3 || len(m.video) < 60 || !isKey(m.video[0]) {
		return nil, fmt.Errorf("unexpected test media: %d video frames, %d ogg packets", len(m.video), len(pkts))
	}
	m.audio = pkts[2:] // after OpusHead and OpusTags
	return m, nil
}

// oggPackets splits an Ogg stream into its packets. pion's oggreader hands out page payloads, which hold
// several Opus packets each; the segment table says where they end.
func oggPackets(b []byte) ([][]byte, error) {
	var pkts [][]byte
	var cur []byte
	for len(b) > 0 {
		if len(b) < 27 || string(b[:4]) != "OggS" {
			return nil, errors.New("bad ogg page")
		}
		n := int(b[26])
		if len(b) < 27+n {
			return nil, errors.New("short ogg page")
		}
		segs := b[27 : 27+n]
		body := b[27+n:]
		for _, s := range segs {
			if len(body) < int(s) {
				return nil, errors.New("short ogg segment")
			}
			cur = append(cur, body[:s]...)
			body = body[s:]
			if s < 255 {
				pkts = append(pkts, cur)
				cur = nil
			}
		}
		b = body
	}
	return pkts, nil
}

// isKey: a VP8 frame's first bit is 0 for a key frame.
func isKey(f []byte) bool { return len(f) > 0 && f[0]&1 == 0 }

// ---- a test page: the bridge protocol over a real WebSocket ----

type frameMsg struct {
	flags byte
	track uint16
	ts    uint32
	data  []byte
	at    time.Time
}

type page struct {
	t    *testing.T
	name string
	c    *websocket.Conn
	wmu  sync.Mutex

	mu      sync.Mutex
	nextID  int64
	waiting map[int64]chan map[string]any
	events  []map[string]any
	notify  chan struct{} // closed and replaced on each event
	subs    []chan map[string]any

	frames   chan frameMsg
	done     chan struct{} // the socket's reader ended
	closeErr error
}

func dialPage(t *testing.T, b *Bridge, name string) *page {
	t.Helper()
	c, resp, err := dialRaw(b, b.Token(), testOrigin)
	if err != nil {
		t.Fatalf("%s: dial: %v (%v)", name, err, resp)
	}
	p := &page{t: t, name: name, c: c, waiting: map[int64]chan map[string]any{}, notify: make(chan struct{}),
		frames: make(chan frameMsg, 20000), done: make(chan struct{})}
	go p.read()
	t.Cleanup(func() { _ = c.Close(); <-p.done })
	return p
}

func dialRaw(b *Bridge, token, origin string) (*websocket.Conn, *http.Response, error) {
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	return d.Dial(b.URL()+"?token="+token, h)
}

func (p *page) read() {
	defer close(p.done)
	for {
		kind, b, err := p.c.ReadMessage()
		if err != nil {
			p.mu.Lock()
			p.closeErr = err
			p.mu.Unlock()
			return
		}
		if kind == websocket.BinaryMessage {
			if len(b) < 8 || b[0] != 2 {
				p.t.Errorf("%s: bad binary message from the bridge: % x", p.name, b[:min(len(b), 8)])
				continue
			}
			f := frameMsg{flags: b[1], track: binary.LittleEndian.Uint16(b[2:4]),
				ts: binary.LittleEndian.Uint32(b[4:8]), data: b[8:], at: time.Now()}
			select {
			case p.frames <- f:
			default:
				p.t.Errorf("%s: test frame buffer full", p.name)
			}
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			p.t.Errorf("%s: bad JSON from the bridge: %s", p.name, b)
			continue
		}
		if m["op"] == "reply" {
			id := int64(m["id"].(float64))
			p.mu.Lock()
			ch := p.waiting[id]
			delete(p.waiting, id)
			p.mu.Unlock()
			if ch != nil {
				ch <- m
				continue
			}
		}
		p.mu.Lock()
		p.events = append(p.events, m)
		close(p.notify)
		p.notify = make(chan struct{})
		subs := p.subs
		p.mu.Unlock()
		for _, s := range subs {
			s <- m
		}
	}
}

// subscribe returns every later event (buffered generously: the reader must never block on it).
func (p *page) subscribe() <-chan map[string]any {
	ch := make(chan map[string]any, 100000)
	p.mu.Lock()
	p.subs = append(p.subs, ch)
	p.mu.Unlock()
	return ch
}

func (p *page) sendJSON(m map[string]any) {
	b, _ := json.Marshal(m)
	p.wmu.Lock()
	defer p.wmu.Unlock()
	_ = p.c.WriteMessage(websocket.TextMessage, b)
}

func (p *page) sendRaw(kind int, b []byte) {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	_ = p.c.WriteMessage(kind, b)
}

// request sends op with fields and waits for its reply; it returns the reply and its error text.
func (p *page) request(op string, fields map[string]any) (map[string]any, string) {
	p.mu.Lock()
	p.nextID++
	id := p.nextID
	ch := make(chan map[string]any, 1)
	p.waiting[id] = ch
	p.mu.Unlock()
	m := map[string]any{"id": id, "op": op}
	for k, v := range fields {
		m[k] = v
	}
	p.sendJSON(m)
	select {
	case r := <-ch:
		e, _ := r["error"].(string)
		return r, e
	case <-p.done:
		return nil, "socket closed"
	case <-time.After(10 * time.Second):
		p.t.Errorf("%s: no reply to %s within 10 s", p.name, op)
		return nil, "timeout"
	}
}

// must is request that fails the test on an error reply.
func (p *page) must(op string, fields map[string]any) map[string]any {
	p.t.Helper()
	r, e := p.request(op, fields)
	if e != "" {
		p.t.Fatalf("%s: %s %v: %s", p.name, op, fields, e)
	}
	return r
}

// waitEvent waits for an event (seen from the start of the session) that pred accepts.
func (p *page) waitEvent(what string, d time.Duration, pred func(map[string]any) bool) map[string]any {
	p.t.Helper()
	deadline := time.After(d)
	seen := 0
	for {
		p.mu.Lock()
		evs := p.events[seen:]
		seen = len(p.events)
		notify := p.notify
		p.mu.Unlock()
		for _, e := range evs {
			if pred(e) {
				return e
			}
		}
		select {
		case <-notify:
		case <-deadline:
			p.t.Fatalf("%s: no %s within %v", p.name, what, d)
			return nil
		}
	}
}

func (p *page) countEvents(op string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, e := range p.events {
		if e["op"] == op {
			n++
		}
	}
	return n
}

func opIs(op string, kv ...string) func(map[string]any) bool {
	return func(e map[string]any) bool {
		if e["op"] != op {
			return false
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if fmt.Sprint(e[kv[i]]) != kv[i+1] {
				return false
			}
		}
		return true
	}
}

func sampleMsg(src source, key bool, durUs uint32, data []byte) []byte {
	b := make([]byte, 8+len(data))
	b[0], b[1] = typeSample, byte(src)
	if key {
		b[2] = flagKey
	}
	binary.LittleEndian.PutUint32(b[4:], durUs)
	copy(b[8:], data)
	return b
}

// sender plays the test media to the bridge in real time, like the page's encoders: Opus every 20 ms, VP8 at
// 30 fps (camera and, when on, screen). A `keyframe` event makes the next frame of that source a keyframe
// (the file's next keyframe... or its first).
type sender struct {
	p      *page
	m      *testMedia
	stop   chan struct{}
	wg     sync.WaitGroup
	mu     sync.Mutex
	sent   [nSources][][]byte // what was sent, in order (video and screen)
	kfReq  [nSources]bool
	screen bool
	kfAt   [nSources]time.Time // when the last keyframe request came
	kfLat  []time.Duration     // keyframe event → keyframe sent
}

func startSender(p *page, m *testMedia) *sender {
	s := &sender{p: p, m: m, stop: make(chan struct{})}
	events := p.subscribe()
	s.wg.Add(3)
	go func() { // keyframe requests
		defer s.wg.Done()
		for {
			select {
			case <-s.stop:
				return
			case e := <-events:
				if e["op"] != "keyframe" {
					continue
				}
				src := srcVideo
				if e["source"] == "screen" {
					src = srcScreen
				}
				s.mu.Lock()
				s.kfReq[src] = true
				s.kfAt[src] = time.Now()
				s.mu.Unlock()
			}
		}
	}()
	go func() { // audio
		defer s.wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for i := 0; ; i++ {
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
			p.sendRaw(websocket.BinaryMessage, sampleMsg(srcAudio, false, 20000, m.audio[i%len(m.audio)]))
		}
	}()
	go func() { // video and screen
		defer s.wg.Done()
		t := time.NewTicker(33 * time.Millisecond)
		defer t.Stop()
		idx := [nSources]int{}
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
			for _, src := range []source{srcVideo, srcScreen} {
				s.mu.Lock()
				if src == srcScreen && !s.screen {
					s.mu.Unlock()
					continue
				}
				if s.kfReq[src] {
					// jump to the next keyframe of the file, as an encoder told keyFrame:true would make one now
					for !isKey(m.video[idx[src]%len(m.video)]) {
						idx[src]++
					}
					s.kfReq[src] = false
					s.kfLat = append(s.kfLat, time.Since(s.kfAt[src]))
				}
				f := m.video[idx[src]%len(m.video)]
				idx[src]++
				s.sent[src] = append(s.sent[src], f)
				s.mu.Unlock()
				p.sendRaw(websocket.BinaryMessage, sampleMsg(src, isKey(f), 33333, f))
			}
		}
	}()
	return s
}

func (s *sender) setScreen(on bool) {
	s.mu.Lock()
	s.screen = on
	s.mu.Unlock()
}

func (s *sender) close() {
	close(s.stop)
	s.wg.Wait()
}

// sentFrames is a copy of what src sent so far.
func (s *sender) sentFrames(src source) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.sent[src]...)
}

// checkSubsequence checks that got (received video frames) are byte-identical to sent frames, in the order
// sent, and start at a keyframe.
func checkSubsequence(t *testing.T, got []frameMsg, sent [][]byte) {
	t.Helper()
	if len(got) == 0 {
		t.Fatal("no video frames")
	}
	if got[0].flags&flagKey == 0 || !isKey(got[0].data) {
		t.Errorf("the first video frame is not a keyframe (flags %x)", got[0].flags)
	}
	j := 0
	for i, f := range got {
		for j < len(sent) && !bytes.Equal(sent[j], f.data) {
			j++
		}
		if j == len(sent) {
			t.Fatalf("video frame %d (%d bytes, key %v) is not one that was sent, in order", i, len(f.data), isKey(f.data))
		}
		j++
	}
}
