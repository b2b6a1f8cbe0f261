package media

import (
	"github.com/pion/webrtc/v4"
)

// stats answers the `stats` op: figures for tests and the app's --stats report.
func (s *session) stats() map[string]any {
	s.mu.Lock()
	peers := make([]*peer, 0, len(s.peers))
	for _, p := range s.peers {
		peers = append(peers, p)
	}
	s.mu.Unlock()
	out := make([]map[string]any, 0, len(peers))
	for _, p := range peers {
		out = append(out, p.stats())
	}
	return map[string]any{"peers": out}
}

func (p *peer) stats() map[string]any {
	p.mu.Lock()
	pc, hooks, state := p.pc, p.hooks, p.state
	tracks := make([]*recvTrack, 0, len(p.tracks))
	for t := range p.tracks {
		tracks = append(tracks, t)
	}
	p.mu.Unlock()
	rtt := 0.0
	for _, st := range pc.GetStats() {
		if cp, ok := st.(webrtc.ICECandidatePairStats); ok && cp.Nominated && cp.CurrentRoundTripTime > 0 {
			rtt = cp.CurrentRoundTripTime * 1000
		}
	}
	target := 0
	if e := hooks.estimator(); e != nil {
		target = e.GetTargetBitrate()
	}
	ts := make([]map[string]any, 0, len(tracks))
	for _, t := range tracks {
		kind := "video"
		if t.audio {
			kind = "audio"
		}
		ts = append(ts, map[string]any{
			"track": t.n, "kind": kind, "packets": t.packets.Load(), "lost": t.lost.Load(),
			"nacks": hooks.nacks.get(t.ssrc), "plis": t.plis.Load(), "frames": t.frames.Load(),
		})
	}
	return map[string]any{"peer": p.id, "state": state.String(), "rttMs": rtt, "targetBps": target, "tracks": ts}
}
