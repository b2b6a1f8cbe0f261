package media

import (
	"sync"
	"testing"
	"time"
)

// sig is one signaling message the test relays between pages, as the room server would.
type sig struct {
	desc    map[string]any
	cand    any
	hasCand bool
}

// negotiator is the page's perfect negotiation (frontend negotiator.ts) in Go, driving the bridge's ops for
// one remote peer. The test relays its output to the other side.
type negotiator struct {
	p      *page
	peer   string
	polite bool
	inbox  chan sig
	out    func(sig)
	stop   chan struct{}
	wg     sync.WaitGroup
}

func startNegotiator(p *page, peer string, polite bool) *negotiator {
	n := &negotiator{p: p, peer: peer, polite: polite, inbox: make(chan sig, 1000), stop: make(chan struct{})}
	events := p.subscribe()
	n.wg.Add(1)
	go n.run(events)
	return n
}

// link relays a's output to b and b's to a.
func link(a, b *negotiator) {
	a.out = func(m sig) { b.inbox <- m }
	b.out = func(m sig) { a.inbox <- m }
}

func (n *negotiator) close() {
	close(n.stop)
	n.wg.Wait()
}

func (n *negotiator) run(events <-chan map[string]any) {
	defer n.wg.Done()
	state := "stable"
	ignoreOffer := false
	for {
		select {
		case <-n.stop:
			return
		case e := <-events:
			if e["peer"] != n.peer {
				continue
			}
			switch e["op"] {
			case "negotiationneeded":
				r, err := n.p.request("setLocal", map[string]any{"peer": n.peer})
				if err != "" {
					n.p.t.Logf("%s: setLocal: %s", n.p.name, err)
					continue
				}
				state, _ = r["signalingState"].(string)
				if d, ok := r["description"].(map[string]any); ok && d["type"] == "offer" {
					n.out(sig{desc: d})
				}
			case "icecandidate":
				n.out(sig{cand: e["candidate"], hasCand: true})
			}
		case m := <-n.inbox:
			if m.hasCand {
				if _, err := n.p.request("candidate", map[string]any{"peer": n.peer, "candidate": m.cand}); err != "" && !ignoreOffer {
					n.p.t.Logf("%s: candidate: %s", n.p.name, err)
				}
				continue
			}
			collision := m.desc["type"] == "offer" && state != "stable"
			ignoreOffer = !n.polite && collision
			if ignoreOffer {
				continue
			}
			r, err := n.p.request("setRemote", map[string]any{"peer": n.peer, "description": m.desc})
			if err != "" {
				n.p.t.Errorf("%s: setRemote %v: %s", n.p.name, m.desc["type"], err)
				continue
			}
			state, _ = r["signalingState"].(string)
			if m.desc["type"] == "offer" {
				r, err := n.p.request("setLocal", map[string]any{"peer": n.peer})
				if err != "" {
					n.p.t.Errorf("%s: answer: %s", n.p.name, err)
					continue
				}
				state, _ = r["signalingState"].(string)
				n.out(sig{desc: r["description"].(map[string]any)})
			}
		}
	}
}

// collector sorts a page's received frames by track.
type collector struct {
	mu     sync.Mutex
	tracks map[uint16][]frameMsg
	notify chan struct{}
	stop   chan struct{}
	done   chan struct{}
}

func collect(p *page) *collector {
	c := &collector{tracks: map[uint16][]frameMsg{}, notify: make(chan struct{}), stop: make(chan struct{}),
		done: make(chan struct{})}
	go func() {
		defer close(c.done)
		for {
			select {
			case <-c.stop:
				return
			case f := <-p.frames:
				c.mu.Lock()
				c.tracks[f.track] = append(c.tracks[f.track], f)
				close(c.notify)
				c.notify = make(chan struct{})
				c.mu.Unlock()
			}
		}
	}()
	return c
}

func (c *collector) close() { close(c.stop); <-c.done }

func (c *collector) frames(track uint16) []frameMsg {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]frameMsg(nil), c.tracks[track]...)
}

// wait waits until track has n frames.
func (c *collector) wait(t *testing.T, track uint16, n int, d time.Duration) []frameMsg {
	t.Helper()
	deadline := time.After(d)
	for {
		c.mu.Lock()
		got := len(c.tracks[track])
		notify := c.notify
		c.mu.Unlock()
		if got >= n {
			return c.frames(track)
		}
		select {
		case <-notify:
		case <-deadline:
			t.Fatalf("track %d: %d frames within %v, want %d", track, got, d, n)
		}
	}
}
