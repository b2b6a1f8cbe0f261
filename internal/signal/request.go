package signal

import (
	"encoding/json"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of the protocol (docs/PROTOCOL.md). Lengths are in Unicode code points.
const (
	MaxRoomLen     = 64
	MaxNameLen     = 40
	MaxPasswordLen = 128
	MaxChatLen     = 2000
	MaxSignalData  = 64 << 10 // bytes of signal.data encoded as JSON
	maxDataDepth   = 32       // nesting of signal.data; SDP and candidates need 2–3
)

// SignalKinds are the kinds of signaling message the server relays.
var SignalKinds = []string{"offer", "answer", "candidate", "renegotiate", "bye"}

type joinRequest struct {
	Room, Name, Password string
	State                MediaState
}

type signalRequest struct {
	To, Kind string
	Data     any
	Size     int // len of Data encoded as JSON
}

type chatRequest struct {
	Text string
}

// The decoders take a payload as the Socket.IO parser hands it over (encoding/json into any, plus []byte or
// readers for binary attachments) and either return a request that satisfies every rule or a bad-request /
// too-large error. They never panic, whatever the input (FuzzDecodeRequest).

func decodeJoin(p any) (joinRequest, *Error) {
	m, err := object(p)
	if err != nil {
		return joinRequest{}, err
	}
	var r joinRequest
	if r.Room, err = stringField(m, "room", true); err != nil {
		return r, err
	}
	if err = checkRoom(r.Room); err != nil {
		return r, err
	}
	name, err := stringField(m, "name", true)
	if err != nil {
		return r, err
	}
	if r.Name, err = cleanName(name); err != nil {
		return r, err
	}
	if r.Password, err = stringField(m, "password", false); err != nil {
		return r, err
	}
	if len(r.Password) > 4*MaxPasswordLen || utf8.RuneCountInString(r.Password) > MaxPasswordLen {
		return r, errorf(CodeBadRequest, "password: at most %d characters", MaxPasswordLen)
	}
	if st, present := m["state"]; present && st != nil {
		if r.State, err = decodeState(st); err != nil {
			return r, err
		}
	}
	return r, nil
}

// decodeState reads {mic, camera, screen}: booleans, each optional (absent: false).
func decodeState(p any) (MediaState, *Error) {
	m, err := object(p)
	if err != nil {
		return MediaState{}, errorf(CodeBadRequest, "state: %s", err.Message)
	}
	var st MediaState
	for key, dst := range map[string]*bool{"mic": &st.Mic, "camera": &st.Camera, "screen": &st.Screen} {
		v, ok := m[key]
		if !ok || v == nil {
			continue
		}
		b, isBool := v.(bool)
		if !isBool {
			return MediaState{}, errorf(CodeBadRequest, "state.%s: must be a boolean, got %s", key, typeName(v))
		}
		*dst = b
	}
	return st, nil
}

func decodeSignal(p any) (signalRequest, *Error) {
	m, err := object(p)
	if err != nil {
		return signalRequest{}, err
	}
	var r signalRequest
	if r.To, err = stringField(m, "to", true); err != nil {
		return r, err
	}
	if r.To == "" || len(r.To) > 64 {
		return r, errorf(CodeBadRequest, "to: not a participant id")
	}
	if r.Kind, err = stringField(m, "kind", true); err != nil {
		return r, err
	}
	if !validKind(r.Kind) {
		return r, errorf(CodeBadRequest, "kind: must be one of %s", strings.Join(SignalKinds, ", "))
	}
	data, ok := m["data"]
	if !ok {
		return r, errorf(CodeBadRequest, "data: missing")
	}
	if err = checkJSON(data, 0); err != nil {
		return r, err
	}
	enc, jerr := json.Marshal(data)
	if jerr != nil {
		return r, errorf(CodeBadRequest, "data: %v", jerr)
	}
	if len(enc) > MaxSignalData {
		return r, errorf(CodeTooLarge, "data: %d bytes encoded, at most %d", len(enc), MaxSignalData)
	}
	r.Data, r.Size = data, len(enc)
	return r, nil
}

func decodeChat(p any) (chatRequest, *Error) {
	m, err := object(p)
	if err != nil {
		return chatRequest{}, err
	}
	text, err := stringField(m, "text", true)
	if err != nil {
		return chatRequest{}, err
	}
	text = strings.TrimSpace(crlf.Replace(text))
	if text == "" {
		return chatRequest{}, errorf(CodeBadRequest, "text: empty")
	}
	if len(text) > 4*MaxChatLen || utf8.RuneCountInString(text) > MaxChatLen {
		return chatRequest{}, errorf(CodeTooLarge, "text: at most %d characters", MaxChatLen)
	}
	for _, c := range text {
		if unicode.IsControl(c) && c != '\n' && c != '\t' || isBidiControl(c) {
			return chatRequest{}, errorf(CodeBadRequest, "text: control character %U", c)
		}
	}
	return chatRequest{Text: text}, nil
}

// crlf turns Windows and old-Mac line breaks into \n, so that pasted text reads the same everywhere.
var crlf = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// decodeLeave accepts no payload or an empty object.
func decodeLeave(p any) *Error {
	if p == nil {
		return nil
	}
	if _, ok := p.(map[string]any); !ok {
		return errorf(CodeBadRequest, "leave takes no payload, or an object")
	}
	return nil
}

func object(p any) (map[string]any, *Error) {
	m, ok := p.(map[string]any)
	if !ok {
		return nil, errorf(CodeBadRequest, "payload must be an object, got %s", typeName(p))
	}
	return m, nil
}

func stringField(m map[string]any, key string, required bool) (string, *Error) {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			return "", errorf(CodeBadRequest, "%s: missing", key)
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", errorf(CodeBadRequest, "%s: must be a string, got %s", key, typeName(v))
	}
	return s, nil
}

