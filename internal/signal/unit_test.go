package signal

import (
	"testing"
	"time"
)

func TestBucketSpendsAndRefills(t *testing.T) {
	t0 := time.Unix(0, 0)
	b := newBucket(Limit{Burst: 3, PerSecond: 2}, t0)
	for i := range 3 {
		if !b.take(1, t0) {
			t.Fatalf("take %d of a burst of 3 refused", i)
		}
	}
	if b.take(1, t0) {
		t.Fatal("fourth take in the same instant allowed")
	}
	if !b.take(1, t0.Add(500*time.Millisecond)) || b.take(1, t0.Add(500*time.Millisecond)) {
		t.Fatal("half a second at 2/s should refill exactly one token")
	}
	if b.take(5, t0.Add(time.Hour)) {
		t.Fatal("refill must not exceed the burst")
	}
	unlimited := newBucket(Limit{}, t0)
	for range 10000 {
		if !unlimited.take(1e6, t0) {
			t.Fatal("the zero Limit must be unlimited")
		}
	}
}

func TestParseICEServer(t *testing.T) {
	for in, want := range map[string]ICEServer{
		"stun:stun.example.org:3478": {URLs: []string{"stun:stun.example.org:3478"}},
		"turn:t.example.org:3478?transport=udp,username=alice,credential=s3cret": {
			URLs: []string{"turn:t.example.org:3478?transport=udp"}, Username: "alice", Credential: "s3cret"},
	} {
		got, err := ParseICEServer(in)
		if err != nil || got.URLs[0] != want.URLs[0] || got.Username != want.Username || got.Credential != want.Credential {
			t.Errorf("ParseICEServer(%q) = %+v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "http://x", "turn:t.example.org", "stun:x,password=y"} {
		if _, err := ParseICEServer(bad); err == nil {
			t.Errorf("ParseICEServer(%q) accepted", bad)
		}
	}
}

// BenchmarkDecodeSignal is the validation every relayed message pays: a typical offer.
func BenchmarkDecodeSignal(b *testing.B) {
	p := map[string]any{"to": "Qx9aBcDeFgHiJkLmNoPqRsTu", "kind": "offer", "data": map[string]any{
		"type": "offer", "sdp": string(make([]byte, 3000)),
	}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeSignal(p); err != nil {
			b.Fatal(err)
		}
	}
}
