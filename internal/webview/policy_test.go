package webview

import (
	"reflect"
	"testing"
	"time"
)

func TestOwnOrigin(t *testing.T) {
	for _, tc := range []struct {
		uri  string
		want bool
	}{
		{"wails://wails/", true},
		{"wails://wails", true},
		{"wails://wails/index.html?room=a#x", true},
		{"WAILS://Wails/", true},
		{"wails://wails.localhost:34115/", true}, // wails dev
		{"", false},
		{"about:blank", false},
		{"http://wails/", false},
		{"https://wails.localhost/", false},
		{"http://127.0.0.1:7800/", false},
		{"wails://evil.example/", false},
		{"wails://wails.evil.example/", false},
		{"wails://user@wails/", false},
		{"wails:wails", false},
		{"file:///index.html", false},
		{"%%", false},
	} {
		if got := ownOrigin(tc.uri); got != tc.want {
			t.Errorf("ownOrigin(%q) = %v, want %v", tc.uri, got, tc.want)
		}
	}
}

// memPerms is a Permissions in memory.
type memPerms struct{ m map[string]bool }

func (p *memPerms) Lookup(kind string) (bool, bool)  { a, ok := p.m[kind]; return a, ok }
func (p *memPerms) Remember(kind string, allow bool) { p.m[kind] = allow }

func TestPolicyMedia(t *testing.T) {
	const own, other = "wails://wails/", "https://example.com/"
	cam, mic, scr := KindCamera, KindMicrophone, KindScreen
	for _, tc := range []struct {
		name  string
		fake  bool
		perms map[string]bool // nil: no Permissions at all
		uri   string
		kinds []string
		want  decision
	}{
		{"own origin, remembered allow", false, map[string]bool{cam: true, mic: true}, own, []string{cam, mic}, allow},
		{"own origin, remembered deny", false, map[string]bool{cam: false}, own, []string{cam}, deny},
		{"one kind denied denies all", false, map[string]bool{cam: true, mic: false}, own, []string{cam, mic}, deny},
		{"one kind unknown asks", false, map[string]bool{cam: true}, own, []string{cam, mic}, ask},
		{"nothing remembered asks", false, map[string]bool{}, own, []string{cam}, ask},
		{"no Permissions asks", false, nil, own, []string{mic}, ask},
		{"screen remembered", false, map[string]bool{scr: true}, own, []string{scr}, allow},
		{"other origin denied even if remembered", false, map[string]bool{cam: true}, other, []string{cam}, deny},
		{"other origin denied with fake media", true, nil, other, []string{cam}, deny},
		{"no page denied", true, nil, "", []string{cam}, deny},
		{"fake media allows", true, nil, own, []string{cam, mic}, allow},
		{"fake media overrides a remembered deny", true, map[string]bool{cam: false}, own, []string{cam}, allow},
		{"fake media allows screen", true, nil, own, []string{scr}, allow},
		{"unknown kind denied", true, nil, own, []string{"geolocation"}, deny},
		{"unknown kind among known denied", false, map[string]bool{cam: true}, own, []string{cam, "notifications"}, deny},
		{"no kind denied", true, nil, own, nil, deny},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var perms Permissions
			if tc.perms != nil {
				perms = &memPerms{tc.perms}
			}
			if got := newPolicy(tc.fake, perms).media(tc.uri, tc.kinds); got != tc.want {
				t.Errorf("media(%q, %v) = %v, want %v", tc.uri, tc.kinds, got, tc.want)
			}
		})
	}
}

