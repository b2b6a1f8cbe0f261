package media

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/pion/webrtc/v4"
)

// Errors a request gets back (their text is the reply's `error`).
var (
	ErrClosed        = errors.New("media bridge closed")
	errUnknownPeer   = errors.New("unknown peer")
	errUnknownTrack  = errors.New("unknown track")
	errUnknownOp     = errors.New("unknown op")
	errBadID         = errors.New("id must be a positive integer")
	errBadPeerID     = errors.New("peer must be 1-64 bytes")
	errBadDesc       = errors.New(`description must be {type: "offer" or "answer", sdp}`)
	errBadCandidate  = errors.New("candidate must be {candidate, sdpMid?, sdpMLineIndex?, usernameFragment?} or null")
	errBadICEServers = errors.New("iceServers must be at most 16 {urls: string or string[], username?, credential?}")
	errBadSample     = errors.New("binary frame: not a sample (8-byte header, type 1, source 0-2)")
)

// Sources the page sends; their numbers are the sample header's source byte.
type source uint8

const (
	srcAudio  source = 0
	srcVideo  source = 1
	srcScreen source = 2
	nSources         = 3
)

// name is the source as control messages spell it (`keyframe`, `encoder`).
func (s source) name() string { return [...]string{"audio", "video", "screen"}[s] }

// request is one control message from the page, decoded and validated.
type request struct {
	ID          int64
	Op          string
	Peer        string
	Type        string                     // setLocal: "" or "rollback"
	Description *webrtc.SessionDescription // setRemote
	Candidate   *webrtc.ICECandidateInit   // candidate: nil means end of candidates
	ICEServers  []webrtc.ICEServer         // hello
	Sources     [nSources]bool             // sources
	Track       uint16                     // keyframe: the remote track whose decoder needs one
	err         error                      // why it could not be decoded (answered in turn, see session.readLoop)
}

// rawRequest is the wire shape; fields are checked by op in decodeRequest.
type rawRequest struct {
	Op          string          `json:"op"`
	Peer        *string         `json:"peer"`
	Type        *string         `json:"type"`
	Description json.RawMessage `json:"description"`
	Candidate   json.RawMessage `json:"candidate"`
	ICEServers  json.RawMessage `json:"iceServers"`
	Audio       *bool           `json:"audio"`
	Video       *bool           `json:"video"`
	Screen      *bool           `json:"screen"`
	Track       *int64          `json:"track"`
}

// peerOps are the ops that name a connection.
var peerOps = map[string]bool{
	"open": true, "close": true, "setLocal": true, "setRemote": true, "candidate": true, "restartIce": true,
}

// decodeRequest parses a text frame. It returns the request's id whenever it could read one, so that even a
// request with bad fields gets its error reply under its own id (0 when there is none).
func decodeRequest(b []byte) (request, error) {
	var head struct {
		ID json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return request{}, fmt.Errorf("not a JSON object: %w", err)
	}
	id, err := strconv.ParseInt(string(head.ID), 10, 64)
	if err != nil || id <= 0 {
		return request{}, errBadID
	}
	req := request{ID: id}
	var raw rawRequest
	if err := json.Unmarshal(b, &raw); err != nil {
		return req, fmt.Errorf("bad request: %w", err)
	}
	req.Op = raw.Op
	if peerOps[raw.Op] {
		if raw.Peer == nil || len(*raw.Peer) < 1 || len(*raw.Peer) > maxPeerID {
			return req, errBadPeerID
		}
		req.Peer = *raw.Peer
	}
	switch raw.Op {
	case "open", "close", "restartIce", "stats":
	case "keyframe":
		if raw.Track == nil || *raw.Track < 1 || *raw.Track > 65535 {
			return req, errors.New("keyframe: track must be a track number from a track event")
		}
		req.Track = uint16(*raw.Track)
	case "hello":
		servers, err := decodeICEServers(raw.ICEServers)
		if err != nil {
			return req, err
		}
		req.ICEServers = servers
	case "sources":
		// An absent source is one the page does not send.
		req.Sources = [nSources]bool{raw.Audio != nil && *raw.Audio, raw.Video != nil && *raw.Video,
			raw.Screen != nil && *raw.Screen}
	case "setLocal":
		if raw.Type != nil && *raw.Type != "rollback" {
			return req, errors.New(`setLocal: type must be "rollback" or absent`)
		}
		if raw.Type != nil {
			req.Type = *raw.Type
		}
	case "setRemote":
		var d struct {
			Type *string `json:"type"`
			SDP  *string `json:"sdp"`
		}
		if len(raw.Description) == 0 || json.Unmarshal(raw.Description, &d) != nil || d.Type == nil || d.SDP == nil {
			return req, errBadDesc
		}
		var t webrtc.SDPType
		switch *d.Type {
		case "offer":
			t = webrtc.SDPTypeOffer
		case "answer":
			t = webrtc.SDPTypeAnswer
		default:
			return req, errBadDesc
		}
		req.Description = &webrtc.SessionDescription{Type: t, SDP: *d.SDP}
	case "candidate":
		c, err := decodeCandidate(raw.Candidate)
		if err != nil {
			return req, err
		}
		req.Candidate = c
	default:
		return req, fmt.Errorf("%w %q", errUnknownOp, raw.Op)
	}
	return req, nil
}

