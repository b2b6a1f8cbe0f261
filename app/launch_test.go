package app

import (
	"errors"
	"flag"
	"strings"
	"testing"
)

func TestParseCommandLine(t *testing.T) {
	ok := []struct {
		args []string
		want CommandLine
	}{
		{nil, CommandLine{}},
		{[]string{"-psn_0_12345"}, CommandLine{}},
		{[]string{"--stats"}, CommandLine{Launch: Launch{Stats: true}}},
		{[]string{"--host", "--room", "demo", "--name", "Ada"},
			CommandLine{Launch: Launch{Mode: "host", Room: "demo", Name: "Ada"}}},
		{[]string{"-host", "-room=demo", "-name= Ada ", "-port", "9000", "-stats"},
			CommandLine{Launch: Launch{Mode: "host", Room: "demo", Name: "Ada", Stats: true}, Port: 9000}},
		{[]string{"--join", "http://192.168.1.5:7800", "--room", "a.b_c-D", "--name", "Grace Hopper"},
			CommandLine{Launch: Launch{Mode: "join", Server: "http://192.168.1.5:7800", Room: "a.b_c-D", Name: "Grace Hopper"}}},
		{[]string{"--join", "192.168.1.5:7900", "--room", "r", "--name", "n", "--stats"},
			CommandLine{Launch: Launch{Mode: "join", Server: "http://192.168.1.5:7900", Room: "r", Name: "n", Stats: true}}},
		{[]string{"--join", "HTTPS://Meet.Example.org/", "--room", "r", "--name", "n"},
			CommandLine{Launch: Launch{Mode: "join", Server: "https://meet.example.org", Room: "r", Name: "n"}}},
		{[]string{"--join", "http://192.168.1.5:7800/?room=standup", "--name", "n"}, // an invitation link
			CommandLine{Launch: Launch{Mode: "join", Server: "http://192.168.1.5:7800", Room: "standup", Name: "n"}}},
		{[]string{"--join", "http://192.168.1.5:7800/?room=standup", "--room", "other", "--name", "n"},
			CommandLine{Launch: Launch{Mode: "join", Server: "http://192.168.1.5:7800", Room: "other", Name: "n"}}},
		{[]string{"--room", "demo", "--name", "Ada"}, // lobby, prefilled
			CommandLine{Launch: Launch{Room: "demo", Name: "Ada"}}},
	}
	for _, c := range ok {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var stderr strings.Builder
			got, err := ParseCommandLine(c.args, &stderr)
			if err != nil || got != c.want {
				t.Fatalf("got %+v, %v; want %+v (stderr %q)", got, err, c.want, stderr.String())
			}
			if stderr.Len() != 0 {
				t.Errorf("stderr %q", stderr.String())
			}
		})
	}

	bad := []struct {
		args []string
		msg  string // in stderr
	}{
		{[]string{"--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"--host", "--join", "h:1", "--room", "r", "--name", "n"}, "do not go together"},
		{[]string{"--host", "--room", "demo"}, "--host needs --room and --name"},
		{[]string{"--host", "--name", "Ada"}, "--host needs --room and --name"},
		{[]string{"--join", "h:1", "--name", "n"}, "--join needs --room and --name"},
		{[]string{"--host", "--room", "de mo", "--name", "Ada"}, "--room:"},
		{[]string{"--host", "--room", strings.Repeat("r", 65), "--name", "Ada"}, "--room: 1 to 64"},
		{[]string{"--host", "--room", "", "--name", "Ada"}, "--room: 1 to 64"},
		{[]string{"--host", "--room", "démo", "--name", "Ada"}, "--room:"},
		{[]string{"--host", "--room", "r", "--name", "   "}, "--name: 1 to 40"},
		{[]string{"--host", "--room", "r", "--name", strings.Repeat("é", 41)}, "--name: 1 to 40"},
		{[]string{"--host", "--room", "r", "--name", "a\u202Eb"}, "--name: control character"},
		{[]string{"--host", "--room", "r", "--name", "a\nb"}, "--name: control character"},
		{[]string{"--host", "--room", "r", "--name", "n", "--port", "0"}, "--port: 0 is not a port"},
		{[]string{"--host", "--room", "r", "--name", "n", "--port", "70000"}, "--port: 70000"},
		{[]string{"--host", "--room", "r", "--name", "n", "--port", "x"}, "invalid value"},
		{[]string{"--join", "h:1", "--room", "r", "--name", "n", "--port", "9000"}, "--port goes with --host"},
		{[]string{"--join", "", "--room", "r", "--name", "n"}, "--join: empty server address"},
		{[]string{"--join", "ftp://h", "--room", "r", "--name", "n"}, "only http:// and https://"},
		{[]string{"--join", "ws://h:1", "--room", "r", "--name", "n"}, "only http:// and https://"},
		{[]string{"--join", "http://u:p@h:1", "--room", "r", "--name", "n"}, "no user name"},
		{[]string{"--join", "http://h:1/some/path", "--room", "r", "--name", "n"}, "has no path"},
		{[]string{"--join", "h:99999", "--room", "r", "--name", "n"}, "--join:"},
		{[]string{"--join", "http://", "--room", "r", "--name", "n"}, "has no host"},
	}
	for _, c := range bad {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var stderr strings.Builder
			got, err := ParseCommandLine(c.args, &stderr)
			if !errors.Is(err, ErrUsage) {
				t.Fatalf("got %+v, %v; want a usage error", got, err)
			}
			if !strings.Contains(stderr.String(), c.msg) {
				t.Fatalf("stderr %q, want it to say %q", stderr.String(), c.msg)
			}
		})
	}

	var stderr strings.Builder
	if _, err := ParseCommandLine([]string{"--help"}, &stderr); !errors.Is(err, flag.ErrHelp) ||
		!strings.Contains(stderr.String(), "parley --host --room R --name N") {
		t.Fatalf("--help: %v, %q", err, stderr.String())
	}
}

func TestNormaliseServerURL(t *testing.T) {
	cases := []struct{ in, server, room string }{
		{"192.168.1.5", "http://192.168.1.5:7800", ""},
		{"  192.168.1.5:7801 ", "http://192.168.1.5:7801", ""},
		{"[fd00::2]:7800", "http://[fd00::2]:7800", ""},
		{"[fd00::2]", "http://[fd00::2]:7800", ""},
		{"Host.LAN", "http://host.lan:7800", ""},
		{"http://host.lan", "http://host.lan", ""},
		{"https://meet.example.org:8443/?room=standup&x=1", "https://meet.example.org:8443", "standup"},
		{"http://h:1/?room=bad%20room", "http://h:1", ""},
	}
	for _, c := range cases {
		server, room, err := NormaliseServerURL(c.in)
		if err != nil || server != c.server || room != c.room {
			t.Errorf("NormaliseServerURL(%q) = %q, %q, %v; want %q, %q", c.in, server, room, err, c.server, c.room)
		}
	}
}
