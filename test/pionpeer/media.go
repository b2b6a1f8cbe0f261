package main

import (
	"bytes"
	"errors"
	"io"
	"log"
	"os"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
	"github.com/pion/webrtc/v4/pkg/media/oggreader"
)

// newAPI is pion with its default codecs and interceptors (NACK, RTCP reports): what a plain pion app uses.
func newAPI(se webrtc.SettingEngine) (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, err
	}
	ir := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, ir); err != nil {
		return nil, err
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(se)), nil
}

// sendVideo writes the IVF's frames at its frame rate, from the start again at its end.
func (p *peer) sendVideo() {
	for {
		f, err := os.Open(p.ivf)
		if err != nil {
			log.Fatal(err)
		}
		r, h, err := ivfreader.NewWith(f)
		if err != nil {
			log.Fatal(err)
		}
		frame := time.Second * time.Duration(h.TimebaseNumerator) / time.Duration(h.TimebaseDenominator)
		tick := time.NewTicker(frame)
		for range tick.C {
			data, _, err := r.ParseNextFrame()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				log.Fatal(err)
			}
			_ = p.video.WriteSample(media.Sample{Data: data, Duration: frame})
		}
		tick.Stop()
		f.Close()
	}
}

// sendAudio writes the Ogg's Opus packets every 20 ms: the file must hold one 20 ms packet per page
// (ffmpeg … -c:a libopus -frame_duration 20 -page_duration 20000 a.ogg).
func (p *peer) sendAudio() {
	if p.ogg == "" {
		return
	}
	for {
		f, err := os.Open(p.ogg)
		if err != nil {
			log.Fatal(err)
		}
		r, _, err := oggreader.NewWith(f)
		if err != nil {
			log.Fatal(err)
		}
		tick := time.NewTicker(20 * time.Millisecond)
		for range tick.C {
			page, _, err := r.ParseNextPage()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				log.Fatal(err)
			}
			if bytes.HasPrefix(page, []byte("OpusTags")) {
				continue
			}
			_ = p.audio.WriteSample(media.Sample{Data: page, Duration: 20 * time.Millisecond})
		}
		tick.Stop()
		f.Close()
	}
}
