package jitter

import (
	"math"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
)

const (
	// maxPackets bounds the packets held (a power of two: they live in a ring indexed by sequence number).
	// 2048 packets of 1200 bytes is ~2.4 MB, over a second of 1080p screen video: far more than any loss
	// worth waiting for.
	maxPackets = 2048
	// maxBytes bounds memory when packets are larger than an ordinary MTU.
	maxBytes = 8 << 20
	// foreignLimit late packets in a row that cannot be retransmissions (too old, or a timestamp seconds
	// away) mean the sender restarted its sequence numbers: resynchronise on them rather than drop them
	// for ever.
	foreignLimit = 8
	// foreignTimestamp is 10 s at VP8's 90 kHz clock; no retransmission is that late.
	foreignTimestamp = 10 * 90000
)

// Video reassembles VP8 frames from RTP packets and hands them out whole, in order, each decodable: after a
// loss it skips to the next keyframe and asks (through needKeyframe) for one.
//
// A Video belongs to one goroutine; it does not lock.
type Video struct {
	maxDelay time.Duration
	ring     []slot
	held     int
	bytes    int
	seqs     unwrapper
	vp8      codecs.VP8Packet

	started bool         // a packet set the sequence reference
	pinned  bool         // next was fixed by handing out or giving up; until then an earlier packet may lower it
	emitted bool         // a frame was handed out (so a later loss is a Gap)
	next    uint64       // the lowest sequence number still wanted; all held packets are in [next, seqs.highest]
	lastTS  uint32       // timestamp of the newest packet, to tell a restarted stream from a late packet
	foreign []rtp.Packet // the run of packets that look like a restarted stream, replayed if it is one

	waitKey   bool // only a keyframe can be handed out next
	gap       bool // the next frame handed out follows a loss
	keyComing bool // while waitKey: a keyframe's packets are arriving, so asking for another is pointless
	askKey    bool // this call gave up or reset: say so even if a keyframe is already on its way

	minAfter []int64 // scratch for holeExpired
	minBase  uint64
	minValid bool
}

type slot struct {
	seq     uint64
	used    bool
	arrival time.Time
	ts      uint32
	data    []byte
	start   bool // S=1, PID=0: the first packet of a frame
	key     bool // start, and the frame tag says key frame
	marker  bool
	padding bool // no payload: a bandwidth probe, which takes a sequence number but belongs to no frame
	broken  bool // a payload descriptor we could not parse: its frame can never be whole
}

// NewVideo returns a buffer that waits at most maxDelay for the missing packets of a frame (retransmissions).
//
// The wait starts when the loss becomes visible — when a packet after the hole arrives — rather than at the
// frame's first packet, so a large keyframe that the sender's pacer spreads over longer than maxDelay is not
// given up while it is still arriving without loss.
func NewVideo(maxDelay time.Duration) *Video {
	return &Video{maxDelay: maxDelay, ring: make([]slot, maxPackets), waitKey: true}
}

// Push adds a packet that arrived at now; it returns the frames it completed, in order, and whether the sender
// should be asked for a keyframe.
//
// needKeyframe is true when this call gave up on a loss or reset the buffer, and on every call while the
// buffer waits for a keyframe that is not already arriving (from the first packet until the first keyframe,
// and after a loss). It repeats on every call: the caller limits how often it sends PLI.
func (v *Video) Push(pkt *rtp.Packet, now time.Time) (frames []Frame, needKeyframe bool) {
	v.askKey = false
	if pkt != nil {
		v.insert(pkt, now)
	}
	return v.drain(now)
}

// Tick gives up on frames that waited past maxDelay; call it every ~10 ms.
func (v *Video) Tick(now time.Time) (frames []Frame, needKeyframe bool) {
	v.askKey = false
	return v.drain(now)
}

