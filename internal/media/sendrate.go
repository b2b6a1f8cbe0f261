package media

import (
	"time"

	"github.com/parley-app/parley/internal/media/rate"
)

// rateLoop turns the peers' bandwidth estimates into encoder settings. Encode once means one setting for all
// peers, so the slowest connected peer decides: every rateInterval its GCC target is split between the camera
// and the screen, and each source's rate.Controller says when the page's encoder should change.
func (s *session) rateLoop() {
	t := time.NewTicker(rateInterval)
	defer t.Stop()
	kinds := map[source]rate.Source{srcVideo: rate.Camera, srcScreen: rate.Screen}
	ctl := map[source]*rate.Controller{}
	sending := map[source]bool{}
	for {
		select {
		case <-s.done:
			return
		case now := <-t.C:
			est, ok := s.lowestEstimate()
			if !ok {
				continue
			}
			screen := s.sending[srcScreen].Load()
			camBps, screenBps := rate.Split(est, screen)
			for src, bps := range map[source]int{srcVideo: camBps, srcScreen: screenBps} {
				on := s.sending[src].Load()
				// A source that starts (again) starts its encoder at the page's defaults, which are a new
				// controller's: one kept from before would not say its lower setting again.
				if on && !sending[src] {
					ctl[src] = rate.NewController(kinds[src])
				}
				sending[src] = on
				if !on {
					continue
				}
				if set, change := ctl[src].Update(bps, now); change {
					s.send(event("encoder", map[string]any{
						"source": src.name(), "bitrate": set.Bitrate, "scale": set.Scale, "fps": set.FPS,
					}))
				}
			}
		}
	}
}

// lowestEstimate is the lowest GCC target among the connected peers.
func (s *session) lowestEstimate() (int, bool) {
	s.mu.Lock()
	peers := make([]*peer, 0, len(s.peers))
	for _, p := range s.peers {
		peers = append(peers, p)
	}
	s.mu.Unlock()
	low, ok := 0, false
	for _, p := range peers {
		if !p.connected() {
			continue
		}
		p.mu.Lock()
		hooks := p.hooks
		p.mu.Unlock()
		e := hooks.estimator()
		if e == nil {
			continue
		}
		if b := e.GetTargetBitrate(); !ok || b < low {
			low, ok = b, true
		}
	}
	return low, ok
}
