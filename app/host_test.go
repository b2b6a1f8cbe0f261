package app

import (
	"io"
	"net"
	"net/http"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-app/parley/internal/signal/signaltest"
)

func TestHostLifecycle(t *testing.T) {
	// The machine's real addresses: guests use them, so /healthz must answer on a listed URL too.
	addrs, err := interfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	a, _ := newTestApp(t, Launch{}, addrs...)
	a.listAddresses = interfaceAddrs

	if h := a.Hosting(); h.Active || h.URLs == nil {
		t.Fatalf("before hosting: %+v", h)
	}
	info, err := a.StartHosting(HostRequest{Port: freePort(t)})
	if err != nil {
		t.Fatal(err)
	}
	if !info.Active || info.Port == 0 || info.LocalURL != "http://127.0.0.1:"+strconv.Itoa(info.Port) || info.URLs == nil {
		t.Fatalf("StartHosting: %+v", info)
	}
	if got := a.Hosting(); !reflect.DeepEqual(got, info) {
		t.Fatalf("Hosting() = %+v, want %+v", got, info)
	}
	if again, err := a.StartHosting(HostRequest{Port: 1234}); err != nil || !reflect.DeepEqual(again, info) {
		t.Fatalf("StartHosting again = %+v, %v; want the same %+v", again, err, info)
	}
	if m := healthz(t, info.LocalURL); m["ok"] != true {
		t.Fatalf("healthz: %v", m)
	}
	for _, u := range info.URLs {
		if !strings.HasPrefix(u, "http://") || !strings.HasSuffix(u, ":"+strconv.Itoa(info.Port)) {
			t.Errorf("URL %q", u)
		}
	}
	if len(info.URLs) > 0 && !strings.Contains(info.URLs[0], "%25") { // a zoned link-local one needs a browser that takes zones
		if m := healthz(t, info.URLs[0]); m["ok"] != true {
			t.Fatalf("healthz on %s: %v", info.URLs[0], m)
		}
	} else {
		t.Logf("no LAN address to check (URLs %v)", info.URLs)
	}
	// Browser guests get the call page.
	resp, err := (&http.Client{Timeout: wait}).Get(info.LocalURL + "/?room=demo")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Parley test page") {
		t.Fatalf("GET /: %d %q", resp.StatusCode, body)
	}

	// Stopping ends the room for everyone: guests are told host-stopped.
	guest := dialRoom(t, info.LocalURL, "demo", "Grace")
	other := dialRoom(t, info.LocalURL, "demo", "Linus")
	guest.Next("peer-joined")
	a.SetRoomPeers(2)
	start := time.Now()
	if err := a.StopHosting(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2500*time.Millisecond {
		t.Errorf("StopHosting took %v", d)
	}
	for _, c := range []*signaltest.Client{guest, other} {
		if p := c.Next("server-closing"); p["reason"] != "host-stopped" {
			t.Fatalf("server-closing = %v", p)
		}
		select {
		case <-c.Closed:
		case <-time.After(wait):
			t.Fatal("guest still connected after StopHosting")
		}
	}
	if h := a.Hosting(); h.Active {
		t.Fatalf("after StopHosting: %+v", h)
	}
	if _, err := (&http.Client{Timeout: time.Second}).Get(info.LocalURL + "/healthz"); err == nil {
		t.Fatal("healthz still answers after StopHosting")
	}
	if err := a.StopHosting(); err != nil {
		t.Fatalf("second StopHosting: %v", err)
	}

	// And hosting again works.
	info2, err := a.StartHosting(HostRequest{Port: freePort(t)})
	if err != nil {
		t.Fatal(err)
	}
	if m := healthz(t, info2.LocalURL); m["ok"] != true {
		t.Fatalf("healthz after restart: %v", m)
	}
}

