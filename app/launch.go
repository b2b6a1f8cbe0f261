package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/parley-app/parley/internal/signal"
)

// Launch modes.
const (
	ModeHost = "host"
	ModeJoin = "join"
)

// Launch is what the command line asked for, as the page reads it (Launch()).
type Launch struct {
	Mode   string `json:"mode"`   // "", "host" or "join"
	Server string `json:"server"` // join: the server URL (http(s)://host[:port]); host: the LocalURL once hosting
	Room   string `json:"room"`
	Name   string `json:"name"`
	Stats  bool   `json:"stats"`
	// Stamp: draw the clock into the camera picture and read it from the others' (make bench's glass-to-glass
	// latency; PARLEY_BENCH_STAMP=1, never set by a user).
	Stamp bool `json:"stamp"`
}

// CommandLine is the parsed command line: the Launch for the page and what main() needs besides.
type CommandLine struct {
	Launch Launch
	Port   int // --port (host only); 0: DefaultPort
}

// ErrUsage is returned (wrapped) for a bad command line: main prints it and exits with status 2.
var ErrUsage = errors.New("usage")

const usage = `Usage:
  parley                                                   open the lobby
  parley --host --room R --name N [--port P] [--stats]     host room R on this computer and join it as N
  parley --join URL --room R --name N [--stats]            join room R on the server at URL as N

URL is http(s)://host[:port] or host[:port] (default port %d); an invitation link (URL/?room=R) also gives the room.
--stats prints one JSON line per second for each remote participant and one for the local media.

Flags:
`

// ParseCommandLine reads the app's flags (os.Args[1:]). Errors and --help's text go to stderr; a bad command
// line gives an error wrapping ErrUsage, --help gives flag.ErrHelp.
func ParseCommandLine(args []string, stderr io.Writer) (CommandLine, error) {
	fl := flag.NewFlagSet("parley", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprintf(stderr, usage, DefaultPort)
		fl.PrintDefaults()
	}
	var (
		host  = fl.Bool("host", false, "host a room on this computer (all interfaces) and join it")
		join  = fl.String("join", "", "join a room on the server at this `URL`")
		room  = fl.String("room", "", "the `room` name: 1-64 of A-Z a-z 0-9 . _ -")
		name  = fl.String("name", "", "your display `name` (1-40 characters)")
		port  = fl.Int("port", 0, fmt.Sprintf("with --host: the `port` to listen on (default %d; a free one if it is taken)", DefaultPort))
		stats = fl.Bool("stats", false, "print call statistics as JSON lines on stdout, once a second")
	)
	// macOS Finder passes -psn_…; nothing else is expected outside our flags.
	var rest []string
	for _, a := range args {
		if !strings.HasPrefix(a, "-psn_") {
			rest = append(rest, a)
		}
	}
	if err := fl.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return CommandLine{}, err
		}
		return CommandLine{}, fmt.Errorf("%w: %v", ErrUsage, err) // the flag package has printed it and the usage
	}
	bad := func(format string, a ...any) (CommandLine, error) {
		err := fmt.Errorf("%w: %s", ErrUsage, fmt.Sprintf(format, a...))
		fmt.Fprintf(stderr, "parley: %s\nRun 'parley --help' for usage.\n", strings.TrimPrefix(err.Error(), "usage: "))
		return CommandLine{}, err
	}
	if fl.NArg() > 0 {
		return bad("unexpected argument %q", fl.Arg(0))
	}
	set := map[string]bool{}
	fl.Visit(func(f *flag.Flag) { set[f.Name] = true })

	cl := CommandLine{Launch: Launch{Stats: *stats}}
	switch {
	case *host && set["join"]:
		return bad("--host and --join do not go together")
	case *host:
		cl.Launch.Mode = ModeHost
	case set["join"]:
		cl.Launch.Mode = ModeJoin
		server, linkRoom, err := NormaliseServerURL(*join)
		if err != nil {
			return bad("--join: %v", err)
		}
		cl.Launch.Server = server
		if !set["room"] && linkRoom != "" {
			*room, set["room"] = linkRoom, true
		}
	}
	if set["port"] {
		if cl.Launch.Mode != ModeHost {
			return bad("--port goes with --host")
		}
		if *port < 1 || *port > 65535 {
			return bad("--port: %d is not a port (1 to 65535)", *port)
		}
		cl.Port = *port
	}
	if cl.Launch.Mode != "" {
		if !set["room"] || !set["name"] {
			return bad("--%s needs --room and --name", cl.Launch.Mode)
		}
	}
	if set["room"] {
		if err := signal.CheckRoom(*room); err != nil {
			return bad("--room: %v", err)
		}
		cl.Launch.Room = *room
	}
	if set["name"] {
		n, err := signal.CleanName(*name)
		if err != nil {
			return bad("--name: %v", err)
		}
		cl.Launch.Name = n
	}
	return cl, nil
}

// NormaliseServerURL turns what a person types for a server into http(s)://host[:port]: an http or https URL
// (its path is dropped; a ?room=R query is returned as room) or host[:port] (http, default port 7800).
func NormaliseServerURL(s string) (server, room string, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "", errors.New("empty server address")
	}
	if !strings.Contains(s, "://") {
		s = "http://" + s
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return "", "", fmt.Errorf("%q is not host[:port] or an http(s) URL", strings.TrimPrefix(s, "http://"))
		}
		if u.Port() == "" {
			u.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(DefaultPort))
		}
		s = u.String()
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", "", fmt.Errorf("%q is not a URL", s)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", "", fmt.Errorf("%q: only http:// and https:// servers", s)
	}
	if u.User != nil {
		return "", "", fmt.Errorf("%q: no user name or password in the server address", s)
	}
	if u.Hostname() == "" {
		return "", "", fmt.Errorf("%q has no host", s)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", "", fmt.Errorf("%q: port %s is not 1 to 65535", s, p)
		}
	}
	if u.Path != "" && u.Path != "/" {
		return "", "", fmt.Errorf("%q: a Parley server has no path (give only scheme://host:port)", s)
	}
	room = u.Query().Get("room")
	if room != "" && signal.CheckRoom(room) != nil {
		room = ""
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), room, nil
}

const maxNameLen = signal.MaxNameLen
