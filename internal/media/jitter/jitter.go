// Package jitter turns RTP packets as they arrive — late, reordered, duplicated, retransmitted or lost — back
// into media frames in order: whole VP8 frames for video, Opus packets for audio.
package jitter

// Frame is one media frame, ready for a decoder.
type Frame struct {
	// Timestamp is the frame's RTP timestamp, as sent.
	Timestamp uint32
	// Data is the VP8 frame (payload descriptors removed) or the Opus packet. It is the frame's own copy.
	Data []byte
	// Keyframe: a VP8 key frame (always false for audio).
	Keyframe bool
	// Gap: frames were lost between the previous frame handed out and this one. The first frame handed out
	// is never a Gap: there is no previous frame to have lost anything after.
	Gap bool
}

// IsKeyframe reports whether a whole VP8 frame (no payload descriptor) is a key frame.
func IsKeyframe(frame []byte) bool {
	// RFC 6386 9.1: a 3-byte frame tag whose bit 0 is 0 on key frames, then (key frames only) a start code.
	// The start code guards against treating garbage as a key frame, which would feed the decoder a
	// "decodable" frame it cannot decode.
	if len(frame) < 3 || frame[0]&1 != 0 {
		return false
	}
	if len(frame) >= 6 {
		return frame[3] == 0x9d && frame[4] == 0x01 && frame[5] == 0x2a
	}
	return true
}
