package webview

import "testing"

func TestSoftwareOnly(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == compositingEnv {
				return v
			}
			return ""
		}
	}
	for _, c := range []struct {
		name  string
		value string
		nodes []string
		want  bool
	}{
		{"no GPU: software GL", "", nil, true},
		{"a GPU render node", "", []string{"/dev/dri/renderD128"}, false},
		{"the user chose compositing", "0", nil, false},
		{"the user turned it off already", "1", []string{"/dev/dri/renderD128"}, false},
	} {
		if got := softwareOnly(env(c.value), c.nodes); got != c.want {
			t.Errorf("%s: softwareOnly = %v, want %v", c.name, got, c.want)
		}
	}
}