func decodeCandidate(b json.RawMessage) (*webrtc.ICECandidateInit, error) {
	if len(b) == 0 {
		return nil, errBadCandidate
	}
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil, nil
	}
	var c struct {
		Candidate        *string `json:"candidate"`
		SDPMid           *string `json:"sdpMid"`
		SDPMLineIndex    *uint16 `json:"sdpMLineIndex"`
		UsernameFragment *string `json:"usernameFragment"`
	}
	if err := json.Unmarshal(b, &c); err != nil || c.Candidate == nil {
		return nil, errBadCandidate
	}
	return &webrtc.ICECandidateInit{
		Candidate: *c.Candidate, SDPMid: c.SDPMid, SDPMLineIndex: c.SDPMLineIndex, UsernameFragment: c.UsernameFragment,
	}, nil
}

func decodeICEServers(b json.RawMessage) ([]webrtc.ICEServer, error) {
	if len(b) == 0 || bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil, nil
	}
	var raw []struct {
		URLs       json.RawMessage `json:"urls"`
		Username   string          `json:"username"`
		Credential string          `json:"credential"`
	}
	if err := json.Unmarshal(b, &raw); err != nil || len(raw) > maxICEServers {
		return nil, errBadICEServers
	}
	out := make([]webrtc.ICEServer, 0, len(raw))
	for _, r := range raw {
		var urls []string
		var one string
		if json.Unmarshal(r.URLs, &one) == nil {
			urls = []string{one}
		} else if json.Unmarshal(r.URLs, &urls) != nil {
			return nil, errBadICEServers
		}
		if len(urls) == 0 {
			return nil, errBadICEServers
		}
		s := webrtc.ICEServer{URLs: urls, Username: r.Username}
		if r.Credential != "" {
			s.Credential = r.Credential
		}
		out = append(out, s)
	}
	return out, nil
}

// Replies and events. Every message Go sends is one JSON object with an `op`.

func replyOK(id int64, fields map[string]any) map[string]any {
	m := map[string]any{"op": "reply", "id": id}
	for k, v := range fields {
		m[k] = v
	}
	return m
}

func replyErr(id int64, err error) map[string]any {
	return map[string]any{"op": "reply", "id": id, "error": err.Error()}
}

func event(op string, fields map[string]any) map[string]any {
	m := map[string]any{"op": op}
	for k, v := range fields {
		m[k] = v
	}
	return m
}

// Binary frames (docs/MEDIA-BRIDGE.md): little-endian 8-byte headers, then the payload.
const (
	headerLen   = 8
	typeSample  = 1
	typeFrame   = 2
	flagKey     = 1 << 0
	flagGap     = 1 << 1
	maxDuration = 10_000_000 // µs; a sample lasting over 10 s is a bug on the page
)

// sample is one encoded sample from the page.
type sample struct {
	src      source
	keyframe bool
	duration uint32 // µs
	data     []byte
}

func decodeSample(b []byte) (sample, error) {
	if len(b) < headerLen || b[0] != typeSample || b[1] >= nSources || b[3] != 0 {
		return sample{}, errBadSample
	}
	d := binary.LittleEndian.Uint32(b[4:8])
	if d > maxDuration {
		return sample{}, fmt.Errorf("binary frame: duration %d µs over 10 s", d)
	}
	if len(b) == headerLen {
		return sample{}, errors.New("binary frame: empty sample")
	}
	return sample{src: source(b[1]), keyframe: b[2]&flagKey != 0, duration: d, data: b[headerLen:]}, nil
}

// encodeFrame builds a frame message for the page.
func encodeFrame(track uint16, ts uint32, key, gap bool, data []byte) []byte {
	b := make([]byte, headerLen+len(data))
	b[0] = typeFrame
	if key {
		b[1] |= flagKey
	}
	if gap {
		b[1] |= flagGap
	}
	binary.LittleEndian.PutUint16(b[2:4], track)
	binary.LittleEndian.PutUint32(b[4:8], ts)
	copy(b[headerLen:], data)
	return b
}
