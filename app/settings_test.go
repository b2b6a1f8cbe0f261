package app

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func TestSettingsPathHonoursXDG(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	st := NewSettingsStore("", nil)
	if got, want := st.Path(), filepath.Join(dir, "parley", "settings.json"); got != want {
		t.Fatalf("path %q, want %q", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "parley")); !os.IsNotExist(err) {
		t.Fatalf("creating a store or asking its path must not touch the disk: %v", err)
	}
}

func TestSettingsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	log, _ := testLogger(t)
	a := New(Config{Logger: log, Frontend: testFrontend}) // the default store: $XDG_CONFIG_HOME/parley

	def := a.LoadSettings()
	if want := (Settings{RecentServers: []string{}, RecentRooms: []string{}, Permissions: map[string]bool{}, Engine: EngineAuto}); !reflect.DeepEqual(def, want) {
		t.Fatalf("defaults = %#v", def)
	}
	in := Settings{
		Name:          "  Ada Lovelace ",
		RecentServers: []string{"http://192.168.1.5:7800", "https://meet.example.org"},
		RecentRooms:   []string{"standup", "demo"},
		Permissions:   map[string]bool{"camera": true, "microphone": false},
		Engine:        EngineNative,
	}
	if err := a.SaveSettings(in); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "parley", "settings.json")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("settings file mode %v: readable by others", fi.Mode())
	}
	want := in
	want.Name = "Ada Lovelace"
	want.Permissions = map[string]bool{} // the page cannot set them: only the webview's dialog does (Remember)
	if got := a.LoadSettings(); !reflect.DeepEqual(got, want) {
		t.Fatalf("LoadSettings = %#v, want %#v", got, want)
	}
	// A new run reads the file.
	b := New(Config{Logger: log, Frontend: testFrontend})
	if got := b.LoadSettings(); !reflect.DeepEqual(got, want) {
		t.Fatalf("next run: LoadSettings = %#v, want %#v", got, want)
	}
	raw, _ := os.ReadFile(path)
	var onDisk map[string]any
	if err := json.Unmarshal(raw, &onDisk); err != nil || onDisk["name"] != "Ada Lovelace" {
		t.Fatalf("file %s: %v", raw, err)
	}
	// Nothing but the settings file is left in the directory (no temporary files).
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("config dir holds %v", entries)
	}
	// What LoadSettings returns is a copy.
	got := b.LoadSettings()
	got.RecentRooms[0] = "changed"
	got.Permissions["screen"] = true
	if again := b.LoadSettings(); !reflect.DeepEqual(again, want) {
		t.Fatalf("LoadSettings shares memory with the store: %#v", again)
	}
}

func TestSettingsCorruptOrMissing(t *testing.T) {
	for name, content := range map[string]string{
		"corrupt":    "{not json",
		"wrong type": `{"name": 5, "recentRooms": "x"}`,
		"empty":      "",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "settings.json")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			log, logBuf := testLogger(t)
			st := NewSettingsStore(path, log)
			if got := st.Load(); got.Name != "" || len(got.RecentRooms) != 0 || got.RecentRooms == nil || got.Permissions == nil {
				t.Fatalf("Load = %#v, want the defaults", got)
			}
			if !strings.Contains(logBuf.String(), "corrupt file, using defaults") {
				t.Fatalf("no log line about the corrupt file: %q", logBuf.String())
			}
			if _, known := st.Lookup("camera"); known {
				t.Fatal("a permission known from a corrupt file")
			}
			// The next save replaces it.
			if err := st.Save(Settings{Name: "Ada"}); err != nil {
				t.Fatal(err)
			}
			if got := NewSettingsStore(path, log).Load(); got.Name != "Ada" {
				t.Fatalf("after save: %#v", got)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		log, logBuf := testLogger(t)
		st := NewSettingsStore(filepath.Join(t.TempDir(), "nested", "dir", "settings.json"), log)
		if got := st.Load(); got.Name != "" || got.RecentServers == nil {
			t.Fatalf("Load = %#v", got)
		}
		if logBuf.String() != "" {
			t.Errorf("a missing file is normal, yet logged: %q", logBuf.String())
		}
		if err := st.Save(Settings{Name: "Ada"}); err != nil { // creates the directories
			t.Fatal(err)
		}
	})
	t.Run("unwritable", func(t *testing.T) {
		dir := t.TempDir()
		blocker := filepath.Join(dir, "file")
		if err := os.WriteFile(blocker, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		st := NewSettingsStore(filepath.Join(blocker, "settings.json"), nil) // a file where the directory should be
		if err := st.Save(Settings{Name: "Ada"}); err == nil {
			t.Fatal("Save into a file's path: no error")
		}
		if st.Load().Name != "Ada" {
			t.Fatal("the settings should hold for this run even when the file cannot be written")
		}
	})
}

