package media

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
)

// session is one connected page: its socket, its local sources and its peer connections. A new page replaces
// it (Bridge.serveMedia); closing it closes everything it made.
type session struct {
	cfg  Config
	log  *slog.Logger
	conn *websocket.Conn
	q    *outQueue
	reqs chan request // to the control goroutine: requests run one at a time, in order
	done chan struct{}
	once sync.Once

	local   *localSources
	sending [nSources]atomic.Bool
	kf      keyframeGate

	nextTrack atomic.Uint32 // the last track number handed out

	mu         sync.Mutex
	closing    bool
	wg         sync.WaitGroup // every goroutine the session started
	peers      map[string]*peer
	iceServers []webrtc.ICEServer
	lastErrEv  time.Time // binary-frame errors are reported at most once a second
}

func newSession(cfg Config, log *slog.Logger, conn *websocket.Conn) *session {
	return &session{
		cfg: cfg, log: log, conn: conn, q: newOutQueue(), reqs: make(chan request, 64), done: make(chan struct{}),
		local: newLocalSources(), peers: map[string]*peer{},
	}
}

// spawn runs f in a goroutine the session waits for; once the session is closing it refuses.
func (s *session) spawn(f func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
	return true
}

// run serves the page until it goes away or the session is closed, then waits for every goroutine.
func (s *session) run() {
	s.spawn(func() {
		if err := writeLoop(s.conn, s.q, s.done); err != nil {
			s.log.Info("media bridge: page write failed", "err", err)
		}
		s.close()
	})
	s.spawn(s.controlLoop)
	s.spawn(s.rateLoop)
	s.readLoop()
	s.close()
	s.wg.Wait()
}

// close ends the session: the socket, every peer connection; goroutines follow. Safe from any goroutine.
func (s *session) close() {
	s.once.Do(func() {
		s.mu.Lock()
		s.closing = true
		peers := s.peers
		s.peers = map[string]*peer{}
		s.mu.Unlock()
		close(s.done)
		s.q.close()
		_ = s.conn.Close()
		for _, p := range peers {
			p.close()
		}
	})
}

func (s *session) readLoop() {
	s.conn.SetReadLimit(maxBinary) // gorilla answers a larger frame with 1009 and fails the read
	for {
		kind, r, err := s.conn.NextReader()
		if err != nil {
			return
		}
		switch kind {
		case websocket.TextMessage:
			b, err := io.ReadAll(io.LimitReader(r, maxText+1))
			if err != nil {
				return
			}
			if len(b) > maxText {
				_ = s.conn.WriteControl(websocket.CloseMessage,
					websocket.FormatCloseMessage(websocket.CloseMessageTooBig, "text frame over 256 KiB"),
					time.Now().Add(time.Second))
				return
			}
			req, err := decodeRequest(b)
			// A malformed request is answered in its turn too: replies come in the order of the requests.
			req.err = err
			select {
			case s.reqs <- req:
			case <-s.done:
				return
			}
		case websocket.BinaryMessage:
			b, err := io.ReadAll(r)
			if err != nil {
				return
			}
			s.onSample(b)
		}
	}
}

// onSample sends one encoded sample from the page on its source's track, which every peer shares.
func (s *session) onSample(b []byte) {
	smp, err := decodeSample(b)
	if err != nil {
		s.reportError(err)
		return
	}
	if !s.sending[smp.src].Load() {
		return // in flight when the page stopped the source
	}
	d := time.Duration(smp.duration) * time.Microsecond
	if err := s.local.track(smp.src).WriteSample(media.Sample{Data: smp.data, Duration: d}); err != nil {
		s.log.Debug("media bridge: sample not sent", "source", smp.src.name(), "err", err)
	}
}

// reportError tells the page about a bad binary frame (which has no id to reply to), at most once a second.
func (s *session) reportError(err error) {
	s.mu.Lock()
	now := time.Now()
	quiet := now.Sub(s.lastErrEv) < time.Second
	if !quiet {
		s.lastErrEv = now
	}
	s.mu.Unlock()
	if !quiet {
		s.send(event("error", map[string]any{"error": err.Error()}))
	}
}

// send queues a control message for the page. A page that stopped reading is closed.
func (s *session) send(m map[string]any) {
	b, err := json.Marshal(m)
	if err != nil {
		s.log.Error("media bridge: cannot encode a message", "op", m["op"], "err", err)
		return
	}
	if err := s.q.pushText(b); errors.Is(err, errQueueFull) {
		s.log.Warn("media bridge: closing a page that does not read")
		go s.close()
	}
}

func (s *session) controlLoop() {
	for {
		select {
		case <-s.done:
			return
		case req := <-s.reqs:
			if req.err != nil {
				s.send(replyErr(req.ID, req.err))
				continue
			}
			if req.Op == "open" {
				s.open(req.ID, req.Peer)
				continue
			}
			// A peer's events wait for the reply to a request about it, as a browser fires icecandidate only
			// after setLocalDescription resolves: else a candidate could reach the other side before our offer.
			var held *peer
			if req.Peer != "" {
				if p, err := s.peer(req.Peer); err == nil {
					held = p
					p.hold()
				}
			}
			res, err := s.handle(req)
			if err != nil {
				s.send(replyErr(req.ID, err))
			} else {
				s.send(replyOK(req.ID, res))
			}
			if held != nil {
				held.setReady()
			}
		}
	}
}

