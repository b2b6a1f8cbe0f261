package media

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// Errors of the negotiation ops.
var (
	errNoRollback      = errors.New("rollback: nothing to roll back in state stable")
	errRollbackLate    = errors.New("rollback: pion cannot roll back a renegotiation of an established connection")
	errBadSignalingNow = errors.New("setLocal: no description to make in this signaling state")
)

// peer is one remote participant's PeerConnection. The page negotiates (perfect negotiation); the peer executes
// the operations, which the session's control goroutine runs one at a time.
//
// pion has no rollback. Before the first exchange completes (glare between two fresh connections, the case
// perfect negotiation meets in practice) a rollback replaces the PeerConnection with a fresh one carrying the
// same sources; the generation number silences the old one's callbacks.
type peer struct {
	s   *session
	id  string
	log *slog.Logger

	mu          sync.Mutex
	pc          *webrtc.PeerConnection
	hooks       *pcHooks
	gen         int
	closed      bool
	ready       bool        // no reply about this peer is due: events may flow (see hold)
	pending     []heldEvent // events held meanwhile
	senders     [nSources]*webrtc.RTPSender
	restart     bool // the next offer restarts ICE
	renegotiate bool // fire negotiationneeded when back in stable (restartIce outside stable)
	state       webrtc.PeerConnectionState
	tracks      map[*recvTrack]struct{}
}

func newPeer(s *session, id string) *peer {
	return &peer{s: s, id: id, log: s.log.With("peer", id), tracks: map[*recvTrack]struct{}{},
		state: webrtc.PeerConnectionStateNew}
}

// start creates the PeerConnection with the session's current sources.
func (p *peer) start(servers []webrtc.ICEServer) error {
	pc, hooks, err := p.newPC(servers)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.pc, p.hooks = pc, hooks
	p.mu.Unlock()
	return nil
}

// newPC builds a PeerConnection that receives audio and video always and sends the sources being sent now.
func (p *peer) newPC(servers []webrtc.ICEServer) (*webrtc.PeerConnection, *pcHooks, error) {
	api, hooks, err := newAPI(p.s.cfg)
	if err != nil {
		return nil, nil, err
	}
	pc, err := api.NewPeerConnection(webrtc.Configuration{ICEServers: servers})
	if err != nil {
		return nil, nil, fmt.Errorf("new peer connection: %w", err)
	}
	p.mu.Lock()
	p.gen++
	gen := p.gen
	p.senders = [nSources]*webrtc.RTPSender{}
	p.mu.Unlock()
	p.wire(pc, gen)
	fail := func(err error) (*webrtc.PeerConnection, *pcHooks, error) {
		_ = pc.Close()
		return nil, nil, err
	}
	// Audio, then video, then the screen: the m-line order the browser engine makes.
	for _, k := range []struct {
		src  source
		kind webrtc.RTPCodecType
	}{{srcAudio, webrtc.RTPCodecTypeAudio}, {srcVideo, webrtc.RTPCodecTypeVideo}} {
		if p.s.sending[k.src].Load() {
			if err := p.addSender(pc, gen, k.src); err != nil {
				return fail(err)
			}
			continue
		}
		if _, err := pc.AddTransceiverFromKind(k.kind,
			webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			return fail(err)
		}
	}
	if p.s.sending[srcScreen].Load() {
		if err := p.addSender(pc, gen, srcScreen); err != nil {
			return fail(err)
		}
	}
	return pc, hooks, nil
}

