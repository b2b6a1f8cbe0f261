// Package rate turns bandwidth estimates (GCC over TWCC, one per peer) into encoder settings: a bitrate, and a
// smaller picture or a lower frame rate when the bitrate is too low for the full one.
package rate

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

const (
	// AudioReserve is kept for Opus: one 20 ms voice packet stream is 24–32 kbit/s plus RTP/UDP/SRTP
	// overhead (~16 kbit/s at 50 packets/s). Speech matters more than pictures, so it comes off the top.
	AudioReserve = 40_000

	// screenShare is the screen's part of what is left while sharing: the screen carries the content people
	// are looking at (text must stay legible at 1080p), the camera becomes a thumbnail.
	screenSharePercent = 60
)

// Split shares one peer's estimate (bits/s) among what we send: audio first, then the camera and, while
// sharing, the screen.
//
// The floors can add up to more than the estimate: below them a picture is useless rather than merely poor,
// so we send the floor and let the Controller shrink the picture to make it look as good as it can.
func Split(estimate int, screen bool) (camera, screenBps int) {
	rest := max(0, estimate-AudioReserve)
	if !screen {
		return limits[Camera].clamp(rest), 0
	}
	s := rest * screenSharePercent / 100
	c := rest - s
	// What one source cannot use goes to the other, so a fast link is not left idle.
	if s > limits[Screen].max {
		c += s - limits[Screen].max
		s = limits[Screen].max
	}
	if c > limits[Camera].max {
		s = min(s+c-limits[Camera].max, limits[Screen].max)
		c = limits[Camera].max
	}
	return limits[Camera].clamp(c), limits[Screen].clamp(s)
}

type bounds struct{ min, max int }

func (b bounds) clamp(bps int) int { return max(b.min, min(bps, b.max)) }

var limits = map[Source]bounds{
	// 640×480@30 VP8 looks no better above ~1.5 Mbit/s; below 100 kbit/s even a 160×120 picture falls apart.
	Camera: {min: 100_000, max: 1_500_000},
	// 1080p text at 15 fps is crisp by ~2.5 Mbit/s (screen content is mostly static); 150 kbit/s still
	// carries a half-size picture at 5 fps.
	Screen: {min: 150_000, max: 2_500_000},
}