func (v *Video) insert(pkt *rtp.Packet, now time.Time) {
	var ext uint64
	if !v.started {
		ext = v.begin(pkt)
	} else {
		ext = v.seqs.unwrap(pkt.SequenceNumber)
		if ext < v.next {
			if v.pinned || v.seqs.highest-ext >= maxPackets {
				v.late(pkt, ext, now)
				return
			}
			v.next = ext // reordered at the very start: nothing is handed out yet, so it is still wanted
		}
		if ext >= v.next+maxPackets || v.bytes+len(pkt.Payload) > maxBytes {
			v.reset()
			ext = v.begin(pkt)
		}
	}
	s := &v.ring[ext%maxPackets]
	if s.used {
		return // a duplicate: every held packet is in [next, next+maxPackets), so the slot is its own
	}
	v.foreign = v.foreign[:0]
	if ext == v.seqs.highest {
		v.lastTS = pkt.Timestamp
	}
	*s = slot{seq: ext, used: true, arrival: now, ts: pkt.Timestamp, marker: pkt.Marker}
	v.held++
	if len(pkt.Payload) == 0 {
		s.padding = true
		return
	}
	payload, err := v.vp8.Unmarshal(pkt.Payload)
	if err != nil {
		s.broken = true
		return
	}
	// pion reuses its read buffers: keep a copy.
	s.data = append([]byte(nil), payload...)
	v.bytes += len(s.data)
	s.start = v.vp8.S == 1 && v.vp8.PID == 0
	s.key = s.start && IsKeyframe(s.data)
}

// begin takes pkt as the first packet of a stream.
func (v *Video) begin(pkt *rtp.Packet) uint64 {
	v.started = true
	v.next = v.seqs.reset(pkt.SequenceNumber)
	v.lastTS = pkt.Timestamp
	return v.next
}

// late handles a packet older than what was handed out: normally a retransmission that came too late, but a
// run of them that cannot be one means the sender restarted.
func (v *Video) late(pkt *rtp.Packet, ext uint64, now time.Time) {
	if v.next-ext < maxPackets && tsDistance(pkt.Timestamp, v.lastTS) <= foreignTimestamp {
		return
	}
	// Keep our own copy: the restarted stream's first packets are its keyframe.
	v.foreign = append(v.foreign, rtp.Packet{
		Header:  rtp.Header{SequenceNumber: pkt.SequenceNumber, Timestamp: pkt.Timestamp, Marker: pkt.Marker},
		Payload: append([]byte(nil), pkt.Payload...),
	})
	if len(v.foreign) < foreignLimit {
		return
	}
	run := v.foreign
	v.reset()
	for i := range run {
		v.insert(&run[i], now)
	}
}

// reset forgets everything and waits for a keyframe.
func (v *Video) reset() {
	for i := range v.ring {
		v.ring[i] = slot{}
	}
	v.held, v.bytes, v.foreign = 0, 0, nil
	v.started, v.pinned = false, false
	v.waitKey, v.keyComing, v.askKey = true, false, true
	v.gap = v.emitted
}

func (v *Video) drain(now time.Time) ([]Frame, bool) {
	var frames []Frame
	v.minValid = false
	for v.started {
		if v.waitKey {
			f := v.seekKey(now)
			if f == nil {
				break
			}
			frames = append(frames, *f)
			continue
		}
		s := v.at(v.next)
		switch {
		case s == nil:
			if !v.holeExpired(v.next, now) {
				return frames, v.needKey()
			}
		case s.padding:
			v.clear(s)
			v.next++
			continue
		case s.start:
			end, st := v.frameAt(v.next)
			if st == complete {
				frames = append(frames, v.emit(v.next, end))
				continue
			}
			if st == pending && !v.holeExpired(end, now) {
				return frames, v.needKey()
			}
		}
		// The frame at next can never be whole, or waited too long: a later frame would reference it.
		v.waitKey = true
		v.gap = v.gap || v.emitted
		v.askKey = true
	}
	return frames, v.needKey()
}

func (v *Video) needKey() bool {
	return v.askKey || (v.started && v.waitKey && !v.keyComing)
}

