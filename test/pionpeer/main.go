// Command pionpeer is a test participant: a plain pion/webrtc peer that joins a Parley room through the room
// server's Socket.IO protocol, sends VP8 from an IVF file and Opus from an Ogg file (looped), receives what the
// others send, and prints one JSON line a second with what it received. It knows nothing of Parley's own media
// engine: it is standard WebRTC, so the end-to-end tests use it to check that the desktop app speaks it too.
//
//	pionpeer --server http://127.0.0.1:7800 --room r --ivf v.ivf --ogg a.ogg
//
// Output: `joined SELFID` once, then `{"peers":[{"peer":…,"state":…,"videoFrames":…,"keyframes":…,"width":…,
// "height":…,"audioPackets":…,"plis":…,"pliToKeyMs":[…]}]}` every second. PARLEY_ICE_LOOPBACK=1 adds loopback candidates (the tests'
// network namespace has only lo).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/parley-app/parley/internal/media"
	"github.com/parley-app/parley/internal/signal/signaltest"
)

func main() {
	server := flag.String("server", "http://127.0.0.1:7800", "room server URL")
	room := flag.String("room", "", "room to join")
	name := flag.String("name", "pion", "participant name")
	ivf := flag.String("ivf", "", "VP8 IVF file to send (looped)")
	ogg := flag.String("ogg", "", "Opus Ogg file to send (looped)")
	pliEvery := flag.Duration("pli-every", 0, "after the first key frame, ask each sender for a key frame this often (0: never) and time the answers")
	flag.Parse()
	if *room == "" || *ivf == "" {
		log.Fatal("pionpeer: --room and --ivf are required")
	}
	p, err := newPeer(*ivf, *ogg)
	if err != nil {
		log.Fatal(err)
	}
	p.pliEvery = *pliEvery
	c := signaltest.Dial(fatalT{}, *server)
	p.client = c
	ack := c.Req("join", map[string]any{"room": *room, "name": *name, "state": map[string]bool{"mic": *ogg != "", "camera": true}})
	if ack["ok"] != true {
		log.Fatalf("pionpeer: join refused: %v", ack)
	}
	self, _ := ack["self"].(map[string]any)
	p.self, _ = self["id"].(string)
	fmt.Println("joined", p.self)
	peers, _ := ack["peers"].([]any)
	for _, v := range peers {
		if m, ok := v.(map[string]any); ok {
			if id, ok := m["id"].(string); ok {
				p.offer(id, false) // the newcomer offers (docs/PROTOCOL.md)
			}
		}
	}
	go p.sendVideo()
	go p.sendAudio()
	go p.report()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	for {
		select {
		case e := <-c.Events:
			p.event(e)
		case <-c.Closed:
			log.Fatal("pionpeer: the room server closed the connection")
		case <-stop:
			p.closeAll()
			return
		}
	}
}

// fatalT lets signaltest's client run outside a test: a failure ends the program.
type fatalT struct{}

func (fatalT) Helper()                           {}
func (fatalT) Fatal(args ...any)                 { log.Fatal(args...) }
func (fatalT) Fatalf(format string, args ...any) { log.Fatalf(format, args...) }
func (fatalT) Cleanup(func())                    {}

type peer struct {
	api    *webrtc.API
	client *signaltest.Client
	self   string
	video  *webrtc.TrackLocalStaticSample
	audio  *webrtc.TrackLocalStaticSample
	ivf    string
	ogg    string

	pliEvery time.Duration

	mu    sync.Mutex
	conns map[string]*conn
}

func newPeer(ivf, ogg string) (*peer, error) {
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(media.LoopbackFromEnv())
	api, err := newAPI(se)
	if err != nil {
		return nil, err
	}
	video, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8}, "video", "pionpeer-camera")
	if err != nil {
		return nil, err
	}
	audio, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", "pionpeer-camera")
	if err != nil {
		return nil, err
	}
	return &peer{api: api, video: video, audio: audio, ivf: ivf, ogg: ogg, conns: map[string]*conn{}}, nil
}

func (p *peer) event(e signaltest.Event) {
	id, _ := e.Payload["id"].(string)
	switch e.Name {
	case "peer-left":
		p.drop(id)
	case "signal":
		from, _ := e.Payload["from"].(string)
		kind, _ := e.Payload["kind"].(string)
		p.signal(from, kind, e.Payload["data"])
	}
}

func (p *peer) send(to, kind string, data any) {
	p.client.Emit("signal", func(a []any) {
		if m, ok := a[0].(map[string]any); !ok || m["ok"] != true {
			log.Printf("pionpeer: signal %s to %s refused: %v", kind, to, a)
		}
	}, map[string]any{"to": to, "kind": kind, "data": data})
}

func (p *peer) report() {
	for range time.Tick(time.Second) {
		p.mu.Lock()
		out := struct {
			Peers []stats `json:"peers"`
		}{Peers: []stats{}}
		for _, c := range p.conns {
			out.Peers = append(out.Peers, c.stats())
		}
		p.mu.Unlock()
		b, _ := json.Marshal(out)
		fmt.Println(string(b))
	}
}

func (p *peer) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for id, c := range p.conns {
		c.pc.Close()
		delete(p.conns, id)
	}
}

func (p *peer) drop(id string) {
	p.mu.Lock()
	c := p.conns[id]
	delete(p.conns, id)
	p.mu.Unlock()
	if c != nil {
		c.pc.Close()
	}
}
