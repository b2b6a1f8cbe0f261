package app

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestStatsLines(t *testing.T) {
	r := StatsReport{
		Peers: []PeerStats{
			{Peer: "Qx9", Name: "Grace <3", FramesDecoded: 1234, FPS: 29.9712, Width: 640, Height: 480, AudioLevel: 0.123456, RTTMs: 1.26,
				AudioUnderruns: new(int), AudioDelayMs: new(float64)},
			{Peer: "k3J", Name: "Linus", FPS: math.NaN(), GlassMs: []float64{48.26, 51}},
		},
		Local: LocalStats{
			Camera:       TrackState{Live: true, Label: "Mock video device 1"},
			Microphone:   TrackState{Live: true, Label: "Mock audio device 1"},
			Peers:        2,
			ChatMessages: 3,
		},
	}
	want := `{"peer":"Qx9","name":"Grace <3","framesDecoded":1234,"fps":29.97,"width":640,"height":480,"audioLevel":0.1235,"rttMs":1.3,"audioUnderruns":0,"audioDelayMs":0}
{"peer":"k3J","name":"Linus","framesDecoded":0,"fps":0,"width":0,"height":0,"audioLevel":0,"rttMs":0,"glassMs":[48.3,51]}
{"local":true,"camera":{"live":true,"label":"Mock video device 1"},"microphone":{"live":true,"label":"Mock audio device 1"},"screen":{"live":false,"label":""},"peers":2,"chatMessages":3}
`
	if got := string(statsLines(r)); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	// Latency samples are bounded per line.
	many := StatsReport{Peers: []PeerStats{{Peer: "a", GlassMs: make([]float64, 1000)}}}
	if got := strings.Count(string(statsLines(many)), ","); got > maxGlassSamples+20 {
		t.Fatalf("a line with %d commas: samples not bounded", got)
	}
	// Alone in the room: just the local line.
	if got := string(statsLines(StatsReport{})); got != `{"local":true,"camera":{"live":false,"label":""},"microphone":{"live":false,"label":""},"screen":{"live":false,"label":""},"peers":0,"chatMessages":0}`+"\n" {
		t.Fatalf("empty report: %s", got)
	}
}

func TestReportStats(t *testing.T) {
	quiet, out := newTestApp(t, Launch{})
	quiet.ReportStats(StatsReport{Peers: []PeerStats{{Peer: "x"}}})
	if out.String() != "" {
		t.Fatalf("without --stats: %q", out.String())
	}

	a, out := newTestApp(t, Launch{Stats: true})
	// The page's JSON, as Wails hands it over.
	var r StatsReport
	if err := json.Unmarshal([]byte(`{"peers":[{"peer":"p1","name":"Grace","framesDecoded":10,"fps":30,"width":640,"height":480,"audioLevel":0.5,"rttMs":2}],
		"local":{"camera":{"live":true,"label":"cam"},"peers":1,"chatMessages":0,"extra":1}}`), &r); err != nil {
		t.Fatal(err)
	}
	a.ReportStats(r)
	a.ReportStats(r)
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want 4 lines, got %q", out.String())
	}
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d %q: %v", i, l, err)
		}
		if i%2 == 0 && (m["peer"] != "p1" || m["framesDecoded"] != 10.0) || i%2 == 1 && m["local"] != true {
			t.Fatalf("line %d: %v", i, m)
		}
	}
}
