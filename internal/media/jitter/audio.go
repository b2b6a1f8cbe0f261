package jitter

import "github.com/pion/rtp"

const (
	// maxAudioWindow bounds what a caller can make us hold: 512 packets is over 10 s of 20 ms Opus.
	maxAudioWindow = 512
	// audioJump is a sequence jump too far ahead to be a loss worth a run of Gap frames — 3000 packets is a
	// minute of Opus — so the sender restarted: take the packet as a new start.
	audioJump = 3000
)

// Audio puts Opus packets back in sequence order, waiting for a missing packet while at most `window` later
// packets are held; then it skips the hole and marks the next frame Gap.
//
// An Audio belongs to one goroutine; it does not lock.
type Audio struct {
	window  int
	held    map[uint64]audioPacket
	seqs    unwrapper
	started bool
	next    uint64 // the next sequence number to hand out; anything older is late
	gap     bool
	late    int // late packets in a row: a run of them means the sender restarted its sequence numbers
}

type audioPacket struct {
	ts   uint32
	data []byte
}

// NewAudio returns an audio reorder buffer.
func NewAudio(window int) *Audio {
	window = max(0, min(window, maxAudioWindow))
	return &Audio{window: window, held: make(map[uint64]audioPacket, window+1)}
}

// Push adds a packet and returns the frames now in order.
func (a *Audio) Push(pkt *rtp.Packet) []Frame {
	if pkt == nil {
		return nil
	}
	if !a.started {
		a.start(pkt)
	}
	ext := a.seqs.unwrap(pkt.SequenceNumber)
	switch {
	case ext < a.next:
		// Late or duplicate. A retransmission or a reordered straggler comes alone; a run means the
		// sequence numbers went backwards for good.
		a.late++
		if a.late < foreignLimit {
			return nil
		}
		a.restart(pkt)
		ext = a.next
	case ext >= a.next+audioJump:
		a.restart(pkt)
		ext = a.next
	}
	a.late = 0
	if _, dup := a.held[ext]; dup {
		return nil
	}
	// pion reuses its read buffers: keep a copy.
	a.held[ext] = audioPacket{ts: pkt.Timestamp, data: append([]byte(nil), pkt.Payload...)}
	return a.drain()
}

func (a *Audio) start(pkt *rtp.Packet) {
	a.started = true
	a.next = a.seqs.reset(pkt.SequenceNumber)
}

func (a *Audio) restart(pkt *rtp.Packet) {
	clear(a.held)
	a.start(pkt)
	a.gap = true
	a.late = 0
}

func (a *Audio) drain() []Frame {
	var frames []Frame
	for len(a.held) > 0 {
		p, ok := a.held[a.next]
		if !ok {
			if len(a.held) <= a.window {
				break
			}
			// Waited long enough: the player conceals the hole rather than fall further behind.
			a.next = a.oldest()
			a.gap = true
			continue
		}
		delete(a.held, a.next)
		a.next++
		frames = append(frames, Frame{Timestamp: p.ts, Data: p.data, Gap: a.gap})
		a.gap = false
	}
	return frames
}

func (a *Audio) oldest() uint64 {
	first := true
	var o uint64
	for seq := range a.held {
		if first || seq < o {
			o, first = seq, false
		}
	}
	return o
}
