package jitter

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/pion/rtp"
)

const testMaxDelay = 200 * time.Millisecond

func TestIsKeyframeOnRealFrames(t *testing.T) {
	keys := 0
	for i, f := range testFrames(t) {
		if got := IsKeyframe(f.data); got != f.key {
			t.Errorf("frame %d: IsKeyframe = %v, ffprobe says key = %v", i, got, f.key)
		}
		if f.key {
			keys++
		}
	}
	if keys != 3 {
		t.Errorf("%d key frames in 3 s at -g 30, want 3", keys)
	}
	for _, b := range [][]byte{nil, {0x00}, {0x00, 0x00}, {0x01, 0x00, 0x00, 0x9d, 0x01, 0x2a}, {0x00, 0x00, 0x00, 0x12, 0x34, 0x56}} {
		if IsKeyframe(b) {
			t.Errorf("IsKeyframe(% x) = true", b)
		}
	}
	if !IsKeyframe([]byte{0x50, 0x42, 0x00}) {
		t.Error("a 3-byte key frame tag without room for a start code is a key frame")
	}
}

func TestVideoInOrder(t *testing.T) {
	sent := packetize(t, 1000, 5000)
	r := newReceiver(t, testMaxDelay)
	r.pushFrames(sent)
	expectFrames(t, r.frames, sent)
	if r.asked != 0 {
		t.Errorf("asked for a keyframe %d times on a clean stream that starts with one", r.asked)
	}
}

func TestVideoReorderedWithinWindow(t *testing.T) {
	sent := packetize(t, 40000, 0)
	pkts := allPackets(sent)
	rng := rand.New(rand.NewPCG(1, 2))
	r := newReceiver(t, testMaxDelay)
	for i := 0; i < len(pkts); i += 8 {
		window := pkts[i:min(i+8, len(pkts))]
		for _, j := range rng.Perm(len(window)) {
			r.push(window[j])
		}
		r.tick(5 * time.Millisecond)
	}
	expectFrames(t, r.frames, sent)
}

func TestVideoDuplicatesIgnored(t *testing.T) {
	sent := packetize(t, 7, 7)
	pkts := allPackets(sent)
	r := newReceiver(t, testMaxDelay)
	for i, p := range pkts {
		r.push(p)
		r.push(p)
		if i >= 20 {
			r.push(pkts[i-20]) // a retransmission of a packet already handed out
		}
		r.tick(3 * time.Millisecond)
	}
	expectFrames(t, r.frames, sent)
}

func TestVideoRetransmissionInTime(t *testing.T) {
	sent := packetize(t, 100, 100)
	r := newReceiver(t, testMaxDelay)
	// Lose a packet in the middle of a keyframe and one in a delta frame; the retransmissions come three
	// frames (~100 ms) later, inside maxDelay.
	lost := map[*rtp.Packet]int{sent[30].packets[3]: 33, sent[45].packets[0]: 48}
	resend := map[int][]*rtp.Packet{}
	for p, at := range lost {
		resend[at] = append(resend[at], p)
	}
	for i, f := range sent {
		for _, p := range f.packets {
			if _, ok := lost[p]; !ok {
				r.push(p)
			}
		}
		for _, p := range resend[i] {
			r.push(p)
		}
		for range 3 {
			r.tick(11 * time.Millisecond)
		}
	}
	expectFrames(t, r.frames, sent)
	if r.asked != 0 {
		t.Errorf("asked for a keyframe %d times, but every loss was repaired in time", r.asked)
	}
}

// lossThenKeyframe checks the output of a stream that lost something in frame lostIn for good: frames until
// then, nothing until the next keyframe (frame 30 or 60), which is a Gap, then the rest.
func lossThenKeyframe(t *testing.T, r *receiver, sent []sentFrame, lostIn int) {
	t.Helper()
	resume := 30
	if lostIn >= 30 {
		resume = 60
	}
	want := append(append([]sentFrame(nil), sent[:lostIn]...), sent[resume:]...)
	if len(r.frames) != len(want) {
		t.Fatalf("got %d frames, want %d (0–%d and %d–%d)", len(r.frames), len(want), lostIn-1, resume, len(sent)-1)
	}
	gap := r.frames[lostIn]
	if !gap.Gap || !gap.Keyframe || gap.Timestamp != sent[resume].Timestamp {
		t.Fatalf("first frame after the loss: ts %d gap %v key %v, want the keyframe at ts %d with Gap",
			gap.Timestamp, gap.Gap, gap.Keyframe, sent[resume].Timestamp)
	}
	r.frames[lostIn].Gap = false
	expectFrames(t, r.frames, want)
}

