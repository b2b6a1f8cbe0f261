package media

import (
	"fmt"
	"sync"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/cc"
	"github.com/pion/interceptor/pkg/gcc"
	"github.com/pion/interceptor/pkg/nack"
	"github.com/pion/interceptor/pkg/twcc"
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// Payload types as Chromium numbers them, so SDP from either side reads the same.
const (
	ptOpus   = 111
	ptVP8    = 96
	ptVP8RTX = 97
)

var (
	capOpus = webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1",
		RTCPFeedback: []webrtc.RTCPFeedback{{Type: webrtc.TypeRTCPFBTransportCC}},
	}
	capVP8 = webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeVP8, ClockRate: 90000,
		RTCPFeedback: []webrtc.RTCPFeedback{
			{Type: webrtc.TypeRTCPFBNACK}, {Type: webrtc.TypeRTCPFBNACK, Parameter: "pli"},
			{Type: webrtc.TypeRTCPFBCCM, Parameter: "fir"}, {Type: webrtc.TypeRTCPFBTransportCC},
		},
	}
)

// pcHooks are the per-connection objects the interceptors hand back: the bandwidth estimate and the counter
// of NACKs we sent.
type pcHooks struct {
	mu    sync.Mutex
	bwe   cc.BandwidthEstimator
	nacks *nackCounter
}

func (h *pcHooks) estimator() cc.BandwidthEstimator {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.bwe
}

// newAPI builds the pion API for one PeerConnection. A fresh one per connection ties the interceptors'
// per-connection callbacks (the GCC estimator) to that connection without a lookup by id.
func newAPI(cfg Config) (*webrtc.API, *pcHooks, error) {
	m := &webrtc.MediaEngine{}
	// Only what the page can encode and decode: VP8 (with RTX for retransmissions) and Opus.
	for _, c := range []struct {
		p webrtc.RTPCodecParameters
		k webrtc.RTPCodecType
	}{
		{webrtc.RTPCodecParameters{RTPCodecCapability: capVP8, PayloadType: ptVP8}, webrtc.RTPCodecTypeVideo},
		{webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{
			MimeType: webrtc.MimeTypeRTX, ClockRate: 90000, SDPFmtpLine: fmt.Sprintf("apt=%d", ptVP8),
		}, PayloadType: ptVP8RTX}, webrtc.RTPCodecTypeVideo},
		{webrtc.RTPCodecParameters{RTPCodecCapability: capOpus, PayloadType: ptOpus}, webrtc.RTPCodecTypeAudio},
	} {
		if err := m.RegisterCodec(c.p, c.k); err != nil {
			return nil, nil, err
		}
	}
	// TWCC sequence numbers on what we send (the remote's feedback feeds GCC) and on what we receive (the
	// sender interceptor below answers with feedback); the MID extension lets pion place a stream whose SSRC an
	// offer did not declare.
	for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeVideo} {
		for _, uri := range []string{sdp.TransportCCURI, sdp.SDESMidURI} {
			if err := m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: uri}, k); err != nil {
				return nil, nil, err
			}
		}
	}

	hooks := &pcHooks{nacks: newNackCounter()}
	reg := &interceptor.Registry{}
	// Order matters: the first added sits nearest the network. The NACK counter must see the generator's RTCP;
	// GCC must see every packet after the TWCC extension is stamped on it, retransmissions included.
	reg.Add(nackCounterFactory{hooks.nacks})
	ccf, err := cc.NewInterceptor(func() (cc.BandwidthEstimator, error) {
		return newEstimator()
	})
	if err != nil {
		return nil, nil, err
	}
	ccf.OnNewPeerConnection(func(_ string, e cc.BandwidthEstimator) {
		hooks.mu.Lock()
		hooks.bwe = e
		hooks.mu.Unlock()
	})
	reg.Add(ccf)
	twccExt, err := twcc.NewHeaderExtensionInterceptor()
	if err != nil {
		return nil, nil, err
	}
	reg.Add(twccExt)
	// NACK: the generator asks for what we miss, the responder resends what we sent (as RTX when negotiated).
	resp, err := nack.NewResponderInterceptor()
	if err != nil {
		return nil, nil, err
	}
	gen, err := nack.NewGeneratorInterceptor()
	if err != nil {
		return nil, nil, err
	}
	reg.Add(resp)
	reg.Add(gen)
	// RTCP sender and receiver reports: sender reports map RTP time to wall time, which receivers need to
	// lip-sync audio and video (they travel on different stream ids, DESIGN 3.4).
	if err := webrtc.ConfigureRTCPReports(reg); err != nil {
		return nil, nil, err
	}
	// TWCC feedback for what we receive: the remote's GCC needs it.
	twccSend, err := twcc.NewSenderInterceptor()
	if err != nil {
		return nil, nil, err
	}
	reg.Add(twccSend)

	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(cfg.IncludeLoopback)
	if cfg.loopbackOnly {
		se.SetIncludeLoopbackCandidate(true)
		se.SetInterfaceFilter(func(name string) bool { return name == "lo" })
		se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
		se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg),
		webrtc.WithSettingEngine(se)), hooks, nil
}

// newEstimator is GCC (delay and loss based, over TWCC feedback) with a pacer that sends at once: the page's
// encoder already follows the estimate, so pacing would only add latency.
func newEstimator() (cc.BandwidthEstimator, error) {
	p := &passPacer{writers: map[uint32]interceptor.RTPWriter{}, alias: map[uint32]uint32{}}
	e, err := gcc.NewSendSideBWE(gcc.SendSideBWEPacer(p), gcc.SendSideBWEInitialBitrate(initialBitrate),
		gcc.SendSideBWEMinBitrate(minBitrate), gcc.SendSideBWEMaxBitrate(maxBitrate))
	if err != nil {
		return nil, err
	}
	return &estimator{SendSideBWE: e, pacer: p}, nil
}

// estimator is GCC that also knows each stream's RTX SSRC. pion's GCC registers a stream's main SSRC only,
// so a retransmission (RTX SSRC) written through it would fail as an unknown stream.
type estimator struct {
	*gcc.SendSideBWE
	pacer *passPacer
}

func (e *estimator) AddStream(info *interceptor.StreamInfo, w interceptor.RTPWriter) interceptor.RTPWriter {
	out := e.SendSideBWE.AddStream(info, w)
	if info.SSRCRetransmission != 0 {
		e.pacer.mu.Lock()
		e.pacer.alias[info.SSRCRetransmission] = info.SSRC
		e.pacer.mu.Unlock()
	}
	return out
}

// passPacer is gcc.NoOpPacer plus RTX: it writes every packet at once through its stream's writer.
type passPacer struct {
	mu      sync.Mutex
	writers map[uint32]interceptor.RTPWriter
	alias   map[uint32]uint32 // RTX SSRC → main SSRC
}

func (p *passPacer) AddStream(ssrc uint32, w interceptor.RTPWriter) {
	p.mu.Lock()
	p.writers[ssrc] = w
	p.mu.Unlock()
}

func (p *passPacer) Write(h *rtp.Header, payload []byte, a interceptor.Attributes) (int, error) {
	p.mu.Lock()
	w, ok := p.writers[h.SSRC]
	if !ok {
		w, ok = p.writers[p.alias[h.SSRC]]
	}
	p.mu.Unlock()
	if !ok {
		return 0, fmt.Errorf("%w: %d", gcc.ErrUnknownStream, h.SSRC)
	}
	return w.Write(h, payload, a)
}

func (p *passPacer) SetTargetBitrate(int) {}
func (p *passPacer) Close() error         { return nil }