// wire forwards pc's callbacks, tagged with its generation.
func (p *peer) wire(pc *webrtc.PeerConnection, gen int) {
	pc.OnNegotiationNeeded(func() {
		p.emit(gen, event("negotiationneeded", map[string]any{"peer": p.id}))
	})
	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		var init any // null: gathering is complete
		if c != nil {
			init = c.ToJSON()
		}
		p.emit(gen, event("icecandidate", map[string]any{"peer": p.id, "candidate": init}))
	})
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		p.mu.Lock()
		if gen == p.gen {
			p.state = st
		}
		p.mu.Unlock()
		p.emit(gen, event("connectionstate", map[string]any{"peer": p.id, "state": st.String()}))
		if st == webrtc.PeerConnectionStateConnected {
			// A newly connected peer needs a keyframe to start decoding.
			p.s.requestKeyframe(srcVideo)
			p.s.requestKeyframe(srcScreen)
		}
	})
	pc.OnSignalingStateChange(func(st webrtc.SignalingState) {
		if st != webrtc.SignalingStateStable {
			return
		}
		p.mu.Lock()
		fire := p.renegotiate && gen == p.gen
		p.renegotiate = false
		p.mu.Unlock()
		if fire {
			p.emit(gen, event("negotiationneeded", map[string]any{"peer": p.id}))
		}
	})
	pc.OnTrack(func(t *webrtc.TrackRemote, r *webrtc.RTPReceiver) {
		p.s.receive(p, pc, gen, t)
	})
}

// emit sends one of the peer's events, unless it comes from a replaced or closed PeerConnection; before the
// `open` reply it waits.
func (p *peer) emit(gen int, ev map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if gen != p.gen || p.closed {
		return
	}
	if !p.ready {
		p.pending = append(p.pending, heldEvent{gen, ev})
		return
	}
	p.s.send(ev)
}

// heldEvent is an event waiting for a reply, with the generation of the connection it came from.
type heldEvent struct {
	gen int
	ev  map[string]any
}

// hold makes the peer's events wait (in order) until setReady.
func (p *peer) hold() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ready = false
}

func (p *peer) setReady() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ready = true
	for _, h := range p.pending {
		// The connection may have been replaced (rollback) or closed while its events waited.
		if h.gen == p.gen && !p.closed {
			p.s.send(h.ev)
		}
	}
	p.pending = nil
}

func (p *peer) current() (*webrtc.PeerConnection, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pc, p.gen
}

// addSender puts src's track on pc (reusing a receive-only transceiver of its kind, as addTrack does) and reads
// the RTCP the remote sends about it.
func (p *peer) addSender(pc *webrtc.PeerConnection, gen int, src source) error {
	sender, err := pc.AddTrack(p.s.local.track(src))
	if err != nil {
		return fmt.Errorf("add %s track: %w", src.name(), err)
	}
	p.mu.Lock()
	if gen == p.gen {
		p.senders[src] = sender
	}
	p.mu.Unlock()
	p.s.spawn(func() { p.readRTCP(sender, src) })
	return nil
}

// readRTCP turns the remote's PLI and FIR for src into keyframe requests to the page. It ends when the sender
// stops (removeTrack, close).
func (p *peer) readRTCP(sender *webrtc.RTPSender, src source) {
	for {
		pkts, _, err := sender.ReadRTCP()
		if err != nil {
			return
		}
		for _, pkt := range pkts {
			switch pkt.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				p.s.requestKeyframe(src)
			}
		}
	}
}

// setSending adds or removes src's track (renegotiation follows through negotiationneeded).
func (p *peer) setSending(src source, on bool) error {
	pc, gen := p.current()
	p.mu.Lock()
	sender := p.senders[src]
	p.mu.Unlock()
	if on {
		if sender != nil {
			return nil
		}
		return p.addSender(pc, gen, src)
	}
	if sender == nil {
		return nil
	}
	p.mu.Lock()
	p.senders[src] = nil
	p.mu.Unlock()
	if err := pc.RemoveTrack(sender); err != nil {
		return fmt.Errorf("remove %s track: %w", src.name(), err)
	}
	return nil
}

