package config

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"monit-intel/engine/monit"
)

// Collector is POST /collector, where Monits push as they would to M/Monit.
type Collector struct {
	// Users are the HTTP Basic user names and passwords Monits may push with (`set mmonit
	// http://USER:PASS@HOST:PORT/collector`). Without any the collector is off.
	Users map[string]string `yaml:"users"`
	// MaxBytes caps one message, as sent and once decompressed; default 4 MiB.
	MaxBytes int64 `yaml:"max_bytes"`
	// StaleAfter is how many of its intervals a host may be silent before it is STALE;
	// default 3.
	StaleAfter int `yaml:"stale_after"`
}

// Host is a Monit whose services monit-intel may act on through its HTTP API (hosts.NAME).
type Host struct {
	URL      string   `yaml:"url"`
	Username string   `yaml:"username"`
	Password string   `yaml:"password"`
	TLS      MonitTLS `yaml:"tls"`
}

// UnmarshalYAML reads `monit:` as one target (a mapping) or as a list of targets, each with
// the keys of the single form. Absent keys of a list item take the defaults. An empty list
// means no polling (a fleet that only pushes).
func (m *Monit) UnmarshalYAML(unmarshal func(any) error) error {
	type plain Monit // without this method
	var shape any
	if err := unmarshal(&shape); err != nil {
		return err
	}
	if _, isList := shape.([]any); !isList {
		p := plain(*m)
		if err := unmarshal(&p); err != nil {
			return err
		}
		*m = Monit(p)
		return nil
	}
	var list []plain
	if err := unmarshal(&list); err != nil {
		return err
	}
	def := *m
	targets := make([]Monit, len(list))
	for i, p := range list {
		t := Monit(p)
		t.Interval = cmp.Or(t.Interval, def.Interval)
		t.Timeout = cmp.Or(t.Timeout, def.Timeout)
		targets[i] = t
	}
	if len(targets) > 0 {
		*m = targets[0]
	} else {
		m.URL = ""
	}
	m.Targets, m.List = targets, true
	return nil
}

// MonitTargets returns the Monits to poll: the single `monit:` or each of the list.
func (c Config) MonitTargets() []Monit {
	if c.Monit.List {
		return c.Monit.Targets
	}
	return []Monit{c.Monit}
}

// validateFleet reports the problems of the poll targets and the collector.
func (c Config) validateFleet(bad func(field, format string, args ...any)) {
	if c.Monit.List {
		for i, t := range c.Monit.Targets {
			t.validate(fmt.Sprintf("monit[%d]", i), bad)
		}
	} else {
		c.Monit.validate("monit", bad)
	}
	for u, p := range c.Collector.Users {
		if u == "" || strings.ContainsAny(u, ": \t") {
			bad("collector.users", "user name %q: want a name without ':' or spaces", u)
		}
		if p == "" {
			bad("collector.users."+u, "the password must not be empty")
		}
	}
	if c.Collector.MaxBytes < 0 || c.Collector.StaleAfter < 0 {
		bad("collector", "max_bytes and stale_after must not be negative")
	}
}

// validate checks one poll target.
func (m Monit) validate(field string, bad func(field, format string, args ...any)) {
	if err := monit.CheckURL(m.URL); err != nil {
		got := redactURL(m.URL)
		if strings.Contains(err.Error(), got) { // the suggestion already shows it
			bad(field+".url", "%v", err)
		} else {
			bad(field+".url", "%v; want http(s)://host:port, unix:///path/monit.sock or a file path, got %q", err, got)
		}
	}
	if t := m.TLS; (t != MonitTLS{}) && !strings.HasPrefix(m.URL, "https://") {
		bad(field+".tls", "applies to an https:// %s.url only", field)
	}
	m.Replay.validate(field+".replay", bad)
	if m.Interval.D() < time.Second {
		bad(field+".interval", "must be at least 1s, got %s", m.Interval.D())
	}
	if m.Timeout.D() <= 0 {
		bad(field+".timeout", "must be positive")
	}
}

// validate checks a replay's timeline and log directories.
func (r Replay) validate(field string, bad func(field, format string, args ...any)) {
	if r.Logs != "" && r.LogsOut == "" {
		bad(field+".logs_out", "must be set with %s.logs: the shifted logs are written there", field)
	}
	if r.Timeline == "" && (r.Logs != "" || r.LogsOut != "") {
		bad(field+".timeline", "must be set with %s.logs", field)
	}
	if t := r.Timeline; t != "" {
		if _, err := os.Stat(filepath.Join(t, "timeline.yaml")); err != nil {
			bad(field+".timeline", "want a directory with timeline.yaml (testdata/demo/capture.sh writes one): %v", err)
		}
	}
	if l := r.Logs; l != "" {
		if info, err := os.Stat(l); err != nil || !info.IsDir() {
			bad(field+".logs", "want a directory of log templates, got %q", l)
		}
	}
}
