package app

import (
	"context"
	"testing"
)

func TestOnBeforeClose(t *testing.T) {
	ctx := context.Background()
	a, _ := newTestApp(t, Launch{})
	var asked []string
	answer := false
	a.confirm = func(_ context.Context, title, msg string) (bool, error) {
		asked = append(asked, msg)
		return answer, nil
	}

	a.SetRoomPeers(3)
	if a.OnBeforeClose(ctx) || len(asked) != 0 {
		t.Fatalf("not hosting: should close without asking (asked %q)", asked)
	}
	if _, err := a.StartHosting(HostRequest{Port: freePort(t)}); err != nil {
		t.Fatal(err)
	}
	a.SetRoomPeers(0)
	if a.OnBeforeClose(ctx) || len(asked) != 0 {
		t.Fatalf("hosting alone: should close without asking (asked %q)", asked)
	}

	a.SetRoomPeers(2)
	if !a.OnBeforeClose(ctx) { // "No"
		t.Fatal("answered No, yet the window closes")
	}
	if want := "2 people are in the room you host. Closing Parley ends the room for everyone."; len(asked) != 1 || asked[0] != want {
		t.Fatalf("asked %q, want %q", asked, want)
	}
	if !a.Hosting().Active {
		t.Fatal("answered No, yet hosting stopped")
	}
	answer = true
	a.SetRoomPeers(1)
	if a.OnBeforeClose(ctx) { // "Yes"
		t.Fatal("answered Yes, yet the window stays")
	}
	if asked[1] != "1 person is in the room you host. Closing Parley ends the room for everyone." {
		t.Fatalf("asked %q", asked[1])
	}
	a.Shutdown(ctx) // what Wails does next
	if a.Hosting().Active {
		t.Fatal("still hosting after Shutdown")
	}
}

func TestQuit(t *testing.T) {
	a, _ := newTestApp(t, Launch{})
	a.Startup(context.Background())
	info, err := a.StartHosting(HostRequest{Port: freePort(t)})
	if err != nil {
		t.Fatal(err)
	}
	guest := dialRoom(t, info.LocalURL, "demo", "Grace")
	a.SetRoomPeers(1)
	a.settings.Remember("camera", true) // a pending write is finished by Quit
	Quit(a)
	if p := guest.Next("server-closing"); p["reason"] != "host-stopped" {
		t.Fatalf("server-closing = %v", p)
	}
	if a.Hosting().Active {
		t.Fatal("still hosting after Quit")
	}
	if _, known := NewSettingsStore(a.settings.Path(), nil).Lookup("camera"); !known {
		t.Fatal("the remembered permission was not written before Quit returned")
	}
	// Wails' own signal handler runs OnBeforeClose too: it must not ask then.
	if a.OnBeforeClose(context.Background()) {
		t.Fatal("OnBeforeClose kept the window after Quit")
	}
}