func TestHostPortFallback(t *testing.T) {
	t.Run("chosen port taken", func(t *testing.T) {
		held, err := net.Listen("tcp", ":0")
		if err != nil {
			t.Fatal(err)
		}
		defer held.Close()
		taken := held.Addr().(*net.TCPAddr).Port
		a, _ := newTestApp(t, Launch{})
		info, err := a.StartHosting(HostRequest{Port: taken})
		if err != nil {
			t.Fatal(err)
		}
		if info.Port == taken || info.Port == 0 {
			t.Fatalf("port %d taken, got %d", taken, info.Port)
		}
		healthz(t, info.LocalURL)
	})
	t.Run("default port taken", func(t *testing.T) {
		// Hold 7800 if nobody does; if somebody does, it is taken all the same.
		if held, err := net.Listen("tcp", ":"+strconv.Itoa(DefaultPort)); err == nil {
			defer held.Close()
		}
		a, _ := newTestApp(t, Launch{})
		info, err := a.StartHosting(HostRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if info.Port == DefaultPort {
			t.Fatalf("port %d taken, got it", DefaultPort)
		}
		healthz(t, info.LocalURL)
	})
	t.Run("chosen port free", func(t *testing.T) {
		free := freePort(t)
		a, _ := newTestApp(t, Launch{})
		info, err := a.StartHosting(HostRequest{Port: free})
		if err != nil {
			t.Fatal(err)
		}
		if info.Port != free {
			t.Fatalf("asked for free port %d, got %d", free, info.Port)
		}
	})
	t.Run("bad port", func(t *testing.T) {
		a, _ := newTestApp(t, Launch{})
		for _, p := range []int{-1, 65536} {
			if info, err := a.StartHosting(HostRequest{Port: p}); err == nil || info.Active {
				t.Errorf("port %d: %+v, %v", p, info, err)
			}
		}
	})
}

func TestHostConcurrent(t *testing.T) {
	a, _ := newTestApp(t, Launch{})
	port := freePort(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				if i%2 == 0 {
					if _, err := a.StartHosting(HostRequest{Port: port}); err != nil {
						t.Error(err)
					}
				} else if err := a.StopHosting(); err != nil {
					t.Error(err)
				}
				a.Hosting()
				a.SetRoomPeers(i)
			}
		}()
	}
	wg.Wait()
}

func TestStartFromCommandLine(t *testing.T) {
	a, out := newTestApp(t, Launch{Mode: ModeHost, Room: "demo", Name: "Ada"})
	info, err := StartFromCommandLine(a, CommandLine{Launch: a.launch, Port: freePort(t)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "hosting on "+info.LocalURL+"\n"; got != want { // no LAN address here
		t.Fatalf("stdout %q, want %q", got, want)
	}
	if l := a.Launch(); l.Mode != ModeHost || l.Server != info.LocalURL || l.Room != "demo" || l.Name != "Ada" {
		t.Fatalf("Launch() = %+v", l)
	}

	b, out := newTestApp(t, Launch{Mode: ModeJoin, Server: "http://h:1", Room: "r", Name: "n"})
	if _, err := StartFromCommandLine(b, CommandLine{Launch: b.launch}); err != nil || out.String() != "" || b.Hosting().Active {
		t.Fatalf("join: %v, stdout %q, hosting %v", err, out.String(), b.Hosting().Active)
	}
	if l := b.Launch(); l.Server != "http://h:1" {
		t.Fatalf("Launch() = %+v", l)
	}
}

func TestAnnounceURL(t *testing.T) {
	if got := AnnounceURL(HostInfo{LocalURL: "http://127.0.0.1:7800", URLs: []string{"http://192.168.1.5:7800", "http://[2001:db8::5]:7800"}}); got != "http://192.168.1.5:7800" {
		t.Error(got)
	}
	if got := AnnounceURL(HostInfo{LocalURL: "http://127.0.0.1:7800", URLs: []string{}}); got != "http://127.0.0.1:7800" {
		t.Error(got)
	}
}

func TestLanURLs(t *testing.T) {
	ad := func(iface, s string) ifaceAddr { return ifaceAddr{iface, netip.MustParseAddr(s)} }
	cases := []struct {
		name  string
		addrs []ifaceAddr
		want  []string
	}{
		{"none", nil, []string{}},
		{"loopback only", []ifaceAddr{ad("lo", "127.0.0.1"), ad("lo", "::1")}, []string{}},
		{"IPv4 and IPv6, link-local skipped",
			[]ifaceAddr{ad("eth0", "fe80::1"), ad("eth0", "2001:db8::5"), ad("eth0", "192.168.1.5"), ad("lo", "127.0.0.1")},
			[]string{"http://192.168.1.5:7800", "http://[2001:db8::5]:7800"}},
		{"virtual interfaces last",
			[]ifaceAddr{ad("docker0", "172.17.0.1"), ad("wlan0", "10.0.0.7"), ad("br-1234", "172.18.0.1"), ad("eth0", "fd00::7")},
			[]string{"http://10.0.0.7:7800", "http://172.17.0.1:7800", "http://172.18.0.1:7800", "http://[fd00::7]:7800"}},
		{"link-local only: with zone",
			[]ifaceAddr{ad("eth0", "fe80::1"), ad("eth0", "169.254.3.4")},
			[]string{"http://169.254.3.4:7800", "http://[fe80::1%25eth0]:7800"}},
		{"IPv4-mapped and duplicates",
			[]ifaceAddr{ad("eth0", "::ffff:192.168.1.5"), ad("eth1", "192.168.1.5"), ad("eth0", "0.0.0.0"), ad("eth0", "224.0.0.1")},
			[]string{"http://192.168.1.5:7800"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := lanURLs(c.addrs, 7800); !reflect.DeepEqual(got, c.want) {
				t.Errorf("lanURLs = %q, want %q", got, c.want)
			}
		})
	}
}

// freePort is a port nobody listens on (a moment ago): tests host there rather than on 7800, which other
// programs on the machine may use.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
