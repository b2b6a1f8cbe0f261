package media

import (
	"crypto/rand"
	"encoding/base64"

	"github.com/pion/webrtc/v4"
)

// localSources are the tracks this page sends, one per source, each bound to every peer connection: the page
// encodes once and every peer gets the same samples.
type localSources struct {
	tracks [nSources]*webrtc.TrackLocalStaticSample
}

// newLocalSources makes the session's tracks. Audio and camera video go on different stream ids: under one,
// Chromium lip-syncs the video to a bursty audio jitter buffer (DESIGN 3.4); both are announced as "camera" in
// the `sources` reply's stream map. Stream ids are random per session.
func newLocalSources() *localSources {
	mk := func(c webrtc.RTPCodecCapability, id string) *webrtc.TrackLocalStaticSample {
		t, err := webrtc.NewTrackLocalStaticSample(c, id, randomID())
		if err != nil {
			panic(err) // only fails for an empty codec, which these are not
		}
		return t
	}
	return &localSources{tracks: [nSources]*webrtc.TrackLocalStaticSample{
		srcAudio:  mk(capOpus, "audio-"+randomID()),
		srcVideo:  mk(capVP8, "video-"+randomID()),
		srcScreen: mk(capVP8, "screen-"+randomID()),
	}}
}

func (l *localSources) track(src source) *webrtc.TrackLocalStaticSample { return l.tracks[src] }

// kindOf is the source's entry in the stream map.
func (l *localSources) kindOf(src source) string {
	if src == srcScreen {
		return "screen"
	}
	return "camera"
}

func randomID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}
