package signal

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeRequest feeds arbitrary JSON payloads to every request decoder. Whatever the input, a decoder must
// not panic, and what it accepts must satisfy the protocol's rules (docs/PROTOCOL.md).
func FuzzDecodeRequest(f *testing.F) {
	for _, seed := range []struct{ event, payload string }{
		{"join", `{"room":"standup","name":"Ada"}`},
		{"join", `{"room":"r","name":"  Grace  ","password":"s3cret"}`},
		{"join", `{"room":"a b","name":"x"}`},
		{"join", `{"room":"r","name":"\u202eexe"}`},
		{"join", `"just a string"`},
		{"join", `[1,2,3]`},
		{"join", `null`},
		{"signal", `{"to":"abc","kind":"offer","data":{"type":"offer","sdp":"v=0\r\n"}}`},
		{"signal", `{"to":"abc","kind":"candidate","data":"candidate:1 1 udp 1 127.0.0.1 9 typ host"}`},
		{"signal", `{"to":"abc","kind":"bye","data":null}`},
		{"signal", `{"to":"abc","kind":"shout","data":1}`},
		{"signal", `{"to":1,"kind":"offer","data":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`},
		{"chat", `{"text":"hello"}`},
		{"chat", `{"text":"  \n\t "}`},
		{"chat", `{"text":"bell\u0007"}`},
		{"leave", `{}`},
		{"leave", `0`},
	} {
		f.Add(seed.event, []byte(seed.payload))
	}
	f.Fuzz(func(t *testing.T, event string, payload []byte) {
		var p any
		if json.Unmarshal(payload, &p) != nil {
			return
		}
		switch event {
		case "join":
			r, err := decodeJoin(p)
			if err != nil {
				checkError(t, err)
				return
			}
			if checkRoom(r.Room) != nil {
				t.Fatalf("accepted room %q", r.Room)
			}
			if n := utf8.RuneCountInString(r.Name); n < 1 || n > MaxNameLen || strings.TrimSpace(r.Name) != r.Name {
				t.Fatalf("accepted name %q", r.Name)
			}
			if utf8.RuneCountInString(r.Password) > MaxPasswordLen {
				t.Fatalf("accepted a %d-character password", utf8.RuneCountInString(r.Password))
			}
		case "signal":
			r, err := decodeSignal(p)
			if err != nil {
				checkError(t, err)
				return
			}
			enc, jerr := json.Marshal(r.Data)
			if jerr != nil || len(enc) != r.Size || r.Size > MaxSignalData || !validKind(r.Kind) || r.To == "" {
				t.Fatalf("accepted %+v (%d bytes, %v)", r, len(enc), jerr)
			}
		case "chat":
			r, err := decodeChat(p)
			if err != nil {
				checkError(t, err)
				return
			}
			if n := utf8.RuneCountInString(r.Text); n < 1 || n > MaxChatLen || strings.TrimSpace(r.Text) != r.Text {
				t.Fatalf("accepted text %q", r.Text)
			}
		default:
			if err := decodeLeave(p); err != nil {
				checkError(t, err)
			}
		}
	})
}

func checkError(t *testing.T, err *Error) {
	t.Helper()
	if err.Code != CodeBadRequest && err.Code != CodeTooLarge || err.Message == "" {
		t.Fatalf("decoder error %+v", err)
	}
}
