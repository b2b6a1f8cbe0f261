// Package rate turns bandwidth estimates (GCC over TWCC, one per peer) into encoder settings: a bitrate, and a
// smaller picture or a lower frame rate when the bitrate is too low for the full one.
package rate

import "time"

// Source is what an encoder encodes.
type Source int

const (
	Camera Source = iota
	Screen
)

// Setting is what the page's encoder for one source should use.
type Setting struct {
	Bitrate int // bits per second
	Scale   int // 1, 2 or 4: divide width and height by it
	FPS     int
}

// Split shares one peer's estimate (bits/s) among what we send: audio first, then the camera and, while
// sharing, the screen.
func Split(estimate int, screen bool) (camera, screenBps int) { panic("TODO") }

// Controller decides one source's Setting from the lowest estimate among the peers.
type Controller struct{}

// NewController starts a source at its initial setting.
func NewController(s Source) *Controller { panic("TODO") }

// Current is the setting now.
func (c *Controller) Current() Setting { panic("TODO") }

// Update takes the available bits/s for this source now; it returns the new setting and true when the encoder
// should change (at most about once a second, and not for small changes).
func (c *Controller) Update(available int, now time.Time) (Setting, bool) { panic("TODO") }
