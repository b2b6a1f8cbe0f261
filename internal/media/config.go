package media

import (
	"log/slog"
	"os"
	"time"
)

// Config is everything a Bridge is made of. The zero value of each field means its default.
type Config struct {
	// AllowedOrigins are the page origins that may connect (`wails://wails` for the app's own page). A request
	// with another Origin, or none, is refused before the upgrade.
	AllowedOrigins []string
	// IncludeLoopback offers loopback ICE candidates. A test setting: in the tests' network namespace only `lo`
	// exists (LoopbackFromEnv); a product never wants it.
	IncludeLoopback bool
	Logger          *slog.Logger // nil: slog.Default()

	// loopbackOnly keeps ICE on the loopback interface and UDP4 and turns mDNS off, so that Go tests on the
	// host never send traffic to the machine's other interfaces.
	loopbackOnly bool
}

// LoopbackFromEnv reports whether PARLEY_ICE_LOOPBACK=1: the end-to-end tests' network namespace, where
// loopback is the only interface and pion must offer loopback candidates.
func LoopbackFromEnv() bool { return os.Getenv("PARLEY_ICE_LOOPBACK") == "1" }

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// The protocol's limits (docs/MEDIA-BRIDGE.md).
const (
	maxText       = 256 << 10 // a text frame over it closes the socket (1009)
	maxBinary     = 4 << 20   // a binary frame over it closes the socket (1009)
	maxPeerID     = 64
	maxICEServers = 16
	// maxTracksPerPeer bounds what one remote can make us decode: a camera's audio and video and a screen, with
	// room for a renegotiation's overlap; an offer with hundreds of m-lines gets the first few.
	maxTracksPerPeer = 8
)

// Timing of the media paths. Each is a trade: the comments say against what.
const (
	// keyframeCoalesce: PLIs from several peers (and their repeats) within it ask the page for one keyframe,
	// since one keyframe serves every peer (encode once).
	keyframeCoalesce = 100 * time.Millisecond
	// pliInterval bounds how often a receiving track asks its sender for a keyframe: a keyframe takes about a
	// round trip plus an encode to arrive, and asking again sooner only makes the sender encode more of them.
	pliInterval = 300 * time.Millisecond
	// videoMaxDelay is how long the jitter buffer waits for a frame's missing packets (NACK and retransmission
	// take about a round trip) before skipping to the next keyframe.
	videoMaxDelay = 200 * time.Millisecond
	jitterTick    = 10 * time.Millisecond
	audioWindow   = 2 // later Opus packets held while waiting for a missing one (20 ms each)
	// rateInterval: how often the lowest GCC estimate goes to the rate controllers; they decide when the
	// encoder changes (at most about once a second).
	rateInterval = 250 * time.Millisecond
	// writeTimeout: a page that does not read for this long is gone.
	writeTimeout = 5 * time.Second
)

// The page writer's queue: bounded, so a page that reads slowly loses media, not memory — and not time: a
// backlog that forms once (a busy moment at start-up) and never drains would delay every later frame by as
// much, for the rest of the call. 32 frames is about 400 ms of video and audio together.
const (
	queueMediaFrames = 32      // received frames waiting for the page
	queueMediaBytes  = 8 << 20 // their bytes
	queueText        = 4096    // control messages waiting; more means the page stopped reading: close
)

// Bandwidth estimation bounds (bits/s). GCC starts from initialBitrate rather than its default 10 kb/s, which
// would start every call at a postage stamp and take many seconds to climb.
const (
	initialBitrate = 1_000_000
	minBitrate     = 50_000
	maxBitrate     = 4_000_000
)
