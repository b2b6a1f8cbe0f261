// Package jitter turns RTP packets as they arrive — late, reordered, duplicated, retransmitted or lost — back
// into media frames in order: whole VP8 frames for video, Opus packets for audio.
package jitter

import (
	"time"

	"github.com/pion/rtp"
)

// Frame is one media frame, ready for a decoder.
type Frame struct {
	// Timestamp is the frame's RTP timestamp, as sent.
	Timestamp uint32
	// Data is the VP8 frame (payload descriptors removed) or the Opus packet.
	Data []byte
	// Keyframe: a VP8 key frame (always false for audio).
	Keyframe bool
	// Gap: frames were lost between the previous frame handed out and this one.
	Gap bool
}

// Video reassembles VP8 frames from RTP packets and hands them out whole, in order, each decodable: after a
// loss it skips to the next keyframe and asks (through needKeyframe) for one.
type Video struct{}

// NewVideo returns a buffer that waits at most maxDelay for the missing packets of a frame (retransmissions).
func NewVideo(maxDelay time.Duration) *Video { panic("TODO") }

// Push adds a packet that arrived at now; it returns the frames it completed, in order, and whether the sender
// should be asked for a keyframe.
func (v *Video) Push(pkt *rtp.Packet, now time.Time) (frames []Frame, needKeyframe bool) { panic("TODO") }

// Tick gives up on frames that waited past maxDelay; call it every ~10 ms.
func (v *Video) Tick(now time.Time) (frames []Frame, needKeyframe bool) { panic("TODO") }

// Audio puts Opus packets back in sequence order, waiting for a missing packet while at most `window` later
// packets are held; then it skips the hole and marks the next frame Gap.
type Audio struct{}

// NewAudio returns an audio reorder buffer.
func NewAudio(window int) *Audio { panic("TODO") }

// Push adds a packet and returns the frames now in order.
func (a *Audio) Push(pkt *rtp.Packet) []Frame { panic("TODO") }

// IsKeyframe reports whether a whole VP8 frame (no payload descriptor) is a key frame.
func IsKeyframe(frame []byte) bool { panic("TODO") }