func TestPolicyAnswered(t *testing.T) {
	const own = "wails://wails/"
	perms := &memPerms{map[string]bool{}}
	p := newPolicy(false, perms)
	both := []string{KindCamera, KindMicrophone}

	// Allow without "remember": holds for this run only.
	p.answered(both, true, false)
	if len(perms.m) != 0 {
		t.Fatalf("remembered without being asked to: %v", perms.m)
	}
	if got := p.media(own, both); got != allow {
		t.Fatalf("after allow: %v, want allow", got)
	}
	if got := p.media(own, []string{KindScreen}); got != ask {
		t.Fatalf("screen after allowing camera: %v, want ask", got)
	}
	if got := newPolicy(false, perms).media(own, both); got != ask {
		t.Fatalf("next run: %v, want ask", got)
	}

	// Deny without "remember": the page's immediate retries are denied, a later request asks again.
	now := time.Unix(1000, 0)
	p.now = func() time.Time { return now }
	p.answered([]string{KindScreen}, false, false)
	if got := p.media(own, []string{KindScreen}); got != deny {
		t.Fatalf("retry right after a one-off deny: %v, want deny", got)
	}
	now = now.Add(denyEcho + time.Millisecond)
	if got := p.media(own, []string{KindScreen}); got != ask {
		t.Fatalf("later, after a one-off deny: %v, want ask", got)
	}

	// Remembered answers are stored per kind and apply to the next run.
	p.answered([]string{KindScreen}, false, true)
	p.answered(both, true, true)
	want := map[string]bool{KindCamera: true, KindMicrophone: true, KindScreen: false}
	if !reflect.DeepEqual(perms.m, want) {
		t.Fatalf("remembered %v, want %v", perms.m, want)
	}
	next := newPolicy(false, perms)
	if got := next.media(own, both); got != allow {
		t.Fatalf("next run, camera+mic: %v, want allow", got)
	}
	if got := next.media(own, []string{KindScreen}); got != deny {
		t.Fatalf("next run, screen: %v, want deny", got)
	}

	// Without Permissions, answering with "remember" must not panic.
	newPolicy(false, nil).answered(both, true, true)
}

func TestPolicyDenyEcho(t *testing.T) {
	const own = "wails://wails/"
	now := time.Unix(1000, 0)
	p := newPolicy(false, nil)
	p.now = func() time.Time { return now }
	p.answered([]string{KindCamera, KindMicrophone}, false, false)
	now = now.Add(time.Second)
	// The usual fallbacks after a refused camera+microphone request: each alone.
	for _, kinds := range [][]string{{KindMicrophone}, {KindCamera}, {KindCamera, KindMicrophone}} {
		if got := p.media(own, kinds); got != deny {
			t.Errorf("media(%v) just after deny = %v, want deny", kinds, got)
		}
	}
	// A kind that was not refused still asks, even together with one that was.
	if got := p.media(own, []string{KindScreen}); got != ask {
		t.Errorf("screen = %v, want ask", got)
	}
	if got := p.media(own, []string{KindCamera, KindScreen}); got != ask {
		t.Errorf("camera+screen = %v, want ask", got)
	}
	// Allowing later clears the refusal.
	p.answered([]string{KindCamera}, true, false)
	if got := p.media(own, []string{KindCamera}); got != allow {
		t.Errorf("camera after allow = %v, want allow", got)
	}
	now = now.Add(denyEcho)
	if got := p.media(own, []string{KindMicrophone}); got != ask {
		t.Errorf("microphone later = %v, want ask", got)
	}
}

func TestPolicyDeviceInfo(t *testing.T) {
	const own = "wails://wails/"
	if got := newPolicy(false, nil).deviceInfo(own); got != deny {
		t.Errorf("nothing granted: %v, want deny", got)
	}
	if got := newPolicy(true, nil).deviceInfo("https://example.com/"); got != deny {
		t.Errorf("other origin: %v, want deny", got)
	}
	if got := newPolicy(true, nil).deviceInfo(own); got != allow {
		t.Errorf("fake media: %v, want allow", got)
	}
	if got := newPolicy(false, &memPerms{map[string]bool{KindMicrophone: true}}).deviceInfo(own); got != allow {
		t.Errorf("microphone remembered: %v, want allow", got)
	}
	if got := newPolicy(false, &memPerms{map[string]bool{KindCamera: false, KindScreen: true}}).deviceInfo(own); got != deny {
		t.Errorf("camera denied, screen allowed: %v, want deny", got)
	}
	p := newPolicy(false, nil)
	p.answered([]string{KindCamera}, true, false)
	if got := p.deviceInfo(own); got != allow {
		t.Errorf("camera allowed this run: %v, want allow", got)
	}
}

func TestKindsOf(t *testing.T) {
	if got := kindsOf(bitCamera | bitMicrophone | bitScreen); !reflect.DeepEqual(got, []string{KindCamera, KindMicrophone, KindScreen}) {
		t.Errorf("kindsOf(all) = %v", got)
	}
	if got := kindsOf(0); got != nil {
		t.Errorf("kindsOf(0) = %v", got)
	}
}
