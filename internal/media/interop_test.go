package media

import (
	"encoding/json"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
	pmedia "github.com/pion/webrtc/v4/pkg/media"
)

// plainPeer is an ordinary pion PeerConnection (default codecs and interceptors), the remote for interop.
func plainPeer(t *testing.T) *webrtc.PeerConnection {
	t.Helper()
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	reg := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, reg); err != nil {
		t.Fatal(err)
	}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetInterfaceFilter(func(n string) bool { return n == "lo" })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	api := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(se))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	return pc
}

// toMap turns a pion value into the JSON object the page would relay.
func toMap(v any) map[string]any {
	b, _ := json.Marshal(v)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// Standard WebRTC both ways with a plain pion peer: it sends VP8 from the IVF file and receives our samples;
// its PLI reaches our page as a `keyframe` event.
func TestInteropPlainPion(t *testing.T) {
	m := loadMedia(t)
	b := newTestBridge(t)
	p := dialPage(t, b, "page")
	p.must("sources", map[string]any{"audio": true, "video": true, "screen": false})
	neg := startNegotiator(p, "plain", true)
	defer neg.close()
	snd := startSender(p, m)
	defer snd.close()
	col := collect(p)
	defer col.close()

	pc := plainPeer(t)
	vt, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8}, "pv", "plain-stream")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pc.AddTrack(vt); err != nil {
		t.Fatal(err)
	}
	if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeAudio,
		webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
		t.Fatal(err)
	}
	var audioPkts, videoPkts atomic.Int64
	var remoteVideoSSRC atomic.Uint32
	var readers sync.WaitGroup
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		if tr.Kind() == webrtc.RTPCodecTypeVideo {
			remoteVideoSSRC.Store(uint32(tr.SSRC()))
		}
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				if _, _, err := tr.ReadRTP(); err != nil {
					return
				}
				if tr.Kind() == webrtc.RTPCodecTypeAudio {
					audioPkts.Add(1)
				} else {
					videoPkts.Add(1)
				}
			}
		}()
	})
	// The plain peer's side of signaling: it answers; its candidates go to the page.
	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c != nil {
			neg.inbox <- sig{cand: toMap(c.ToJSON()), hasCand: true}
		}
	})
	var plainMu sync.Mutex
	var pending []webrtc.ICECandidateInit
	neg.out = func(s sig) {
		plainMu.Lock()
		defer plainMu.Unlock()
		if s.hasCand {
			if s.cand == nil {
				return
			}
			var c webrtc.ICECandidateInit
			bs, _ := json.Marshal(s.cand)
			_ = json.Unmarshal(bs, &c)
			if pc.RemoteDescription() == nil {
				pending = append(pending, c)
				return
			}
			if err := pc.AddICECandidate(c); err != nil {
				t.Errorf("plain: candidate: %v", err)
			}
			return
		}
		var d webrtc.SessionDescription
		bs, _ := json.Marshal(s.desc)
		_ = json.Unmarshal(bs, &d)
		if err := pc.SetRemoteDescription(d); err != nil {
			t.Errorf("plain: set remote: %v", err)
			return
		}
		for _, c := range pending {
			_ = pc.AddICECandidate(c)
		}
		pending = nil
		if d.Type == webrtc.SDPTypeOffer {
			ans, err := pc.CreateAnswer(nil)
			if err == nil {
				err = pc.SetLocalDescription(ans)
			}
			if err != nil {
				t.Errorf("plain: answer: %v", err)
				return
			}
			neg.inbox <- sig{desc: toMap(ans)}
		}
	}

	stop := make(chan struct{})
	var sent [][]byte
	var sentMu sync.Mutex
	var plainSender sync.WaitGroup
	plainSender.Add(1)
	go func() { // the plain peer's camera
		defer plainSender.Done()
		tk := time.NewTicker(33 * time.Millisecond)
		defer tk.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-tk.C:
			}
			f := m.video[i%len(m.video)]
			sentMu.Lock()
			sent = append(sent, f)
			sentMu.Unlock()
			_ = vt.WriteSample(pmedia.Sample{Data: f, Duration: 33333 * time.Microsecond})
		}
	}()
	defer func() { close(stop); plainSender.Wait() }()

	p.must("open", map[string]any{"peer": "plain"})
	p.waitEvent("connected", 10*time.Second, opIs("connectionstate", "peer", "plain", "state", "connected"))
	video := p.waitEvent("plain's video track", 10*time.Second, opIs("track", "peer", "plain", "kind", "video"))
	if video["streamId"] != "plain-stream" || video["trackId"] != "pv" {
		t.Errorf("track event %v", video)
	}
	vf := col.wait(t, trackNum(video), 20, 10*time.Second)
	sentMu.Lock()
	checkSubsequence(t, vf, append([][]byte(nil), sent...))
	sentMu.Unlock()

	deadline := time.Now().Add(10 * time.Second)
	for audioPkts.Load() < 50 || videoPkts.Load() < 30 {
		if time.Now().After(deadline) {
			t.Fatalf("plain peer received %d audio and %d video packets", audioPkts.Load(), videoPkts.Load())
		}
		select {
		case <-time.After(50 * time.Millisecond): // polling a counter the pion reader owns
		}
	}

	// PLI from the plain peer → a keyframe event (after the one for connecting).
	p.waitEvent("keyframe on connect", 5*time.Second, opIs("keyframe", "source", "video"))
	before := len(p.eventsOf("keyframe"))
	sentAt := time.Now()
	deadline = time.Now().Add(5 * time.Second)
	for len(p.eventsOf("keyframe")) == before {
		if time.Now().After(deadline) {
			t.Fatal("no keyframe event after the plain peer's PLI")
		}
		if err := pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: remoteVideoSSRC.Load()}}); err != nil {
			t.Fatal(err)
		}
		select {
		case <-p.notifyCh():
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Logf("PLI → keyframe event: %v; plain peer got %d audio, %d video packets; page got %d of its frames",
		time.Since(sentAt), audioPkts.Load(), videoPkts.Load(), len(col.frames(trackNum(video))))
	_ = pc.Close()
	readers.Wait()
}
