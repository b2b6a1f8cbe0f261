package jitter

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
)

// ivfFrame is one frame of the encoded test stream, with libvpx's own word (through ffprobe) on whether it is
// a key frame — an independent check of IsKeyframe.
type ivfFrame struct {
	data []byte
	key  bool
}

var (
	streamOnce   sync.Once
	streamFrames []ivfFrame
	streamErr    error
)

// testFrames encodes three seconds of 640×480@30 VP8 (a keyframe every 30 frames) once per test binary.
func testFrames(tb testing.TB) []ivfFrame {
	tb.Helper()
	streamOnce.Do(func() { streamFrames, streamErr = encodeStream() })
	if streamErr != nil {
		tb.Fatalf("making the VP8 test stream: %v", streamErr)
	}
	return streamFrames
}

func encodeStream() ([]ivfFrame, error) {
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("%s is not installed (make test installs it; on Debian: apt-get install ffmpeg): %w", tool, err)
		}
	}
	dir, err := os.MkdirTemp("", "jitter-vp8-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "out.ivf")
	enc := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi",
		"-i", "testsrc=size=640x480:rate=30", "-t", "3", "-g", "30", "-c:v", "libvpx", "-b:v", "1M", "-f", "ivf", out)
	if msg, err := enc.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("ffmpeg: %w: %s", err, msg)
	}
	probe := exec.Command("ffprobe", "-v", "error", "-select_streams", "v", "-show_entries", "packet=flags",
		"-of", "csv=p=0", out)
	flags, err := probe.Output()
	if err != nil {
		return nil, fmt.Errorf("ffprobe: %w", err)
	}
	file, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	r, _, err := ivfreader.NewWith(bytes.NewReader(file))
	if err != nil {
		return nil, err
	}
	var frames []ivfFrame
	for {
		data, _, err := r.ParseNextFrame()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		frames = append(frames, ivfFrame{data: data})
	}
	lines := strings.Fields(string(flags))
	if len(lines) != len(frames) {
		return nil, fmt.Errorf("ffprobe lists %d packets, the IVF has %d frames", len(lines), len(frames))
	}
	for i, l := range lines {
		frames[i].key = strings.HasPrefix(l, "K")
	}
	return frames, nil
}

// sentFrame is a frame as sent, with the packets that carry it.
type sentFrame struct {
	Frame
	packets []*rtp.Packet
}

// packetize sends the test stream the way pion would: MTU 1200, so keyframes span many packets.
func packetize(tb testing.TB, seq uint16, ts uint32) []sentFrame {
	tb.Helper()
	p := rtp.NewPacketizerWithOptions(1200, &codecs.VP8Payloader{EnablePictureID: true},
		rtp.NewFixedSequencer(seq), 90000, rtp.WithSSRC(0x1234), rtp.WithPayloadType(96), rtp.WithTimestamp(ts))
	var sent []sentFrame
	for _, f := range testFrames(tb) {
		pkts := p.Packetize(f.data, 3000)
		sent = append(sent, sentFrame{
			Frame:   Frame{Timestamp: pkts[0].Timestamp, Data: f.data, Keyframe: f.key},
			packets: pkts,
		})
	}
	return sent
}

func allPackets(frames []sentFrame) []*rtp.Packet {
	var pkts []*rtp.Packet
	for _, f := range frames {
		pkts = append(pkts, f.packets...)
	}
	return pkts
}

// clock is fake time: 33 ms per frame, as a 30 fps sender paces it.
type clock struct{ now time.Time }

func newClock() *clock { return &clock{now: time.Unix(1_700_000_000, 0)} }

func (c *clock) advance(d time.Duration) time.Time {
	c.now = c.now.Add(d)
	return c.now
}

// receiver pushes packets into a Video and keeps what comes out.
type receiver struct {
	tb     testing.TB
	v      *Video
	clock  *clock
	frames []Frame
	asked  int // results with needKeyframe
}

func newReceiver(tb testing.TB, maxDelay time.Duration) *receiver {
	return &receiver{tb: tb, v: NewVideo(maxDelay), clock: newClock()}
}

func (r *receiver) push(p *rtp.Packet) bool {
	frames, need := r.v.Push(p, r.clock.now)
	return r.take(frames, need)
}

func (r *receiver) tick(d time.Duration) bool {
	frames, need := r.v.Tick(r.clock.advance(d))
	return r.take(frames, need)
}

func (r *receiver) take(frames []Frame, need bool) bool {
	r.frames = append(r.frames, frames...)
	if need {
		r.asked++
	}
	return need
}

// pushFrames sends frames paced as a 30 fps sender would, ticking every 11 ms.
func (r *receiver) pushFrames(frames []sentFrame) {
	for _, f := range frames {
		for _, p := range f.packets {
			r.push(p)
		}
		for range 3 {
			r.tick(11 * time.Millisecond)
		}
	}
}

// expectFrames checks that got are exactly want, in order.
func expectFrames(tb testing.TB, got []Frame, want []sentFrame) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Fatalf("got %d frames, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Timestamp != w.Timestamp || g.Keyframe != w.Keyframe || !bytes.Equal(g.Data, w.Data) {
			tb.Fatalf("frame %d: got ts %d key %v %d bytes, want ts %d key %v %d bytes", i,
				g.Timestamp, g.Keyframe, len(g.Data), w.Timestamp, w.Keyframe, len(w.Data))
		}
		if g.Gap {
			tb.Fatalf("frame %d: Gap set with nothing lost", i)
		}
	}
}
