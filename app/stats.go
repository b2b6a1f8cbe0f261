package app

import (
	"bytes"
	"encoding/json"
	"math"
)

// StatsReport is what the page reports once a second when Launch().Stats is set.
type StatsReport struct {
	Peers []PeerStats `json:"peers"` // one per remote participant
	Local LocalStats  `json:"local"`
}

// PeerStats are one remote participant's figures (zeros where the engine has no media for it).
type PeerStats struct {
	Peer          string  `json:"peer"` // the participant's id
	Name          string  `json:"name"`
	FramesDecoded int64   `json:"framesDecoded"`
	FPS           float64 `json:"fps"`
	Width         int     `json:"width"`
	Height        int     `json:"height"`
	AudioLevel    float64 `json:"audioLevel"`
	RTTMs         float64 `json:"rttMs"`
	// AudioUnderruns and AudioDelayMs: the native engine's audio jitter buffer for this peer (times it ran dry
	// while playing, and how long audio waits in it now); absent where the engine has none (a browser's own).
	AudioUnderruns *int     `json:"audioUnderruns,omitempty"`
	AudioDelayMs   *float64 `json:"audioDelayMs,omitempty"`
	// GlassMs: glass-to-glass latencies (ms) of this peer's camera measured since the last line (Launch.Stamp).
	GlassMs []float64 `json:"glassMs,omitempty"`
}

// LocalStats are this participant's media and room.
type LocalStats struct {
	Camera       TrackState `json:"camera"`
	Microphone   TrackState `json:"microphone"`
	Screen       TrackState `json:"screen"`
	Peers        int        `json:"peers"`        // others in the room
	ChatMessages int        `json:"chatMessages"` // chat messages the page holds
}

// TrackState is one local track: live (capturing) and its source's label.
type TrackState struct {
	Live  bool   `json:"live"`
	Label string `json:"label"`
}

// maxGlassSamples bounds the latency samples of one line (a second of video is at most ~60 frames).
const maxGlassSamples = 120

// maxStatsPeers bounds the lines of one report (a room holds at most a few dozen).
const maxStatsPeers = 256

// ReportStats prints r on stdout as JSON lines, one per remote participant then one for the local media,
// when the app was started with --stats; otherwise it does nothing.
func (a *App) ReportStats(r StatsReport) {
	if !a.launch.Stats {
		return
	}
	if err := a.out.write(statsLines(r)); err != nil {
		a.log.Warn("writing stats", "err", err)
	}
}

// localLine is the printed shape of the local line: {"local":true,...}.
type localLine struct {
	Local bool `json:"local"`
	LocalStats
}

// statsLines formats a report as the lines the command line prints.
func statsLines(r StatsReport) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf) // one value and a newline per Encode
	enc.SetEscapeHTML(false)
	for i, p := range r.Peers {
		if i == maxStatsPeers {
			break
		}
		p.Peer, p.Name = clip(p.Peer, 128), clip(p.Name, 4*maxNameLen)
		p.FPS, p.AudioLevel, p.RTTMs = round(p.FPS, 100), round(p.AudioLevel, 10000), round(p.RTTMs, 10)
		if len(p.GlassMs) > maxGlassSamples {
			p.GlassMs = p.GlassMs[:maxGlassSamples]
		}
		for i, v := range p.GlassMs {
			p.GlassMs[i] = round(v, 10)
		}
		_ = enc.Encode(p) // only strings and numbers: cannot fail
	}
	l := r.Local
	for _, t := range []*TrackState{&l.Camera, &l.Microphone, &l.Screen} {
		t.Label = clip(t.Label, 256)
	}
	_ = enc.Encode(localLine{Local: true, LocalStats: l})
	return buf.Bytes()
}

// round keeps numbers short (fps 29.97, rtt 1.3) and turns what JSON cannot carry into 0.
func round(v, scale float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return math.Round(v*scale) / scale
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
