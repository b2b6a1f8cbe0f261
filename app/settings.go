package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// MaxRecent is how many recent servers, and recent rooms, the settings keep.
const MaxRecent = 10

// maxSettingsFile bounds what LoadSettings reads: a bigger file is not ours.
const maxSettingsFile = 1 << 20

// PermissionKinds are the media permissions the webview asks for and the settings remember.
var PermissionKinds = []string{"camera", "microphone", "screen"}

// Settings are what the app remembers between runs (os.UserConfigDir()/parley/settings.json).
type Settings struct {
	Name          string          `json:"name"`
	RecentServers []string        `json:"recentServers"` // most recent first, at most 10
	RecentRooms   []string        `json:"recentRooms"`   // most recent first, at most 10
	Permissions   map[string]bool `json:"permissions"`   // "camera"/"microphone"/"screen" → allowed
	// Engine is the media engine the page uses: "auto" (the webview's RTCPeerConnection where it has one, else
	// the native engine) or "native" (always the native engine).
	Engine string `json:"engine"`
}

// The values of Settings.Engine.
const (
	EngineAuto   = "auto"
	EngineNative = "native"
)

// SettingsStore keeps Settings in a JSON file, written atomically. It reads the file on first use, so creating
// one has no side effects. It also remembers the webview's media permissions (Lookup, Remember: the
// webview.Permissions interface). It is safe for concurrent use.
type SettingsStore struct {
	path string // "" until resolved; see file()
	log  *slog.Logger

	mu     sync.Mutex
	loaded bool
	cur    Settings

	writeMu sync.Mutex     // one file write at a time
	pending sync.WaitGroup // background writes (Remember)
}

// NewSettingsStore returns a store for the file at path; "" means DefaultSettingsPath (resolved on first use).
// A nil log discards.
func NewSettingsStore(path string, log *slog.Logger) *SettingsStore {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &SettingsStore{path: path, log: log}
}

// DefaultSettingsPath is os.UserConfigDir()/parley/settings.json ($XDG_CONFIG_HOME/parley/settings.json, else
// ~/.config/parley/settings.json on Linux).
func DefaultSettingsPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "parley", "settings.json"), nil
}

// Path is the settings file, or "" when the user has no config dir.
func (s *SettingsStore) Path() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, _ := s.file()
	return p
}

func (s *SettingsStore) file() (string, error) {
	if s.path != "" {
		return s.path, nil
	}
	p, err := DefaultSettingsPath()
	if err != nil {
		return "", err
	}
	s.path = p
	return p, nil
}

// Load returns the settings: the file's, or the defaults when it is missing or unreadable (logged).
func (s *SettingsStore) Load() Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.load()
	return clone(s.cur)
}

// load reads the file once; s.mu is held.
func (s *SettingsStore) load() {
	if s.loaded {
		return
	}
	s.loaded = true
	s.cur = normalise(Settings{})
	path, err := s.file()
	if err != nil {
		s.log.Warn("settings: no config dir, using defaults", "err", err)
		return
	}
	b, err := readLimited(path, maxSettingsFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return
	case err != nil:
		s.log.Warn("settings: unreadable, using defaults", "path", path, "err", err)
		return
	}
	var st Settings
	if err := json.Unmarshal(b, &st); err != nil {
		s.log.Warn("settings: corrupt file, using defaults (it is replaced on the next save)", "path", path, "err", err)
		return
	}
	s.cur = normalise(st)
}

// Save stores st, except its Permissions: the page cannot grant itself the camera or forget the user's answers
// (only the webview's dialog changes them, through Remember). The settings hold for this run even when writing
// the file fails.
func (s *SettingsStore) Save(st Settings) error {
	s.mu.Lock()
	s.load()
	st.Permissions = s.cur.Permissions
	s.cur = normalise(st)
	s.mu.Unlock()
	return s.persist()
}

// Lookup reports the remembered answer for a media permission ("camera", "microphone", "screen").
func (s *SettingsStore) Lookup(kind string) (allow, known bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.load()
	allow, known = s.cur.Permissions[kind]
	return allow, known
}

// Remember stores the user's answer for a media permission. It returns at once (the webview calls it on the
// GTK thread); the file is written in the background and a failure is logged.
func (s *SettingsStore) Remember(kind string, allow bool) {
	if !validPermission(kind) {
		s.log.Warn("settings: unknown permission kind not remembered", "kind", kind)
		return
	}
	s.mu.Lock()
	s.load()
	next := clone(s.cur)
	next.Permissions[kind] = allow
	s.cur = next
	s.mu.Unlock()
	s.pending.Add(1)
	go func() {
		defer s.pending.Done()
		if err := s.persist(); err != nil {
			s.log.Warn("settings: saving a permission", "kind", kind, "err", err)
		}
	}()
}

// Flush waits until the background writes Remember started are done.
func (s *SettingsStore) Flush() { s.pending.Wait() }

// persist writes the current settings. Writers take turns and each writes the settings as they are when its
// turn comes, so the file ends with the latest.
func (s *SettingsStore) persist() error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mu.Lock()
	st := clone(s.cur)
	path, err := s.file()
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	return writeAtomic(path, st)
}

// writeAtomic replaces the file at path (a temporary file in the same directory, then a rename), so a crash
// leaves either the old settings or the new ones.
func writeAtomic(path string, st Settings) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".settings-*.tmp")
	if err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("settings: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("settings: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	return nil
}

// normalise trims the name, deduplicates and caps the recent lists (keeping the first, most recent,
// occurrence), drops empty entries and unknown permission kinds, and never leaves a nil slice or map.
func normalise(st Settings) Settings {
	name := strings.TrimSpace(st.Name)
	if utf8.RuneCountInString(name) > maxNameLen {
		name = string([]rune(name)[:maxNameLen])
	}
	perms := map[string]bool{}
	for k, v := range st.Permissions {
		if validPermission(k) {
			perms[k] = v
		}
	}
	return Settings{
		Name:          name,
		RecentServers: recent(st.RecentServers),
		RecentRooms:   recent(st.RecentRooms),
		Permissions:   perms,
		Engine:        engineSetting(st.Engine),
	}
}

// engineSetting keeps a known engine choice; anything else (absent, a typo, an older file) is "auto".
func engineSetting(v string) string {
	if v == EngineNative {
		return v
	}
	return EngineAuto
}

func recent(list []string) []string {
	out := make([]string, 0, min(len(list), MaxRecent))
	for _, v := range list {
		v = strings.TrimSpace(v)
		if v == "" || len(v) > 2048 || slices.Contains(out, v) {
			continue
		}
		out = append(out, v)
		if len(out) == MaxRecent {
			break
		}
	}
	return out
}

func clone(st Settings) Settings {
	st.RecentServers = slices.Clone(st.RecentServers)
	st.RecentRooms = slices.Clone(st.RecentRooms)
	st.Permissions = maps.Clone(st.Permissions)
	return st
}

func validPermission(kind string) bool { return slices.Contains(PermissionKinds, kind) }

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(b)) > limit {
		err = fmt.Errorf("more than %d bytes", limit)
	}
	return b, err
}
