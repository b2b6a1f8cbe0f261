package jitter

import (
	"testing"
	"time"

	"github.com/pion/rtp"
)

// FuzzVideoPush drives a Video with arbitrary packets and times. Each 6 input bytes are one packet: a signed
// sequence step, a timestamp step in frames, flags (marker, start of frame, key frame tag, padding), the
// milliseconds that pass, and a payload length (2 bytes).
func FuzzVideoPush(f *testing.F) {
	f.Add([]byte{1, 0, 0x06, 1, 40, 0, 1, 0, 0x01, 1, 40, 0, 1, 1, 0x03, 30, 20, 0})
	f.Add([]byte{1, 0, 0x06, 1, 10, 0, 2, 0, 0x01, 1, 10, 0, 0xff, 0, 0x00, 1, 10, 0, 1, 1, 0x07, 250, 200, 1})
	f.Add([]byte{0x80, 0, 0x06, 1, 10, 0, 0x7f, 0x7f, 0x06, 0, 10, 0, 0, 0, 0x08, 0, 0, 0, 3, 200, 0x03, 255, 255, 4})
	f.Add([]byte{1, 0, 0x06, 0, 10, 0, 1, 0, 0x00, 0, 10, 0, 1, 0, 0x01, 0, 10, 0, 1, 1, 0x06, 0, 10, 0})
	f.Fuzz(fuzzVideo)
}

func fuzzVideo(t *testing.T, in []byte) {
	{
		v := NewVideo(100 * time.Millisecond)
		now := time.Unix(0, 0)
		seq, ts := uint16(0), uint32(0)
		emitted := false
		for i := 0; i+6 <= len(in); i += 6 {
			op := in[i : i+6]
			seq += uint16(int8(op[0]))
			ts += uint32(op[1]) * 3000
			now = now.Add(time.Duration(op[3]) * time.Millisecond)
			n := int(op[4]) + int(op[5]&0x07)<<8 // up to 2 KB: the byte bound has its own test
			payload := make([]byte, 0, n+4)
			if op[2]&0x08 == 0 {
				desc := byte(0x00)
				if op[2]&0x02 != 0 {
					desc = 0x10 // S=1, PID=0
				}
				tag := byte(0x01)
				if op[2]&0x04 != 0 {
					tag = 0x00
				}
				payload = append(payload, desc, tag, 0, 0, 0x9d, 0x01, 0x2a)
				for j := range n {
					payload = append(payload, byte(j))
				}
			}
			pkt := &rtp.Packet{Header: rtp.Header{SequenceNumber: seq, Timestamp: ts, Marker: op[2]&0x01 != 0},
				Payload: payload}
			var frames []Frame
			if op[3] > 200 {
				frames, _ = v.Tick(now)
			} else {
				frames, _ = v.Push(pkt, now)
			}
			for _, fr := range frames {
				if (!emitted || fr.Gap) && !fr.Keyframe {
					t.Fatalf("handed out an undecodable frame (first %v, gap %v) that is no keyframe", !emitted, fr.Gap)
				}
				emitted = true
			}
			if v.held > maxPackets || v.bytes > maxBytes || v.held < 0 || v.bytes < 0 {
				t.Fatalf("holding %d packets, %d bytes", v.held, v.bytes)
			}
		}
	}
}