func checkRoom(room string) *Error {
	if room == "" || len(room) > MaxRoomLen {
		return errorf(CodeBadRequest, "room: 1 to %d characters of A-Z a-z 0-9 . _ -", MaxRoomLen)
	}
	for i := 0; i < len(room); i++ {
		c := room[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return errorf(CodeBadRequest, "room: only A-Z a-z 0-9 . _ - are allowed")
		}
	}
	return nil
}

// CheckRoom checks a room name against the protocol's rule, for callers that validate before they connect
// (the desktop app's command line).
func CheckRoom(room string) error {
	if err := checkRoom(room); err != nil {
		return errors.New(strings.TrimPrefix(err.Message, "room: "))
	}
	return nil
}

// CleanName trims a display name and checks it against the protocol's rule.
func CleanName(name string) (string, error) {
	clean, err := cleanName(name)
	if err != nil {
		return "", errors.New(strings.TrimPrefix(err.Message, "name: "))
	}
	return clean, nil
}

// cleanName trims a display name and checks it.
func cleanName(name string) (string, *Error) {
	if len(name) > 4*MaxNameLen+1024 { // cheap bound before counting; trimming may still shorten it
		return "", errorf(CodeBadRequest, "name: at most %d characters", MaxNameLen)
	}
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n == 0 || n > MaxNameLen {
		return "", errorf(CodeBadRequest, "name: 1 to %d characters", MaxNameLen)
	}
	for _, c := range name {
		if unicode.IsControl(c) || isBidiControl(c) {
			return "", errorf(CodeBadRequest, "name: control character %U", c)
		}
	}
	return name, nil
}

// isBidiControl reports the explicit direction overrides and isolates, which let a name or message display
// as something other than what it is.
func isBidiControl(c rune) bool {
	return 0x202A <= c && c <= 0x202E || 0x2066 <= c && c <= 0x2069
}

func validKind(kind string) bool {
	for _, k := range SignalKinds {
		if kind == k {
			return true
		}
	}
	return false
}

// checkJSON accepts only what encoding/json produces, so binary attachments and odd reader types are refused
// rather than silently re-encoded as something else.
func checkJSON(v any, depth int) *Error {
	if depth > maxDataDepth {
		return errorf(CodeBadRequest, "data: nested deeper than %d", maxDataDepth)
	}
	switch v := v.(type) {
	case nil, bool, float64, string, json.Number:
		return nil
	case []any:
		for _, e := range v {
			if err := checkJSON(e, depth+1); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		for _, e := range v {
			if err := checkJSON(e, depth+1); err != nil {
				return err
			}
		}
		return nil
	default:
		return errorf(CodeBadRequest, "data: %s is not relayed (JSON only)", typeName(v))
	}
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64, json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	default:
		return "binary"
	}
}