// seekKey looks, in one pass, for the first keyframe at or after next. It hands it out when whole, waits while
// it may still become whole, and otherwise drops it and what precedes it and looks further.
func (v *Video) seekKey(now time.Time) *Frame {
	v.keyComing = false
	var newestExpired uint64
	for q := v.next; q <= v.seqs.highest; q++ {
		s := v.at(q)
		if s == nil {
			continue
		}
		if !s.key {
			if now.Sub(s.arrival) >= v.maxDelay {
				newestExpired = q
			}
			continue
		}
		end, st := v.frameAt(q)
		switch {
		case st == complete:
			v.dropBefore(q)
			frame := v.emit(q, end)
			if !frame.Keyframe {
				q = end // the first packet looked like one, the whole frame is not
				continue
			}
			v.waitKey = false
			return &frame
		case st == pending && !v.holeExpired(end, now):
			v.keyComing = true
			return nil
		}
		v.dropBefore(q + 1)
	}
	// No keyframe is coming: what arrived more than maxDelay ago is of no use any more, and neither is any
	// keyframe packet that would still fill a hole before it.
	if newestExpired >= v.next {
		v.dropBefore(newestExpired + 1)
	}
	return nil
}

type status int

const (
	pending status = iota
	complete
	impossible
)

// frameAt follows the frame that starts at from to its marker: complete, it returns the marker's number;
// pending, the first missing one.
func (v *Video) frameAt(from uint64) (end uint64, st status) {
	ts := v.at(from).ts
	q := from
	for ; q <= v.seqs.highest; q++ {
		s := v.at(q)
		switch {
		case s == nil:
			return q, pending
		case s.broken || s.padding || s.ts != ts || (q > from && s.start):
			// The packets run on without a marker into something that is not this frame.
			return q, impossible
		case s.marker:
			return q, complete
		}
	}
	return q, pending
}

// holeExpired reports whether the hole at seq has been visible for maxDelay: since the first packet after it
// arrived. It answers from minima over the held packets computed once per call of drain, so that a stream of
// holes costs linear, not quadratic, time.
func (v *Video) holeExpired(seq uint64, now time.Time) bool {
	if seq >= v.seqs.highest {
		return false // nothing after it yet: the packet is in flight, not lost
	}
	if !v.minValid {
		// minAfter[i] is the earliest arrival among held packets at or after v.next+i.
		v.minBase, v.minValid = v.next, true
		n := int(v.seqs.highest - v.next + 1)
		v.minAfter = v.minAfter[:0]
		v.minAfter = append(v.minAfter, make([]int64, n)...)
		earliest := int64(math.MaxInt64)
		for i := n - 1; i >= 0; i-- {
			if s := v.at(v.next + uint64(i)); s != nil {
				earliest = min(earliest, s.arrival.UnixNano())
			}
			v.minAfter[i] = earliest
		}
	}
	// Packets handed out or dropped since are all before seq: the minima after it still hold.
	earliest := v.minAfter[seq+1-v.minBase]
	return earliest != math.MaxInt64 && now.UnixNano()-earliest >= int64(v.maxDelay)
}

// emit hands out the packets from..end as one frame.
func (v *Video) emit(from, end uint64) Frame {
	first := v.at(from)
	f := Frame{Timestamp: first.ts, Gap: v.gap}
	if from == end {
		f.Data = first.data // already our own copy
	} else {
		n := 0
		for q := from; q <= end; q++ {
			n += len(v.at(q).data)
		}
		f.Data = make([]byte, 0, n)
		for q := from; q <= end; q++ {
			f.Data = append(f.Data, v.at(q).data...)
		}
	}
	f.Keyframe = IsKeyframe(f.Data)
	v.dropBefore(end + 1)
	v.emitted = true
	v.gap = false
	return f
}

// dropBefore forgets every packet before seq and stops wanting them.
func (v *Video) dropBefore(seq uint64) {
	for q := v.next; q < seq && v.held > 0; q++ {
		if s := v.at(q); s != nil {
			v.clear(s)
		}
	}
	if seq > v.next {
		v.next = seq
	}
	v.pinned = true
}

func (v *Video) at(seq uint64) *slot {
	s := &v.ring[seq%maxPackets]
	if !s.used || s.seq != seq {
		return nil
	}
	return s
}

func (v *Video) clear(s *slot) {
	v.held--
	v.bytes -= len(s.data)
	*s = slot{}
}