func (s *session) peer(id string) (*peer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.peers[id]
	if !ok {
		return nil, errUnknownPeer
	}
	return p, nil
}

// remoteTrack finds a live remote track by its number, or nil.
func (s *session) remoteTrack(n uint16) *recvTrack {
	s.mu.Lock()
	peers := make([]*peer, 0, len(s.peers))
	for _, p := range s.peers {
		peers = append(peers, p)
	}
	s.mu.Unlock()
	for _, p := range peers {
		p.mu.Lock()
		for rt := range p.tracks {
			if rt.n == n {
				p.mu.Unlock()
				return rt
			}
		}
		p.mu.Unlock()
	}
	return nil
}

// handle runs one request (on the control goroutine, so requests never overlap).
func (s *session) handle(req request) (map[string]any, error) {
	switch req.Op {
	case "hello":
		s.mu.Lock()
		s.iceServers = req.ICEServers
		s.mu.Unlock()
		return nil, nil
	case "sources":
		return s.setSources(req.Sources), nil
	case "close":
		s.mu.Lock()
		p, ok := s.peers[req.Peer]
		delete(s.peers, req.Peer)
		s.mu.Unlock()
		if !ok {
			return nil, errUnknownPeer
		}
		p.close()
		return nil, nil
	case "stats":
		return s.stats(), nil
	case "keyframe":
		if rt := s.remoteTrack(req.Track); rt != nil && !rt.audio {
			rt.keyframe.Store(true)
			return nil, nil
		}
		return nil, errUnknownTrack
	}
	p, err := s.peer(req.Peer)
	if err != nil {
		return nil, err
	}
	switch req.Op {
	case "setLocal":
		desc, state, err := p.setLocal(req.Type == "rollback")
		if err != nil {
			return nil, err
		}
		var d any // null after a rollback
		if desc != nil {
			d = desc
		}
		return map[string]any{"description": d, "signalingState": state.String()}, nil
	case "setRemote":
		state, err := p.setRemote(*req.Description)
		if err != nil {
			return nil, err
		}
		return map[string]any{"signalingState": state.String()}, nil
	case "candidate":
		return nil, p.addCandidate(req.Candidate)
	case "restartIce":
		p.restartICE()
		return nil, nil
	}
	return nil, errUnknownOp
}

// open creates the connection to peerID and replies; the peer's events wait until the reply is queued, so the
// page knows the connection before it hears from it.
func (s *session) open(reqID int64, peerID string) {
	s.mu.Lock()
	_, exists := s.peers[peerID]
	servers := s.iceServers
	s.mu.Unlock()
	if exists {
		s.send(replyOK(reqID, nil))
		return
	}
	p := newPeer(s, peerID)
	if err := p.start(servers); err != nil {
		s.send(replyErr(reqID, err))
		return
	}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		p.close()
		return
	}
	s.peers[peerID] = p
	s.mu.Unlock()
	s.send(replyOK(reqID, nil))
	p.setReady()
}

// setSources adds or removes each changed source's track on every connection.
func (s *session) setSources(want [nSources]bool) map[string]any {
	s.mu.Lock()
	peers := make([]*peer, 0, len(s.peers))
	for _, p := range s.peers {
		peers = append(peers, p)
	}
	s.mu.Unlock()
	var errs []error
	for src := source(0); src < nSources; src++ {
		if s.sending[src].Load() == want[src] {
			continue
		}
		s.sending[src].Store(want[src])
		for _, p := range peers {
			if err := p.setSending(src, want[src]); err != nil {
				errs = append(errs, err)
			}
		}
		if want[src] && src != srcAudio {
			s.requestKeyframe(src)
		}
	}
	streams := map[string]string{}
	for src := source(0); src < nSources; src++ {
		if want[src] {
			streams[s.local.track(src).StreamID()] = s.local.kindOf(src)
		}
	}
	// What we send changed for every peer it could: the page needs the stream map that goes with it either way,
	// so a peer that refused (a closing connection) is logged, not an error for the whole request.
	if err := errors.Join(errs...); err != nil {
		s.log.Warn("media bridge: a source change did not apply to every peer", "err", err)
	}
	return map[string]any{"streams": streams}
}

// requestKeyframe asks the page for a keyframe of src, once per keyframeCoalesce: one keyframe serves every
// peer.
func (s *session) requestKeyframe(src source) {
	if src == srcAudio || !s.sending[src].Load() || !s.kf.allow(src, time.Now()) {
		return
	}
	s.send(event("keyframe", map[string]any{"source": src.name()}))
}

// keyframeGate coalesces keyframe requests per source.
type keyframeGate struct {
	mu   sync.Mutex
	last [nSources]time.Time
}

func (g *keyframeGate) allow(src source, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if now.Sub(g.last[src]) < keyframeCoalesce {
		return false
	}
	g.last[src] = now
	return true
}
