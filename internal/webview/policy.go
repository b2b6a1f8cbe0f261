package webview

import (
	"net/url"
	"strings"
	"sync"
	"time"
)

// decision is the answer to a permission request.
type decision int

const (
	deny decision = iota
	allow
	ask // show the dialog
)

func (d decision) String() string {
	switch d {
	case allow:
		return "allow"
	case ask:
		return "ask"
	default:
		return "deny"
	}
}

// ownOrigin reports whether uri (the web view's current page) is the app's own page, served by the Wails asset
// server: wails://wails/… in a build, wails://wails.localhost:PORT/… under `wails dev`. Only the "wails" scheme
// is served by Wails' handler, so nothing loaded from the network can have this origin.
func ownOrigin(uri string) bool {
	u, err := url.Parse(uri)
	if err != nil || u.User != nil || u.Opaque != "" {
		return false
	}
	if !strings.EqualFold(u.Scheme, "wails") {
		return false
	}
	host := strings.ToLower(u.Hostname())
	return host == "wails" || host == "wails.localhost"
}

func validKind(k string) bool {
	return k == KindCamera || k == KindMicrophone || k == KindScreen
}

// denyEcho is how long a one-off "Deny" also answers requests for the same kinds: a page that is refused
// camera and microphone together commonly retries with each alone at once, and the user should not be asked
// three times. A later request (the user turns the camera on) asks again.
const denyEcho = 3 * time.Second

// policy decides permission requests. Its methods may be called from any goroutine.
type policy struct {
	fake  bool
	perms Permissions      // may be nil
	now   func() time.Time // for tests

	mu      sync.Mutex
	session map[string]bool      // kinds the user allowed (without "remember") since the app started
	denied  map[string]time.Time // kinds the user denied (without "remember"), and when
}

func newPolicy(fake bool, perms Permissions) *policy {
	return &policy{fake: fake, perms: perms, now: time.Now, session: map[string]bool{}, denied: map[string]time.Time{}}
}

// media decides a request for the given kinds (one request can ask for camera and microphone together) from
// the page at uri. A remembered "deny" for any of the kinds denies the whole request; it is allowed without
// asking only when every kind is allowed (remembered or earlier in this run); it is denied without asking when
// the user has just denied every one of its kinds (denyEcho).
func (p *policy) media(uri string, kinds []string) decision {
	if !ownOrigin(uri) || len(kinds) == 0 {
		return deny
	}
	for _, k := range kinds {
		if !validKind(k) {
			return deny
		}
	}
	if p.fake {
		return allow
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	justDenied := true
	for _, k := range kinds {
		if at, ok := p.denied[k]; !ok || p.now().Sub(at) > denyEcho {
			justDenied = false
		}
	}
	if justDenied {
		return deny
	}
	known := true
	for _, k := range kinds {
		if p.session[k] {
			continue
		}
		if p.perms != nil {
			if ok, remembered := p.perms.Lookup(k); remembered {
				if !ok {
					return deny
				}
				continue
			}
		}
		known = false
	}
	if known {
		return allow
	}
	return ask
}

// answered records the user's answer from the dialog.
func (p *policy) answered(kinds []string, allowed, remember bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, k := range kinds {
		if !validKind(k) {
			continue
		}
		if allowed {
			p.session[k] = true
			delete(p.denied, k)
		} else if !remember {
			p.denied[k] = p.now()
		}
		if remember && p.perms != nil {
			p.perms.Remember(k, allowed)
		}
	}
}

// deviceInfo decides WebKit's device-info request (device labels and ids for enumerateDevices): allowed for our
// own page once it may use the camera or the microphone, never asked for on its own.
func (p *policy) deviceInfo(uri string) decision {
	if !ownOrigin(uri) {
		return deny
	}
	if p.fake {
		return allow
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, k := range []string{KindCamera, KindMicrophone} {
		if p.session[k] {
			return allow
		}
		if p.perms != nil {
			if ok, remembered := p.perms.Lookup(k); remembered && ok {
				return allow
			}
		}
	}
	return deny
}

// Kind bits, shared with the C side (webview_linux.h).
const (
	bitCamera     = 1
	bitMicrophone = 2
	bitScreen     = 4
)

func kindsOf(mask int) []string {
	var kinds []string
	if mask&bitCamera != 0 {
		kinds = append(kinds, KindCamera)
	}
	if mask&bitMicrophone != 0 {
		kinds = append(kinds, KindMicrophone)
	}
	if mask&bitScreen != 0 {
		kinds = append(kinds, KindScreen)
	}
	return kinds
}
