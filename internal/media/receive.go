package media

import (
	"sync/atomic"
	"time"

	"github.com/parley-app/parley/internal/media/jitter"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// recvTrack is one remote track on its way to the page: RTP → jitter buffer → whole frames, in order.
type recvTrack struct {
	n     uint16
	audio bool
	ssrc  uint32

	packets, lost, plis, frames atomic.Uint64
	// keyframe: the page's decoder lost its place (it reset) and waits for a keyframe; the jitter buffer then
	// skips to the next one and asks the sender, as after a loss.
	keyframe atomic.Bool
}

// receive starts a remote track: a number, a `track` event, then its reader and its jitter buffer.
func (s *session) receive(p *peer, pc *webrtc.PeerConnection, gen int, t *webrtc.TrackRemote) {
	rt := &recvTrack{
		n:     uint16(s.nextTrack.Add(1)),
		audio: t.Kind() == webrtc.RTPCodecTypeAudio,
		ssrc:  uint32(t.SSRC()),
	}
	kind := "video"
	if rt.audio {
		kind = "audio"
	}
	// The track event goes out at once, not held with the peer's other events (see peer.hold): the frames that
	// follow it must not reach the page before it, or the page drops them — a keyframe among them.
	p.mu.Lock()
	live := gen == p.gen && !p.closed && len(p.tracks) < maxTracksPerPeer
	if live {
		p.tracks[rt] = struct{}{}
		s.send(event("track", map[string]any{
			"peer": p.id, "track": rt.n, "kind": kind, "streamId": t.StreamID(), "trackId": t.ID(),
		}))
	}
	p.mu.Unlock()
	if !live {
		return
	}
	s.log.Debug("media bridge: remote track", "peer", p.id, "track", rt.n, "kind", kind, "stream", t.StreamID(), "gen", gen)
	pkts := make(chan *rtp.Packet, 64)
	if !s.spawn(func() { readRTP(t, pkts, s.done) }) {
		return
	}
	s.spawn(func() {
		if rt.audio {
			s.deliverAudio(rt, pkts)
		} else {
			s.deliverVideo(rt, pc, pkts)
		}
		p.mu.Lock()
		delete(p.tracks, rt)
		p.mu.Unlock()
		s.send(event("trackended", map[string]any{"peer": p.id, "track": rt.n}))
	})
}

// readRTP feeds a track's packets to its jitter buffer until the track ends (renegotiated away, or the
// connection closed); then it closes out.
func readRTP(t *webrtc.TrackRemote, out chan<- *rtp.Packet, done <-chan struct{}) {
	defer close(out)
	for {
		pkt, _, err := t.ReadRTP() // a fresh packet each time: safe to hand over
		if err != nil {
			return
		}
		select {
		case out <- pkt:
		case <-done:
			return
		}
	}
}

// seqCounter counts packets lost from the sequence numbers seen: highest − first + 1 − received, with the
// 16-bit numbers unwrapped against the highest so far.
type seqCounter struct {
	started                  bool
	first, highest, received int64
}

func (c *seqCounter) add(seq uint16) (lost int64) {
	if !c.started {
		c.started, c.first, c.highest = true, int64(seq), int64(seq)
	} else {
		c.highest = max(c.highest, c.highest+int64(int16(seq-uint16(c.highest))))
	}
	c.received++
	return max(0, c.highest-c.first+1-c.received)
}

func (s *session) deliverAudio(rt *recvTrack, pkts <-chan *rtp.Packet) {
	buf := jitter.NewAudio(audioWindow)
	var seq seqCounter
	for pkt := range pkts {
		rt.packets.Add(1)
		rt.lost.Store(uint64(seq.add(pkt.SequenceNumber)))
		for _, f := range buf.Push(pkt) {
			if s.q.pushFrame(rt.n, true, encodeFrame(rt.n, f.Timestamp, false, f.Gap, f.Data)) {
				rt.frames.Add(1)
			}
		}
	}
}

// deliverVideo reassembles frames and hands them out from a keyframe on. It asks the sender for a keyframe at
// the start, when the jitter buffer gave up on a frame, and when the page's queue dropped one.
func (s *session) deliverVideo(rt *recvTrack, pc *webrtc.PeerConnection, pkts <-chan *rtp.Packet) {
	buf := jitter.NewVideo(videoMaxDelay)
	var seq seqCounter
	var lastPLI time.Time
	pli := func(force bool) {
		now := time.Now()
		if !force && now.Sub(lastPLI) < pliInterval {
			return
		}
		lastPLI = now
		if pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: rt.ssrc}}) == nil {
			rt.plis.Add(1)
		}
	}
	pli(true)        // the sender's first keyframe was likely sent before this track was bound (DESIGN 3.4)
	waitKey := false // the page's queue dropped a frame: skip to the next keyframe
	deliver := func(frames []jitter.Frame, needKey bool) {
		for _, f := range frames {
			if waitKey && !f.Keyframe {
				continue
			}
			gap := f.Gap || waitKey
			if !s.q.pushFrame(rt.n, false, encodeFrame(rt.n, f.Timestamp, f.Keyframe, gap, f.Data)) {
				waitKey, needKey = true, true
				continue
			}
			waitKey = false
			rt.frames.Add(1)
		}
		if needKey {
			pli(false)
		}
	}
	tick := time.NewTicker(jitterTick)
	defer tick.Stop()
	for {
		select {
		case pkt, ok := <-pkts:
			if !ok {
				return
			}
			rt.packets.Add(1)
			rt.lost.Store(uint64(seq.add(pkt.SequenceNumber)))
			deliver(buf.Push(pkt, time.Now()))
		case now := <-tick.C:
			frames, needKey := buf.Tick(now)
			if rt.keyframe.Swap(false) {
				waitKey = true
			}
			// While frames are skipped to a keyframe, ask again every pliInterval: a PLI can be lost too.
			deliver(frames, needKey || waitKey)
		}
	}
}