func TestSettingsRecentListsAndCaps(t *testing.T) {
	var servers, rooms []string
	for i := range 15 {
		servers = append(servers, fmt.Sprintf("http://10.0.0.%d:7800", i))
		rooms = append(rooms, fmt.Sprintf("room-%d", i))
	}
	servers = append([]string{"http://10.0.0.3:7800", " ", ""}, servers...) // a repeat of an older one, blanks
	rooms = append([]string{"room-5", "room-5"}, rooms...)
	st := NewSettingsStore(filepath.Join(t.TempDir(), "settings.json"), nil)
	if err := st.Save(Settings{Name: strings.Repeat("n", 60), RecentServers: servers, RecentRooms: rooms,
		Permissions: map[string]bool{"camera": true, "geolocation": true}}); err != nil {
		t.Fatal(err)
	}
	got := st.Load()
	wantServers := []string{"http://10.0.0.3:7800", "http://10.0.0.0:7800", "http://10.0.0.1:7800", "http://10.0.0.2:7800",
		"http://10.0.0.4:7800", "http://10.0.0.5:7800", "http://10.0.0.6:7800", "http://10.0.0.7:7800", "http://10.0.0.8:7800",
		"http://10.0.0.9:7800"}
	wantRooms := []string{"room-5", "room-0", "room-1", "room-2", "room-3", "room-4", "room-6", "room-7", "room-8", "room-9"}
	if !reflect.DeepEqual(got.RecentServers, wantServers) {
		t.Errorf("servers = %q\nwant %q", got.RecentServers, wantServers)
	}
	if !reflect.DeepEqual(got.RecentRooms, wantRooms) {
		t.Errorf("rooms = %q\nwant %q", got.RecentRooms, wantRooms)
	}
	if len([]rune(got.Name)) != 40 {
		t.Errorf("name not capped at 40: %q", got.Name)
	}
	if len(got.Permissions) != 0 {
		t.Errorf("the page set permissions: %v", got.Permissions)
	}
}

func TestSettingsPermissions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	st := NewSettingsStore(path, nil)
	if _, known := st.Lookup("camera"); known {
		t.Fatal("camera known before any answer")
	}
	st.Remember("camera", true)
	st.Remember("microphone", false)
	st.Remember("geolocation", true) // not ours: ignored
	if allow, known := st.Lookup("camera"); !allow || !known {
		t.Fatalf("camera: %v %v", allow, known)
	}
	st.Flush()

	next := NewSettingsStore(path, nil) // the next run
	for kind, want := range map[string][2]bool{"camera": {true, true}, "microphone": {false, true}, "screen": {false, false}, "geolocation": {false, false}} {
		if allow, known := next.Lookup(kind); allow != want[0] || known != want[1] {
			t.Errorf("%s: %v %v, want %v", kind, allow, known, want)
		}
	}
	// The page can neither forget the user's answers nor grant itself anything.
	for _, p := range []map[string]bool{nil, {}, {"camera": false, "microphone": true, "screen": true}} {
		if err := next.Save(Settings{Name: "Ada", Permissions: p}); err != nil {
			t.Fatal(err)
		}
		again := NewSettingsStore(path, nil)
		for kind, want := range map[string][2]bool{"camera": {true, true}, "microphone": {false, true}, "screen": {false, false}} {
			if allow, known := again.Lookup(kind); allow != want[0] || known != want[1] {
				t.Fatalf("after SaveSettings(permissions %v), %s: %v %v, want %v", p, kind, allow, known, want)
			}
		}
	}

	// Concurrent answers and saves: the file ends with the latest state.
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				next.Remember(PermissionKinds[i%3], i%4 == 0)
			} else if err := next.Save(Settings{Name: fmt.Sprint("n", i)}); err != nil {
				t.Error(err)
			}
			next.Lookup("camera")
		}()
	}
	wg.Wait()
	next.Flush()
	if mem, disk := next.Load(), NewSettingsStore(path, nil).Load(); !reflect.DeepEqual(mem, disk) {
		t.Fatalf("memory %#v\ndisk %#v", mem, disk)
	}
}

func TestSettingsEngineChoice(t *testing.T) {
	for in, want := range map[string]string{"": EngineAuto, "auto": EngineAuto, "native": EngineNative, "NATIVE": EngineAuto, "browser": EngineAuto} {
		st := NewSettingsStore(filepath.Join(t.TempDir(), "settings.json"), nil)
		if err := st.Save(Settings{Engine: in}); err != nil {
			t.Fatal(err)
		}
		if got := st.Load().Engine; got != want {
			t.Errorf("engine %q saved, %q loaded, want %q", in, got, want)
		}
	}
}
