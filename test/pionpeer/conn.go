package main

import (
	"encoding/json"
	"log"
	"sync"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media/samplebuilder"
)

// conn is the connection to one other participant, negotiated with the simple form of perfect negotiation the
// room's engines use: the peer whose id sorts first is polite and rolls its own offer back on glare.
type conn struct {
	p      *peer
	id     string
	pc     *webrtc.PeerConnection
	polite bool

	mu         sync.Mutex // guards negotiation state and counters
	pending    []webrtc.ICECandidateInit
	haveRemote bool
	st         stats
}

type stats struct {
	Peer         string `json:"peer"`
	State        string `json:"state"`
	VideoFrames  int    `json:"videoFrames"`
	Keyframes    int    `json:"keyframes"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	AudioPackets int    `json:"audioPackets"`
	// With --pli-every: PLIs sent after the first key frame, and for each answered one the ms until the next
	// key frame arrived.
	PLIs       int   `json:"plis"`
	PLIToKeyMs []int `json:"pliToKeyMs"`
}

func (c *conn) stats() stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.st
	s.Peer, s.State = c.id, c.pc.ConnectionState().String()
	s.PLIToKeyMs = append([]int{}, c.st.PLIToKeyMs...)
	return s
}

// connTo returns the connection to id, creating it with our tracks.
func (p *peer) connTo(id string) *conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c := p.conns[id]; c != nil {
		return c
	}
	c := &conn{p: p, id: id, polite: p.self < id}
	c.pc = c.newPC()
	p.conns[id] = c
	return c
}

// newPC makes a PeerConnection with our tracks, wired to this conn.
func (c *conn) newPC() *webrtc.PeerConnection {
	p := c.p
	pc, err := p.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range []webrtc.TrackLocal{p.video, p.audio} {
		if t == p.audio && p.ogg == "" {
			_, err = pc.AddTransceiverFromKind(webrtc.RTPCodecTypeAudio, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly})
		} else {
			var s *webrtc.RTPSender
			if s, err = pc.AddTrack(t); err == nil {
				go drainRTCP(s)
			}
		}
		if err != nil {
			log.Fatal(err)
		}
	}
	pc.OnICECandidate(func(cand *webrtc.ICECandidate) {
		c.mu.Lock()
		replaced := c.pc != pc
		c.mu.Unlock()
		if replaced {
			return // glare: this connection was replaced before it was used
		}
		if cand == nil {
			p.send(c.id, "candidate", nil)
			return
		}
		p.send(c.id, "candidate", cand.ToJSON())
	})
	pc.OnTrack(func(t *webrtc.TrackRemote, _ *webrtc.RTPReceiver) { go c.receive(pc, t) })
	return pc
}

func drainRTCP(s *webrtc.RTPSender) {
	buf := make([]byte, 1500)
	for {
		if _, _, err := s.Read(buf); err != nil {
			return
		}
	}
}

func (p *peer) offer(id string, restart bool) {
	c := p.connTo(id)
	c.mu.Lock()
	defer c.mu.Unlock()
	o, err := c.pc.CreateOffer(&webrtc.OfferOptions{ICERestart: restart})
	if err == nil {
		err = c.pc.SetLocalDescription(o)
	}
	if err != nil {
		log.Printf("pionpeer: offer to %s: %v", id, err)
		return
	}
	p.send(id, "offer", description(c.pc.LocalDescription()))
}

func description(d *webrtc.SessionDescription) map[string]any {
	return map[string]any{"type": d.Type.String(), "sdp": d.SDP, "streams": map[string]string{"pionpeer-camera": "camera"}}
}

func (p *peer) signal(from, kind string, data any) {
	switch kind {
	case "bye":
		p.drop(from)
		return
	case "renegotiate":
		p.offer(from, true)
		return
	}
	c := p.connTo(from)
	c.mu.Lock()
	defer c.mu.Unlock()
	raw, _ := json.Marshal(data)
	switch kind {
	case "offer", "answer":
		var d webrtc.SessionDescription
		if err := json.Unmarshal(raw, &d); err != nil {
			log.Printf("pionpeer: bad %s from %s: %v", kind, from, err)
			return
		}
		if d.Type == webrtc.SDPTypeOffer && c.pc.SignalingState() == webrtc.SignalingStateHaveLocalOffer {
			if !c.polite {
				return // glare: the impolite side ignores the other offer
			}
			// pion cannot roll an offer back; a connection that never completed an exchange is simply replaced.
			old := c.pc
			c.pc = c.newPC()
			_ = old.Close()
		}
		if d.Type == webrtc.SDPTypeAnswer && c.pc.SignalingState() != webrtc.SignalingStateHaveLocalOffer {
			return // a stale answer
		}
		if err := c.pc.SetRemoteDescription(d); err != nil {
			log.Printf("pionpeer: remote %s from %s: %v", kind, from, err)
			return
		}
		c.haveRemote = true
		for _, cand := range c.pending {
			_ = c.pc.AddICECandidate(cand)
		}
		c.pending = nil
		if d.Type == webrtc.SDPTypeOffer {
			a, err := c.pc.CreateAnswer(nil)
			if err == nil {
				err = c.pc.SetLocalDescription(a)
			}
			if err != nil {
				log.Printf("pionpeer: answer to %s: %v", from, err)
				return
			}
			p.send(from, "answer", description(c.pc.LocalDescription()))
		}
	case "candidate":
		if data == nil {
			return
		}
		var cand webrtc.ICECandidateInit
		if json.Unmarshal(raw, &cand) != nil {
			return
		}
		if !c.haveRemote {
			c.pending = append(c.pending, cand)
			return
		}
		if err := c.pc.AddICECandidate(cand); err != nil {
			log.Printf("pionpeer: candidate from %s: %v", from, err)
		}
	}
}

// receive counts what arrives: whole VP8 frames (pion's sample builder, independent of Parley's own jitter
// buffer), the picture size from key frames, and Opus packets. Until the first key frame it asks for one; with
// --pli-every it then asks again at that interval and times the answers.
func (c *conn) receive(pc *webrtc.PeerConnection, t *webrtc.TrackRemote) {
	if t.Kind() == webrtc.RTPCodecTypeAudio {
		for {
			pkt, _, err := t.ReadRTP()
			if err != nil {
				return
			}
			if len(pkt.Payload) > 0 {
				c.mu.Lock()
				c.st.AudioPackets++
				c.mu.Unlock()
			}
		}
	}
	sb := samplebuilder.New(128, &codecs.VP8Packet{}, 90000)
	var lastPLI, pliAt time.Time // pliAt: a PLI sent after the first key frame, not yet answered
	for {
		pkt, _, err := t.ReadRTP()
		if err != nil {
			return
		}
		sb.Push(pkt)
		c.mu.Lock()
		for s := sb.Pop(); s != nil; s = sb.Pop() {
			c.st.VideoFrames++
			if len(s.Data) >= 10 && s.Data[0]&1 == 0 {
				c.st.Keyframes++
				c.st.Width = int(s.Data[6]) | int(s.Data[7]&0x3f)<<8
				c.st.Height = int(s.Data[8]) | int(s.Data[9]&0x3f)<<8
				if !pliAt.IsZero() {
					c.st.PLIToKeyMs = append(c.st.PLIToKeyMs, int(time.Since(pliAt).Milliseconds()))
					pliAt = time.Time{}
				}
			}
		}
		haveKey := c.st.Keyframes > 0
		pli := (!haveKey && time.Since(lastPLI) > 500*time.Millisecond) ||
			(haveKey && c.p.pliEvery > 0 && pliAt.IsZero() && time.Since(lastPLI) > c.p.pliEvery)
		if pli {
			lastPLI = time.Now()
			if haveKey {
				pliAt = lastPLI
				c.st.PLIs++
			}
		}
		c.mu.Unlock()
		if pli {
			_ = pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: uint32(t.SSRC())}})
		}
	}
}
