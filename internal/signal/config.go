package signal

import (
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"time"
)

// DefaultPort is where a room server listens unless told otherwise: parley-server, and the desktop app when
// it hosts; clients assume it for an address given without a port.
const DefaultPort = 7800

// Config is everything a room server is made of. The zero value of each field means its default.
type Config struct {
	RoomCap     int         // members per room; default 16
	History     int         // chat messages a room keeps; default 200
	ICEServers  []ICEServer // handed to clients in the join ack
	CORSOrigins []string    // origins allowed besides the server's own and the desktop app's; "*" allows any
	// IPHostsOnly refuses requests whose Host is a name other than localhost. A room server on a LAN is reached by
	// its address; a name there can only come from DNS rebinding (a site that points its own name at the LAN
	// host, and so passes the same-origin check). The desktop app's host sets it.
	IPHostsOnly  bool
	PingInterval time.Duration // default 3 s
	PingTimeout  time.Duration // default 5 s: a frozen peer is gone within interval+timeout
	Limits       *Limits       // per-socket budgets; nil: DefaultLimits(); &Limits{}: none
	Frontend     fs.FS         // the built web frontend served at /; nil: a page that says it is missing
	Version      string
	Logger       *slog.Logger // nil: slog.Default()
}

// ICEServer is an RTCIceServer as browsers take it.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// ParseICEServer reads the --ice-server syntax: a URL, then optional comma-separated username=… and
// credential=…, e.g. "turn:turn.example.org:3478?transport=udp,username=alice,credential=s3cret".
func ParseICEServer(s string) (ICEServer, error) {
	parts := strings.Split(s, ",")
	url := strings.TrimSpace(parts[0])
	if !(strings.HasPrefix(url, "stun:") || strings.HasPrefix(url, "stuns:") ||
		strings.HasPrefix(url, "turn:") || strings.HasPrefix(url, "turns:")) {
		return ICEServer{}, fmt.Errorf("ice server %q: the URL must start with stun:, stuns:, turn: or turns:", s)
	}
	srv := ICEServer{URLs: []string{url}}
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		switch {
		case ok && k == "username":
			srv.Username = v
		case ok && k == "credential":
			srv.Credential = v
		default:
			return ICEServer{}, fmt.Errorf("ice server %q: %q is not username=… or credential=…", s, p)
		}
	}
	if strings.HasPrefix(url, "turn") && (srv.Username == "" || srv.Credential == "") {
		return ICEServer{}, fmt.Errorf("ice server %q: a TURN server needs username=… and credential=…", s)
	}
	return srv, nil
}

func (c Config) withDefaults() Config {
	if c.RoomCap <= 0 {
		c.RoomCap = 16
	}
	if c.History <= 0 {
		c.History = 200
	}
	if c.PingInterval <= 0 {
		c.PingInterval = 3 * time.Second
	}
	if c.PingTimeout <= 0 {
		c.PingTimeout = 5 * time.Second
	}
	if c.Limits == nil {
		l := DefaultLimits()
		c.Limits = &l
	}
	if c.ICEServers == nil {
		c.ICEServers = []ICEServer{}
	}
	if c.Version == "" {
		c.Version = "dev"
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
