package jitter

import (
	"fmt"
	"testing"

	"github.com/pion/rtp"
)

func opus(seq uint16) *rtp.Packet {
	return &rtp.Packet{
		Header:  rtp.Header{SequenceNumber: seq, Timestamp: uint32(seq) * 960},
		Payload: []byte(fmt.Sprintf("opus %d", seq)),
	}
}

// pushAudio pushes packets with these sequence numbers and returns the sequence numbers handed out, with a
// "gap" entry before any frame marked Gap.
func pushAudio(t *testing.T, a *Audio, seqs ...uint16) []string {
	t.Helper()
	var out []string
	for _, s := range seqs {
		for _, f := range a.Push(opus(s)) {
			if f.Gap {
				out = append(out, "gap")
			}
			if f.Keyframe {
				t.Errorf("audio frame %q marked keyframe", f.Data)
			}
			var seq uint16
			if _, err := fmt.Sscanf(string(f.Data), "opus %d", &seq); err != nil || f.Timestamp != uint32(seq)*960 {
				t.Fatalf("frame %q with timestamp %d", f.Data, f.Timestamp)
			}
			out = append(out, fmt.Sprint(seq))
		}
	}
	return out
}

func expectAudio(t *testing.T, got []string, want ...string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestAudioInOrder(t *testing.T) {
	expectAudio(t, pushAudio(t, NewAudio(3), 10, 11, 12, 13), "10", "11", "12", "13")
}

func TestAudioReordered(t *testing.T) {
	expectAudio(t, pushAudio(t, NewAudio(3), 10, 12, 13, 11, 15, 14, 16), "10", "11", "12", "13", "14", "15", "16")
}

func TestAudioHoleSkippedAfterWindow(t *testing.T) {
	// 11 never comes: held while 3 later packets wait, given up on the fourth.
	a := NewAudio(3)
	expectAudio(t, pushAudio(t, a, 10, 12, 13, 14), "10")
	expectAudio(t, pushAudio(t, a, 15), "gap", "12", "13", "14", "15")
	expectAudio(t, pushAudio(t, a, 11)) // too late now
	expectAudio(t, pushAudio(t, a, 16), "16")
}

func TestAudioZeroWindowNeverWaits(t *testing.T) {
	expectAudio(t, pushAudio(t, NewAudio(0), 10, 12, 11, 13), "10", "gap", "12", "13")
}

func TestAudioDuplicatesAndLateDropped(t *testing.T) {
	expectAudio(t, pushAudio(t, NewAudio(3), 10, 10, 12, 12, 11, 11, 10, 13, 9, 14), "10", "11", "12", "13", "14")
}

func TestAudioSequenceWrap(t *testing.T) {
	expectAudio(t, pushAudio(t, NewAudio(3), 65534, 0, 65535, 1, 3, 2), "65534", "65535", "0", "1", "2", "3")
}

func TestAudioCopiesPayload(t *testing.T) {
	a := NewAudio(3)
	buf := []byte("opus 11")
	a.Push(&rtp.Packet{Header: rtp.Header{SequenceNumber: 10}, Payload: []byte("x")})
	a.Push(&rtp.Packet{Header: rtp.Header{SequenceNumber: 12}, Payload: buf})
	copy(buf, "garbage")
	frames := a.Push(&rtp.Packet{Header: rtp.Header{SequenceNumber: 11}, Payload: []byte("y")})
	if len(frames) != 2 || string(frames[1].Data) != "opus 11" {
		t.Fatalf("got %+v: the buffer kept a reference to the caller's payload", frames)
	}
}

func TestAudioSenderRestart(t *testing.T) {
	a := NewAudio(3)
	expectAudio(t, pushAudio(t, a, 30000, 30001, 30002), "30000", "30001", "30002")
	// The sequence goes backwards for good: after a run of "late" packets, follow it.
	var seqs []uint16
	for s := uint16(100); s < 100+foreignLimit+2; s++ {
		seqs = append(seqs, s)
	}
	got := pushAudio(t, a, seqs...)
	if len(got) < 3 || got[0] != "gap" || got[len(got)-1] != fmt.Sprint(seqs[len(seqs)-1]) {
		t.Fatalf("after a restart got %v, want a gap then the new stream up to %d", got, seqs[len(seqs)-1])
	}
	// And far ahead at once: a minute of loss is no loss to wait out.
	got = pushAudio(t, a, 20000, 20001)
	expectAudio(t, got, "gap", "20000", "20001")
}

func TestAudioBounded(t *testing.T) {
	a := NewAudio(1 << 20)
	for s := range uint16(2000) {
		a.Push(opus(s * 2))
		if len(a.held) > maxAudioWindow+1 {
			t.Fatalf("holding %d packets", len(a.held))
		}
	}
}
