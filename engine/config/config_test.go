package config

import (
	"strings"
	"testing"
	"time"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		env     map[string]string
		check   func(t *testing.T, c Config)
		wantErr []string
	}{
		{name: "defaults without a file", check: func(t *testing.T, c Config) {
			if c.Monit.URL != "http://127.0.0.1:2812" || c.Monit.Interval.D() != 5*time.Minute ||
				c.Monit.Timeout.D() != 10*time.Second || c.DataDir != "./data" ||
				c.Retention.D() != 720*time.Hour || c.Listen != "127.0.0.1:8000" || c.Ollama.Model != "llama3.1:8b" ||
				c.Ollama.Concurrency != 1 || c.Ollama.Queue != 4 {
				t.Errorf("Load(\"\") = %+v, want the documented defaults", c)
			}
		}},
		{name: "full file", file: "full.yaml", check: func(t *testing.T, c Config) {
			if c.Monit.Interval.D() != time.Minute || c.Monit.Password != "from-file" || c.Retention.D() != 168*time.Hour {
				t.Errorf("monit = %+v retention %v", c.Monit, c.Retention.D())
			}
			if s := c.Logs["system_backup"]; s.Strategy != "glob" || s.MaxLines != 150 {
				t.Errorf("logs.system_backup = %+v", s)
			}
			if c.Actions.Units["nordvpn_status"] != "nordvpnd.service" || !c.Actions.Sudo {
				t.Errorf("actions = %+v", c.Actions)
			}
			if strings.Join(c.API.AllowedHosts, ",") != "monit.home.arpa,192.168.1.5,[fd00::5]" {
				t.Errorf("api.allowed_hosts = %v", c.API.AllowedHosts)
			}
		}},
		{name: "environment overrides the file", file: "full.yaml",
			env: map[string]string{"MONIT_URL": "http://10.0.0.2:2812", "MONIT_USER": "ops",
				"MONIT_PASSWORD": "from-env", "MONIT_INTEL_TOKEN": "tok"},
			check: func(t *testing.T, c Config) {
				if c.Monit.URL != "http://10.0.0.2:2812" || c.Monit.Username != "ops" ||
					c.Monit.Password != "from-env" || c.API.Token != "tok" {
					t.Errorf("Load() = %+v %+v, want the environment's values", c.Monit, c.API)
				}
			}},
		{name: "unknown key names the key", file: "unknown_key.yaml", wantErr: []string{"line 3: unknown key monit.intervall"}},
		{name: "bad duration", file: "bad_duration.yaml", wantErr: []string{"five minutes"}},
		{name: "every bad value is reported", file: "bad_values.yaml",
			wantErr: []string{"monit.url", "monit.interval", "retention", "raw_retention", "listen", `ftp://…@monit`, "ollama.url",
				`"…@gpu.lan"`, "api.allowed_hosts[0]", "api.allowed_hosts[1]", "api.allowed_hosts[2]", "api.allowed_hosts[3]"}},
		{name: "logs, units and model limits are checked with the rest", file: "bad_sections.yaml",
			wantErr: []string{"ollama.concurrency", "ollama.queue", "logs.system_backup.path", "logs.nordvpn_status.unit",
				"actions.units.nordvpn_status"}},
		{name: "replay", file: "replay.yaml", check: func(t *testing.T, c Config) {
			want := Replay{Timeline: "../../testdata/demo/timeline", Logs: "../../testdata/demo/logs", LogsOut: "data/demo-logs"}
			if c.Monit.Replay != want || c.Monit.Interval.D() != 30*time.Second {
				t.Errorf("monit = %+v, want replay %+v every 30s", c.Monit, want)
			}
		}},
		{name: "replay of a timeline that is not there", file: "replay_missing.yaml",
			wantErr: []string{"monit.replay.timeline", "no-such-timeline", "monit.replay.logs", "no-such-logs"}},
		{name: "replay logs need a timeline and somewhere to go", file: "replay_no_out.yaml",
			wantErr: []string{"monit.replay.logs_out", "monit.replay.timeline"}},
		{name: "metrics on their own listener", file: "metrics_listen.yaml", check: func(t *testing.T, c Config) {
			if c.Metrics.Listen != "127.0.0.1:9813" {
				t.Errorf("metrics.listen = %q, want 127.0.0.1:9813", c.Metrics.Listen)
			}
		}},
		{name: "metrics on the API's address", file: "bad_metrics_same.yaml", wantErr: []string{"metrics.listen", "must differ from listen"}},
		{name: "metrics listen without host", file: "bad_metrics_port.yaml", wantErr: []string{"metrics.listen", "want host:port"}},
		{name: "a list of Monits", file: "fleet.yaml", check: func(t *testing.T, c Config) {
			got := c.MonitTargets()
			if len(got) != 2 || got[0].Interval.D() != 30*time.Second || got[1].Interval.D() != 5*time.Minute ||
				got[1].Timeout.D() != 10*time.Second || got[1].Password != "two" || c.Monit.URL != got[0].URL {
				t.Errorf("MonitTargets() = %+v, want two with the defaults filled", got)
			}
			if c.Collector.Users["monit"] != "push-secret" || c.Collector.MaxBytes != 1<<20 {
				t.Errorf("collector = %+v", c.Collector)
			}
		}},
		{name: "one Monit is one target", check: func(t *testing.T, c Config) {
			if got := c.MonitTargets(); len(got) != 1 || got[0].URL != "http://127.0.0.1:2812" {
				t.Errorf("MonitTargets() = %+v", got)
			}
		}},
		{name: "an empty list polls nothing", file: "push_only.yaml", check: func(t *testing.T, c Config) {
			if got := c.MonitTargets(); len(got) != 0 {
				t.Errorf("MonitTargets() = %+v, want none", got)
			}
		}},
		{name: "unknown key in a list item", file: "fleet_unknown_key.yaml", wantErr: []string{"line 3: unknown key monit[0].intervall"}},
		{name: "bad fleet values", file: "fleet_bad.yaml",
			wantErr: []string{"monit[0].url", "monit[0].interval", "collector.users", `"a:b"`, "collector.users.empty", `user name ""`, `"two words"`,
				"stale_after"}},
		{name: "hosts for actions on other Monits", file: "hosts.yaml", check: func(t *testing.T, c Config) {
			w, db := c.Hosts["web2"], c.Hosts["db.home.arpa"]
			if len(c.Hosts) != 2 || w.URL != "http://10.0.0.12:2812" || w.Username != "admin" || w.Password != "hunter2-web2" {
				t.Errorf("hosts = %+v, want web2 and db.home.arpa", c.Hosts)
			}
			if o := db.MonitOptions(); o.URL != "https://db.home.arpa:2812" || o.TLS.ServerName != "db.home.arpa" ||
				!o.TLS.InsecureSkipVerify || o.Password != "hunter2-db" {
				t.Errorf("hosts.db.home.arpa.MonitOptions() = %+v", o)
			}
		}},
		{name: "bad hosts entries", file: "hosts_bad.yaml",
			wantErr: []string{"hosts.nourl.url", "hosts.ftp.url", `"ftp://10.0.0.1:2812"`, "hosts.inurl.url: must not carry credentials",
				"hosts.nopassword: username and password must both be set", "hosts.tlsplain.tls: applies to an https://",
				"hosts.nocafile.tls.ca_file", `hosts["web 3"]`}},
		{name: "unknown key in a hosts entry", file: "hosts_unknown_key.yaml", wantErr: []string{"line 4: unknown key hosts.web2.user"}},
		{name: "missing file", file: "does-not-exist.yaml", wantErr: []string{"does-not-exist.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				path = "../../testdata/config/" + tt.file
			}
			c, err := Load(path, env(tt.env))
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("Load(%q) error = nil, want one mentioning %q", tt.file, tt.wantErr)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("Load(%q) error = %q, want it to mention %q", tt.file, err, w)
					}
				}
				if strings.Contains(err.Error(), "hunter") {
					t.Errorf("Load(%q) error = %q shows a password", tt.file, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load(%q) error = %v", tt.file, err)
			}
			tt.check(t, c)
		})
	}
}

func TestFileURLIsAPath(t *testing.T) {
	for _, u := range []string{"testdata/demo/status.xml", "/srv/status.xml", "file:///srv/status.xml"} {
		c := Default()
		c.Monit.URL = u
		if err := c.Validate(); err != nil {
			t.Errorf("Validate() with monit.url %q = %v, want a file path accepted", u, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("monit:\n  url: http://x:1\n"))
	f.Add([]byte("logs:\n  a: {strategy: tail, path: /x}\n"))
	f.Add([]byte("retention: 5h\nunknown: 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := Default()
		_ = decode(strings.NewReader(string(data)), &c)
	})
}
