package config

import (
	"strings"
	"testing"
)

// TestConfigGaps: every configured address's port is checked, a collector setting that does
// nothing without users is an error, and an unknown key is named by its full path.
func TestConfigGaps(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string // part of the error; "" means valid
	}{
		{"a hosts entry's port", "hosts: {beta: {url: \"http://127.0.0.1:99999\", username: a, password: b}}",
			"hosts.beta.url: port 99999 is out of range: want 1 to 65535"},
		{"port 0 is no Monit's", "hosts: {beta: {url: \"http://127.0.0.1:0\", username: a, password: b}}",
			"hosts.beta.url: port 0 is out of range"},
		{"the highest port", "hosts: {beta: {url: \"http://127.0.0.1:65535\", username: a, password: b}}", ""},
		{"the one poll target's port", "monit: {url: \"http://127.0.0.1:65536\"}", "monit.url: port 65536 is out of range"},
		{"a poll target of a list", "monit: [{url: \"http://127.0.0.1:2812\"}, {url: \"https://10.0.0.2:280000\"}]",
			"monit[1].url: port 280000 is out of range"},
		{"ollama's port", "ollama: {url: \"http://127.0.0.1:114340\"}", "ollama.url: port 114340 is out of range"},
		{"the notification base URL's port", "notify_base_url: \"https://monit.lan:99999\"", "notify_base_url: port 99999 is out of range"},
		{"a webhook's port, not its token", "notify: [{url: \"https://hooks.lan:99999/hook?token=hunter2\"}]",
			"notify[0].url: port 99999 is out of range"},
		{"listen's port", "listen: \"127.0.0.1:99999\"", "listen: port 99999 is out of range: want 0 (any free port) to 65535"},
		{"metrics.listen's port", "metrics: {listen: \"127.0.0.1:70000\"}", "metrics.listen: port 70000 is out of range"},
		{"listen on any free port", "listen: \"127.0.0.1:0\"", ""},
		{"collector.max_bytes without users", "collector: {max_bytes: 1000}",
			"collector.max_bytes: is set, but without collector.users the collector is off"},
		{"collector.max_bytes with users", "collector: {max_bytes: 1000, users: {monit: pw}}", ""},
		{"collector.stale_after applies to polled hosts", "collector: {stale_after: 5}", ""},
		{"unknown key in a hosts entry", "hosts:\n  beta:\n    user: admin\n", "line 3: unknown key hosts.beta.user"},
		{"unknown key in the collector", "collector:\n  maxbytes: 10\n", "line 2: unknown key collector.maxbytes"},
		{"unknown key in a list item's map", "monit:\n  - url: http://a:1\n  - url: https://b:1\n    tls: {cafile: x}\n",
			"line 4: unknown key monit[1].tls.cafile"},
		{"unknown key in a notify target", "notify:\n  - url: ntfy://ntfy.sh/x\n    event: [NEW]\n", "line 3: unknown key notify[0].event"},
		{"unknown key at the top", "retension: 1h\n", "line 1: unknown key retension"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkYAML(t, tt.yaml, tt.want)
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error shows a token: %v", err)
			}
		})
	}
}

// checkYAML decodes and validates a configuration and checks the error: want is part of it,
// or "" for none. It returns the error.
func checkYAML(t *testing.T, yaml, want string) error {
	t.Helper()
	c := Default()
	err := decode(strings.NewReader(yaml), &c)
	if err == nil {
		err = c.Validate()
	}
	if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
		t.Errorf("decode+Validate(%q) error = %v, want %q", yaml, err, want)
	}
	return err
}
