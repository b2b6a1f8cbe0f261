package media

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// candRelay forwards a page's icecandidate events for peer to the other page, holding them until the other side
// has a remote description (as the offer would reach it before its candidates).
type candRelay struct {
	mu      sync.Mutex
	ready   bool
	pending []any
	to      *page
	peer    string // the peer id on the receiving page
	stop    chan struct{}
	done    chan struct{}
}

func relayCandidates(from *page, fromPeer string, to *page, toPeer string) *candRelay {
	r := &candRelay{to: to, peer: toPeer, stop: make(chan struct{}), done: make(chan struct{})}
	events := from.subscribe()
	go func() {
		defer close(r.done)
		for {
			select {
			case <-r.stop:
				return
			case e := <-events:
				if e["op"] != "icecandidate" || e["peer"] != fromPeer {
					continue
				}
				r.mu.Lock()
				if !r.ready {
					r.pending = append(r.pending, e["candidate"])
					r.mu.Unlock()
					continue
				}
				r.mu.Unlock()
				r.to.request("candidate", map[string]any{"peer": r.peer, "candidate": e["candidate"]})
			}
		}
	}()
	return r
}

// open lets held candidates through: the receiving side now has a remote description.
func (r *candRelay) open() {
	r.mu.Lock()
	r.ready = true
	pending := r.pending
	r.pending = nil
	r.mu.Unlock()
	for _, c := range pending {
		r.to.request("candidate", map[string]any{"peer": r.peer, "candidate": c})
	}
}

func (r *candRelay) close() { close(r.stop); <-r.done }

// Glare: both pages offer at once. The impolite side (A) ignores B's offer; the polite side (B) gets A's offer
// in have-local-offer, which rolls its own back; both end stable and media flows both ways.
func TestGlare(t *testing.T) {
	m := loadMedia(t)
	bA, bB := newTestBridge(t), newTestBridge(t)
	pA, pB := dialPage(t, bA, "A"), dialPage(t, bB, "B")
	for _, p := range []*page{pA, pB} {
		p.must("sources", map[string]any{"audio": true, "video": true, "screen": false})
	}
	cA, cB := collect(pA), collect(pB)
	defer cA.close()
	defer cB.close()
	sA, sB := startSender(pA, m), startSender(pB, m)
	defer sA.close()
	defer sB.close()
	toB, toA := relayCandidates(pA, "b", pB, "a"), relayCandidates(pB, "a", pA, "b")
	defer toB.close()
	defer toA.close()

	pA.must("open", map[string]any{"peer": "b"})
	pB.must("open", map[string]any{"peer": "a"})
	offA := pA.must("setLocal", map[string]any{"peer": "b"})
	offB := pB.must("setLocal", map[string]any{"peer": "a"})
	if offA["signalingState"] != "have-local-offer" || offB["signalingState"] != "have-local-offer" {
		t.Fatalf("both should be in have-local-offer: %v / %v", offA["signalingState"], offB["signalingState"])
	}
	// A is impolite: it ignores B's offer. B is polite: A's offer rolls B's back.
	r := pB.must("setRemote", map[string]any{"peer": "a", "description": offA["description"]})
	if r["signalingState"] != "have-remote-offer" {
		t.Fatalf("B after A's offer: %v", r["signalingState"])
	}
	toB.open()
	ans := pB.must("setLocal", map[string]any{"peer": "a"})
	if d := ans["description"].(map[string]any); d["type"] != "answer" || ans["signalingState"] != "stable" {
		t.Fatalf("B's answer: %v", ans)
	}
	r = pA.must("setRemote", map[string]any{"peer": "b", "description": ans["description"]})
	if r["signalingState"] != "stable" {
		t.Fatalf("A after B's answer: %v", r["signalingState"])
	}
	toA.open()

	pA.waitEvent("A connected", 10*time.Second, opIs("connectionstate", "peer", "b", "state", "connected"))
	pB.waitEvent("B connected", 10*time.Second, opIs("connectionstate", "peer", "a", "state", "connected"))
	for _, c := range []struct {
		p    *page
		col  *collector
		from *sender
		peer string
	}{{pB, cB, sA, "a"}, {pA, cA, sB, "b"}} {
		v := c.p.waitEvent(c.p.name+" video track", 10*time.Second, opIs("track", "peer", c.peer, "kind", "video"))
		c.p.waitEvent(c.p.name+" audio track", 10*time.Second, opIs("track", "peer", c.peer, "kind", "audio"))
		checkSubsequence(t, c.col.wait(t, trackNum(v), 15, 10*time.Second), c.from.sentFrames(srcVideo))
	}
}

// Closing: the close op, a page going away and Bridge.Close end every goroutine and connection.
func TestClosing(t *testing.T) {
	m := loadMedia(t)
	base := runtime.NumGoroutine()
	func() {
		bA, bB := newTestBridge(t), newTestBridge(t)
		pA, pB := dialPage(t, bA, "A"), dialPage(t, bB, "B")
		pA.must("sources", map[string]any{"audio": true, "video": true, "screen": false})
		nA, nB := startNegotiator(pA, "b", false), startNegotiator(pB, "a", true)
		link(nA, nB)
		defer nA.close()
		defer nB.close()
		snd := startSender(pA, m)
		defer snd.close()
		col := collect(pB)
		defer col.close()
		pA.must("open", map[string]any{"peer": "b"})
		pB.must("open", map[string]any{"peer": "a"})
		v := pB.waitEvent("video track", 10*time.Second, opIs("track", "peer", "a", "kind", "video"))
		a := pB.waitEvent("audio track", 10*time.Second, opIs("track", "peer", "a", "kind", "audio"))
		col.wait(t, trackNum(v), 5, 10*time.Second)

		// close op: the peer's tracks end, stats forget it.
		pB.must("close", map[string]any{"peer": "a"})
		for _, tr := range []map[string]any{v, a} {
			pB.waitEvent("trackended", 5*time.Second, func(e map[string]any) bool {
				return e["op"] == "trackended" && e["track"] == tr["track"]
			})
		}
		if st := pB.must("stats", nil); len(st["peers"].([]any)) != 0 {
			t.Errorf("stats after close: %v", st)
		}
		if _, e := pB.request("setLocal", map[string]any{"peer": "a"}); e != "unknown peer" {
			t.Errorf("setLocal on a closed peer: %q", e)
		}

		// The page goes away: its session ends and lets go of it.
		_ = pA.c.Close()
		deadline := time.Now().Add(5 * time.Second)
		for {
			bA.mu.Lock()
			s := bA.session
			bA.mu.Unlock()
			if s == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the bridge kept the session of a page that went away")
			}
			select {
			case <-s.done:
			case <-time.After(50 * time.Millisecond):
			}
		}
		// Bridge.Close with a page still connected.
		if err := bB.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		select {
		case <-pB.done:
		case <-time.After(5 * time.Second):
			t.Error("the page's socket stayed open after Bridge.Close")
		}
		_ = bA.Close()
	}()
	// Every goroutine of the bridges, their sessions and pion ends (the test's own helpers are stopped too).
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= base+2 {
			t.Logf("goroutines: %d before, %d after", base, n)
			break
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("goroutines: %d before, %d after closing:\n%s", base, n, buf[:runtime.Stack(buf, true)])
		}
		select {
		case <-time.After(50 * time.Millisecond):
		}
	}
}