// setLocal is setLocalDescription() without an argument: an offer in stable (restarting ICE when asked), the
// pending offer again in have-local-offer, an answer in have-remote-offer; or a rollback.
func (p *peer) setLocal(rollback bool) (*webrtc.SessionDescription, webrtc.SignalingState, error) {
	if rollback {
		if err := p.rollback(); err != nil {
			return nil, 0, err
		}
		pc, _ := p.current()
		return nil, pc.SignalingState(), nil
	}
	pc, _ := p.current()
	switch pc.SignalingState() {
	case webrtc.SignalingStateStable:
		p.mu.Lock()
		restart := p.restart
		p.restart = false
		p.mu.Unlock()
		offer, err := pc.CreateOffer(&webrtc.OfferOptions{ICERestart: restart})
		if err == nil {
			err = pc.SetLocalDescription(offer)
		}
		if err != nil {
			p.mu.Lock()
			p.restart = p.restart || restart
			p.mu.Unlock()
			return nil, 0, fmt.Errorf("offer: %w", err)
		}
	case webrtc.SignalingStateHaveLocalOffer:
		// pion cannot replace a pending offer; it is still the one to send.
	case webrtc.SignalingStateHaveRemoteOffer:
		answer, err := pc.CreateAnswer(nil)
		if err == nil {
			err = pc.SetLocalDescription(answer)
		}
		if err != nil {
			return nil, 0, fmt.Errorf("answer: %w", err)
		}
	default:
		return nil, 0, errBadSignalingNow
	}
	return pc.LocalDescription(), pc.SignalingState(), nil
}

// setRemote applies the remote description; an offer arriving on our own offer (glare, we are polite) rolls
// ours back first.
func (p *peer) setRemote(d webrtc.SessionDescription) (webrtc.SignalingState, error) {
	pc, _ := p.current()
	if d.Type == webrtc.SDPTypeOffer && pc.SignalingState() == webrtc.SignalingStateHaveLocalOffer {
		if err := p.rollback(); err != nil {
			return 0, err
		}
		pc, _ = p.current()
	}
	if err := pc.SetRemoteDescription(d); err != nil {
		return 0, fmt.Errorf("set remote %s: %w", d.Type, err)
	}
	return pc.SignalingState(), nil
}

// rollback returns to stable. pion has no rollback, so only a connection that has never completed an exchange
// can: it is replaced by a fresh one (its candidates were never used, its tracks never bound).
func (p *peer) rollback() error {
	pc, _ := p.current()
	if pc.SignalingState() == webrtc.SignalingStateStable {
		return errNoRollback
	}
	if pc.CurrentRemoteDescription() != nil || pc.CurrentLocalDescription() != nil {
		return errRollbackLate
	}
	p.s.mu.Lock()
	servers := p.s.iceServers
	p.s.mu.Unlock()
	fresh, hooks, err := p.newPC(servers) // bumps the generation: the old pc falls silent
	if err != nil {
		return fmt.Errorf("rollback: %w", err)
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		_ = fresh.Close()
		return ErrClosed
	}
	p.pc, p.hooks = fresh, hooks
	p.mu.Unlock()
	p.log.Debug("media bridge: rolled back by replacing the connection")
	_ = pc.Close()
	return nil
}

// addCandidate adds a remote candidate; nil is the end of candidates.
func (p *peer) addCandidate(c *webrtc.ICECandidateInit) error {
	pc, _ := p.current()
	init := webrtc.ICECandidateInit{}
	if c != nil {
		init = *c
	}
	if err := pc.AddICECandidate(init); err != nil {
		return fmt.Errorf("candidate: %w", err)
	}
	return nil
}

// restartICE makes the next offer restart ICE and says so with negotiationneeded (now, or once stable).
func (p *peer) restartICE() {
	pc, gen := p.current()
	p.mu.Lock()
	p.restart = true
	stable := pc.SignalingState() == webrtc.SignalingStateStable
	if !stable {
		p.renegotiate = true
	}
	p.mu.Unlock()
	if stable {
		p.emit(gen, event("negotiationneeded", map[string]any{"peer": p.id}))
	}
}

// close closes the connection; its tracks end (trackended) as their readers stop.
func (p *peer) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	pc := p.pc
	p.mu.Unlock()
	if pc != nil {
		if err := pc.Close(); err != nil {
			p.log.Debug("media bridge: close", "err", err)
		}
	}
}

func (p *peer) connected() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state == webrtc.PeerConnectionStateConnected
}