func TestVideoLossSkipsToKeyframe(t *testing.T) {
	for _, tc := range []struct {
		name          string
		frame, packet int
		seenAt        int // the frame whose arrival shows the loss
	}{
		{"delta frame's last packet", 1, 1, 2},
		{"keyframe's middle packet", 30, 3, 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sent := packetize(t, 65000, 0)
			r := newReceiver(t, testMaxDelay)
			lost := sent[tc.frame].packets[tc.packet]
			askedAt := -1
			for i, f := range sent {
				for _, p := range f.packets {
					if p != lost && r.push(p) && askedAt < 0 {
						askedAt = i
					}
				}
				for range 3 {
					if r.tick(11*time.Millisecond) && askedAt < 0 {
						askedAt = i
					}
				}
			}
			lossThenKeyframe(t, r, sent, tc.frame)
			// 200 ms at 33 ms a frame is six frames after the loss became visible.
			if want := tc.seenAt + 6; askedAt < want-1 || askedAt > want+1 {
				t.Errorf("first asked for a keyframe while frame %d arrived, want about %d (maxDelay after the loss)",
					askedAt, want)
			}
		})
	}
}

func TestVideoLostWholeFrame(t *testing.T) {
	t.Run("retransmitted", func(t *testing.T) {
		sent := packetize(t, 3, 3)
		r := newReceiver(t, testMaxDelay)
		r.pushFrames(sent[:40])
		r.pushFrames(sent[41:43])
		for _, p := range sent[40].packets {
			r.push(p) // NACKed and resent ~70 ms later
		}
		r.pushFrames(sent[43:])
		before := sent[:40:40]
		want := append(append(before, sent[40]), sent[41:]...)
		expectFrames(t, r.frames, want)
	})
	t.Run("never", func(t *testing.T) {
		sent := packetize(t, 3, 3)
		r := newReceiver(t, testMaxDelay)
		r.pushFrames(sent[:40])
		r.pushFrames(sent[41:])
		lossThenKeyframe(t, r, sent, 40)
		if r.asked == 0 {
			t.Error("never asked for a keyframe")
		}
	})
}

func TestVideoStartMidStream(t *testing.T) {
	sent := packetize(t, 500, 500)
	r := newReceiver(t, testMaxDelay)
	for i, f := range sent[5:30] {
		for _, p := range f.packets {
			if !r.push(p) {
				t.Fatalf("frame %d: waiting for the first keyframe without asking for one", i+5)
			}
		}
		r.tick(33 * time.Millisecond)
	}
	if len(r.frames) != 0 {
		t.Fatalf("handed out %d frames before the first keyframe", len(r.frames))
	}
	if held := r.v.held; held > 20 {
		t.Errorf("holding %d useless packets while waiting for a keyframe", held)
	}
	r.pushFrames(sent[30:])
	expectFrames(t, r.frames, sent[30:]) // the first frame is no Gap: nothing was handed out before it
}

func TestVideoSequenceWrap(t *testing.T) {
	sent := packetize(t, 65535-50, 0)
	if first, last := sent[0].packets[0].SequenceNumber, sent[len(sent)-1].packets[0].SequenceNumber; first < last {
		t.Fatalf("the stream does not wrap: %d…%d", first, last)
	}
	r := newReceiver(t, testMaxDelay)
	r.pushFrames(sent)
	expectFrames(t, r.frames, sent)
}

func TestVideoTimestampWrap(t *testing.T) {
	sent := packetize(t, 9, 0xffffffff-3000*40)
	if sent[0].Timestamp < sent[len(sent)-1].Timestamp {
		t.Fatal("the stream does not wrap")
	}
	r := newReceiver(t, testMaxDelay)
	// Reordering across the wrap, too.
	pkts := allPackets(sent)
	for i := 0; i+1 < len(pkts); i += 2 {
		r.push(pkts[i+1])
		r.push(pkts[i])
		r.tick(5 * time.Millisecond)
	}
	if len(pkts)%2 == 1 {
		r.push(pkts[len(pkts)-1])
	}
	expectFrames(t, r.frames, sent)
}

func TestVideoPaddingPackets(t *testing.T) {
	// Bandwidth probes: payload-less packets that take sequence numbers between frames.
	sent := packetize(t, 0, 0)
	var renumbered []sentFrame
	seq := uint16(0)
	r := newReceiver(t, testMaxDelay)
	for i, f := range sent {
		for _, p := range f.packets {
			q := *p
			q.SequenceNumber = seq
			seq++
			r.push(&q)
		}
		if i%3 == 0 {
			r.push(&rtp.Packet{Header: rtp.Header{SequenceNumber: seq, Timestamp: f.Timestamp, Padding: true}})
			seq++
		}
		r.tick(33 * time.Millisecond)
		renumbered = append(renumbered, f)
	}
	expectFrames(t, r.frames, renumbered)
}

