package media

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func trackNum(e map[string]any) uint16 { return uint16(e["track"].(float64)) }

// A call between two bridges, negotiated by the pages' perfect negotiation through the test's relay: A sends
// camera, microphone and then a screen; B only receives.
func TestCallBetweenBridges(t *testing.T) {
	m := loadMedia(t)
	bA, bB := newTestBridge(t), newTestBridge(t)
	pA, pB := dialPage(t, bA, "A"), dialPage(t, bB, "B")
	pA.must("hello", map[string]any{"iceServers": []any{}})
	pB.must("hello", map[string]any{"iceServers": []any{}})

	r := pA.must("sources", map[string]any{"audio": true, "video": true, "screen": false})
	streams := r["streams"].(map[string]any)
	if len(streams) != 2 {
		t.Fatalf("stream map %v: want audio and video on two stream ids", streams)
	}
	for id, kind := range streams {
		if kind != "camera" {
			t.Errorf("stream %s is %v, want camera", id, kind)
		}
	}
	pB.must("sources", map[string]any{"audio": false, "video": false, "screen": false})

	nA, nB := startNegotiator(pA, "b", false), startNegotiator(pB, "a", true)
	link(nA, nB)
	defer nA.close()
	defer nB.close()
	snd := startSender(pA, m)
	defer snd.close()
	col := collect(pB)
	defer col.close()

	start := time.Now()
	pA.must("open", map[string]any{"peer": "b"})
	pB.must("open", map[string]any{"peer": "a"})
	pA.waitEvent("A connected", 10*time.Second, opIs("connectionstate", "peer", "b", "state", "connected"))
	pB.waitEvent("B connected", 10*time.Second, opIs("connectionstate", "peer", "a", "state", "connected"))
	t.Logf("connected in %v", time.Since(start))

	audio := pB.waitEvent("audio track", 10*time.Second, opIs("track", "peer", "a", "kind", "audio"))
	video := pB.waitEvent("video track", 10*time.Second, opIs("track", "peer", "a", "kind", "video"))
	if audio["streamId"] == video["streamId"] {
		t.Errorf("audio and video on one stream id %v", audio["streamId"])
	}
	for _, e := range []map[string]any{audio, video} {
		if _, ok := streams[e["streamId"].(string)]; !ok {
			t.Errorf("track on stream %v, not in A's stream map %v", e["streamId"], streams)
		}
	}
	pA.waitEvent("keyframe request", 5*time.Second, opIs("keyframe", "source", "video"))

	vf := col.wait(t, trackNum(video), 45, 10*time.Second)
	t.Logf("first video frame %v after open", vf[0].at.Sub(start))
	checkSubsequence(t, vf, snd.sentFrames(srcVideo))
	af := col.wait(t, trackNum(audio), 50, 5*time.Second)
	for i := 1; i < len(af); i++ {
		if d := int32(af[i].ts - af[i-1].ts); d <= 0 {
			t.Fatalf("audio frame %d: timestamp %d after %d", i, af[i].ts, af[i-1].ts)
		}
	}

	// B's decoder lost its place (it reset): B asks for a keyframe, Go sends a PLI, A's page is asked for one.
	keyframes := pA.countEvents("keyframe")
	pB.must("keyframe", map[string]any{"track": trackNum(video)})
	deadline := time.Now().Add(5 * time.Second)
	for pA.countEvents("keyframe") == keyframes {
		if time.Now().After(deadline) {
			t.Fatal("A's page was not asked for a keyframe after B's page asked for one")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, code := pB.request("keyframe", map[string]any{"track": trackNum(audio)}); code == "" {
		t.Error("a keyframe request for an audio track was accepted")
	}
	if _, code := pB.request("keyframe", map[string]any{"track": 9999}); code == "" {
		t.Error("a keyframe request for an unknown track was accepted")
	}

	// Congestion control: GCC over TWCC feeds the rate controllers, which set A's encoder.
	enc := pA.waitEvent("encoder event", 15*time.Second, opIs("encoder", "source", "video"))
	t.Logf("encoder event %v after open: %v", time.Since(start), enc)
	if b, _ := enc["bitrate"].(float64); b < 50_000 || b > 5_000_000 {
		t.Errorf("encoder bitrate %v out of range", enc["bitrate"])
	}
	if s, _ := enc["scale"].(float64); s != 1 && s != 2 && s != 4 {
		t.Errorf("encoder scale %v", enc["scale"])
	}
	if f, _ := enc["fps"].(float64); f <= 0 || f > 60 {
		t.Errorf("encoder fps %v", enc["fps"])
	}

	// Screen: adding it renegotiates and B gets a third track; removing it ends that track.
	r = pA.must("sources", map[string]any{"audio": true, "video": true, "screen": true})
	streams = r["streams"].(map[string]any)
	screenID := ""
	for id, kind := range streams {
		if kind == "screen" {
			screenID = id
		}
	}
	if len(streams) != 3 || screenID == "" {
		t.Fatalf("stream map with screen: %v", streams)
	}
	snd.setScreen(true)
	screen := pB.waitEvent("screen track", 10*time.Second, opIs("track", "peer", "a", "streamId", screenID))
	sf := col.wait(t, trackNum(screen), 10, 10*time.Second)
	checkSubsequence(t, sf, snd.sentFrames(srcScreen))
	pA.must("sources", map[string]any{"audio": true, "video": true, "screen": false})
	snd.setScreen(false)
	pB.waitEvent("screen trackended", 10*time.Second, opIs("trackended", "peer", "a", "track", fmt.Sprint(trackNum(screen))))

	// restartIce: negotiationneeded, then an offer with new ICE credentials; the call goes on.
	before := len(pA.eventsOf("negotiationneeded"))
	oldUfrag := iceUfrag(t, bA, "b")
	pA.must("restartIce", map[string]any{"peer": "b"})
	pA.waitEvent("negotiationneeded after restartIce", 5*time.Second, func(map[string]any) bool {
		return len(pA.eventsOf("negotiationneeded")) > before
	})
	n := len(col.frames(trackNum(video)))
	col.wait(t, trackNum(video), n+15, 10*time.Second)
	if u := iceUfrag(t, bA, "b"); u == oldUfrag {
		t.Errorf("ICE ufrag %q unchanged after restartIce", u)
	}

	st := pB.must("stats", nil)
	t.Logf("B stats: %v", st["peers"])
	peers := st["peers"].([]any)
	if len(peers) != 1 {
		t.Fatalf("B stats: %v", st)
	}
	for _, tr := range peers[0].(map[string]any)["tracks"].([]any) {
		tr := tr.(map[string]any)
		if tr["packets"].(float64) == 0 || tr["frames"].(float64) == 0 {
			t.Errorf("B track stats %v: no packets or frames", tr)
		}
	}
	snd.mu.Lock()
	t.Logf("keyframe event → keyframe sent: %v; frames delivered: video %d, audio %d", snd.kfLat,
		len(col.frames(trackNum(video))), len(col.frames(trackNum(audio))))
	snd.mu.Unlock()
}

// iceUfrag is the ICE ufrag of bridge b's current local description for peer (read inside the bridge: the
// protocol hands descriptions out only during negotiation).
func iceUfrag(t *testing.T, b *Bridge, peer string) string {
	t.Helper()
	b.mu.Lock()
	s := b.session
	b.mu.Unlock()
	p, err := s.peer(peer)
	if err != nil {
		t.Fatal(err)
	}
	pc, _ := p.current()
	for _, l := range strings.Split(pc.LocalDescription().SDP, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "a=ice-ufrag:"); ok {
			return v
		}
	}
	t.Fatal("no ice-ufrag in the local description")
	return ""
}
