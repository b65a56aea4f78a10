package config

import (
	"cmp"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

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

// Host is another host's Monit, whose services actions may reach through its HTTP interface
// (hosts.NAME): its address, the credentials of an `allow USER:PASSWORD` line of its `set
// httpd`, and the TLS trust of an https:// one. Credentials a Monit sends in its pushes are
// never used for this.
type Host struct {
	URL      string   `yaml:"url"`
	Username string   `yaml:"username"`
	Password string   `yaml:"password"`
	TLS      MonitTLS `yaml:"tls"`
}

// MonitOptions are the options of a Monit client for the host: its transport (TLS trust) is
// the one actions use.
func (h Host) MonitOptions() monit.Options {
	t := h.TLS
	return monit.Options{URL: h.URL, Username: h.Username, Password: h.Password,
		TLS: monit.TLSOptions{CAFile: t.CAFile, ServerName: t.ServerName, InsecureSkipVerify: t.InsecureSkipVerify}}
}

// validateHosts checks every hosts entry: a reachable http(s) address without credentials in
// it, both credentials (actions on another host always authenticate), TLS for https only.
// No message shows a password.
func (c Config) validateHosts(bad func(field, format string, args ...any)) {
	for _, name := range slices.Sorted(maps.Keys(c.Hosts)) {
		h, field := c.Hosts[name], "hosts."+name
		if name == "" || strings.ContainsFunc(name, func(r rune) bool { return !unicode.IsPrint(r) || r == ' ' }) {
			field = fmt.Sprintf("hosts[%q]", name)
			bad(field, "want the host's name as Monit reports it (its localhostname), without spaces or control characters")
		}
		u, err := url.Parse(h.URL)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			bad(field+".url", "want the http(s)://host:port of the host's Monit httpd, got %q", redactURL(h.URL))
		case u.User != nil:
			bad(field+".url", "must not carry credentials (%q): put them in %s.username and %s.password", redactURL(h.URL), field, field)
		}
		if h.Username == "" || h.Password == "" {
			bad(field, "username and password must both be set: they are those of an `allow USER:PASSWORD` line of the host's `set httpd`")
		}
		if strings.Contains(h.Username, ":") {
			bad(field+".username", "must not contain ':'")
		}
		if h.TLS != (MonitTLS{}) && (u == nil || u.Scheme != "https") {
			bad(field+".tls", "applies to an https:// %s.url only", field)
		}
		if f := h.TLS.CAFile; f != "" {
			if _, err := os.Stat(f); err != nil {
				bad(field+".tls.ca_file", "%v", err)
			}
		}
	}
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
	if c.Collector.MaxBytes != 0 && len(c.Collector.Users) == 0 {
		// A setting that would do nothing is as likely a mistake as an unknown key: the user
		// meant to turn the collector on. (stale_after applies to polled hosts too.)
		bad("collector.max_bytes", "is set, but without collector.users the collector is off (POST /collector "+
			"answers 404): add the users Monits push as, or remove max_bytes")
	}
	c.validateHosts(bad)
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