func TestVideoCopiesPayload(t *testing.T) {
	// pion reads every packet into the same buffer: nothing may point into it after Push.
	sent := packetize(t, 1, 1)
	r := newReceiver(t, testMaxDelay)
	buf := make([]byte, 1500)
	var p rtp.Packet
	for _, f := range sent {
		for _, orig := range f.packets {
			n, err := orig.MarshalTo(buf)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Unmarshal(buf[:n]); err != nil {
				t.Fatal(err)
			}
			r.push(&p)
			for i := range buf {
				buf[i] = 0xee
			}
		}
		r.tick(33 * time.Millisecond)
	}
	expectFrames(t, r.frames, sent)
}

func TestVideoOverflowIsBounded(t *testing.T) {
	sent := packetize(t, 10, 10)
	pkts := allPackets(sent)
	v := NewVideo(time.Hour) // never gives up by time: only the bounds can save it
	now := newClock().now
	v.Push(pkts[0], now)
	asked := false
	// Packet 1 never arrives; everything after it (renumbered to keep going) piles up behind the hole.
	for i := 2; i < 3*maxPackets; i++ {
		q := *pkts[i%len(pkts)]
		q.SequenceNumber = uint16(10 + i)
		_, need := v.Push(&q, now)
		asked = asked || need
		if v.held > maxPackets || v.bytes > maxBytes {
			t.Fatalf("after %d packets: holding %d packets, %d bytes", i, v.held, v.bytes)
		}
	}
	if !asked {
		t.Error("overflowed without asking for a keyframe")
	}
	// Afterwards it resynchronises on the next keyframe.
	r := &receiver{tb: t, v: v, clock: &clock{now: now}}
	more := packetize(t, uint16(10+3*maxPackets), 10)
	r.pushFrames(more)
	if len(r.frames) == 0 || !r.frames[0].Keyframe || !r.frames[0].Gap {
		t.Fatalf("after the overflow: %d frames, want a Gap keyframe first", len(r.frames))
	}
}

func TestVideoByteBound(t *testing.T) {
	v := NewVideo(time.Hour)
	now := newClock().now
	big := make([]byte, 60000)
	big[0] = 0x10 // S=1, PID=0; a delta frame tag follows
	big[1] = 0x01
	for i := range 3000 {
		v.Push(&rtp.Packet{Header: rtp.Header{SequenceNumber: uint16(i * 2), Timestamp: uint32(i)}, Payload: big}, now)
		if v.bytes > maxBytes || v.held > maxPackets {
			t.Fatalf("holding %d bytes in %d packets", v.bytes, v.held)
		}
	}
}

func TestVideoSenderRestart(t *testing.T) {
	for _, tc := range []struct {
		name string
		seq  uint16
	}{
		{"sequence backwards", 1000 + 65536 - 20000},
		{"sequence far ahead", 1000 + 20000},
		{"sequence slightly back", 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first := packetize(t, 1000, 0)
			r := newReceiver(t, testMaxDelay)
			r.pushFrames(first[:50])
			again := packetize(t, tc.seq, 0x80000000)
			r.pushFrames(again)
			if len(r.frames) < 50+len(again)/2 {
				t.Fatalf("got %d frames after a restart, want the first 50 and most of the new stream", len(r.frames))
			}
			resumed := r.frames[50]
			if !resumed.Keyframe || resumed.Timestamp != again[0].Timestamp {
				t.Fatalf("resumed at ts %d (key %v), want the new stream's first keyframe %d", resumed.Timestamp,
					resumed.Keyframe, again[0].Timestamp)
			}
		})
	}
}

func BenchmarkVideoPush(b *testing.B) {
	sent := packetize(b, 0, 0)
	pkts := allPackets(sent)
	v := NewVideo(testMaxDelay)
	now := newClock().now
	frames := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		p := pkts[i%len(pkts)]
		round := uint32(i / len(pkts))
		q := *p
		q.SequenceNumber = uint16(i)
		q.Timestamp = p.Timestamp + round*uint32(len(sent))*3000
		out, _ := v.Push(&q, now)
		frames += len(out)
		if q.Marker {
			now = now.Add(33 * time.Millisecond)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "packets/s")
	if b.N > len(pkts) && frames == 0 {
		b.Fatal("no frames came out")
	}
}
