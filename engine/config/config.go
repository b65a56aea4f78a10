package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"monit-intel/act"
	"monit-intel/engine/monit"
	"monit-intel/engine/notify"
	"monit-intel/logs"
)

// Config is the whole configuration file.
type Config struct {
	Monit     Monit    `yaml:"monit"`
	DataDir   string   `yaml:"data_dir"`
	Retention Duration `yaml:"retention"`
	// RawRetention is how long raw snapshots are kept before they are rolled up into one
	// row per service per 5 minutes (kept up to Retention).
	RawRetention Duration               `yaml:"raw_retention"`
	Listen       string                 `yaml:"listen"`
	Ollama       Ollama                 `yaml:"ollama"`
	Logs         map[string]logs.Source `yaml:"logs"`
	Journal      Journal                `yaml:"journal"`
	Actions      Actions                `yaml:"actions"`
	API          API                    `yaml:"api"`
	// Aliases are other names operators use for a service ("jellyfin" for media_server):
	// Mother resolves them to the service.
	Aliases map[string][]string `yaml:"aliases"`
	Metrics Metrics             `yaml:"metrics"`
	// Notify lists the notification targets; see notify.go.
	Notify         []Notify       `yaml:"notify"`
	NotifyBaseURL  string         `yaml:"notify_base_url"`
	NotifyFlapping NotifyFlapping `yaml:"notify_flapping"`
	Collector      Collector      `yaml:"collector"`
	// Hosts are the other hosts' Monits that actions may reach (hosts.NAME, NAME being the
	// host's Monit localhostname); see fleet.go.
	Hosts map[string]Host `yaml:"hosts"`
}

// Monit is where and how often to poll Monit. `monit:` may also be a list of them (see
// UnmarshalYAML); the fields then hold the first.
type Monit struct {
	URL      string   `yaml:"url"`
	Username string   `yaml:"username"`
	Password string   `yaml:"password"`
	Interval Duration `yaml:"interval"`
	Timeout  Duration `yaml:"timeout"`
	TLS      MonitTLS `yaml:"tls"`
	// Replay, when its timeline is set, replaces the server: each cycle fetches the next
	// step of a recorded timeline (engine/replay) instead of calling url.
	Replay Replay `yaml:"replay"`

	Targets []Monit `yaml:"-"` // every target when List
	List    bool    `yaml:"-"` // `monit:` was a list
}

// Replay plays a timeline captured from a real Monit (the demo) as if it were happening now.
type Replay struct {
	Timeline string `yaml:"timeline"` // directory with timeline.yaml
	Logs     string `yaml:"logs"`     // log templates, shifted with the timeline
	LogsOut  string `yaml:"logs_out"` // where the shifted logs are written (the registry reads them)
}

// MonitTLS trusts an https:// Monit whose certificate the system does not know.
type MonitTLS struct {
	CAFile             string `yaml:"ca_file"`
	ServerName         string `yaml:"server_name"`
	InsecureSkipVerify bool   `yaml:"insecure_skip_verify"`
}

// MonitOptions are the Monit client's options from the configuration (the single target,
// or the first of a list).
func (c Config) MonitOptions() monit.Options { return c.Monit.Options() }

// Options are the Monit client's options of one target.
func (m Monit) Options() monit.Options {
	t := m.TLS
	return monit.Options{URL: m.URL, Username: m.Username, Password: m.Password,
		Timeout: m.Timeout.D(),
		TLS:     monit.TLSOptions{CAFile: t.CAFile, ServerName: t.ServerName, InsecureSkipVerify: t.InsecureSkipVerify}}
}

// Ollama is the model server used for analyses and Mother.
type Ollama struct {
	URL     string   `yaml:"url"`
	Model   string   `yaml:"model"`
	Timeout Duration `yaml:"timeout"`
	NumCtx  int      `yaml:"num_ctx"`
	// Concurrency is how many model calls run at once, analyses and Mother together.
	Concurrency int `yaml:"concurrency"`
	// Queue is how many more calls may wait for one of those; beyond it Mother answers from
	// the data alone and says the model is busy.
	Queue int `yaml:"queue"`
}

// Journal holds settings shared by every journalctl log source.
type Journal struct {
	Dir string `yaml:"dir"`
}

// Actions configures remediation: which systemd unit belongs to which Monit service, and
// whether systemctl runs through `sudo -n`.
type Actions struct {
	Units    map[string]string `yaml:"units"`
	Sudo     bool              `yaml:"sudo"`
	ExpireIn Duration          `yaml:"expire_in"`
	Monitrc  string            `yaml:"monitrc"`
	Timeout  Duration          `yaml:"timeout"`
}

// API secures the REST API.
type API struct {
	// Token is the bearer token; empty: serve creates DATA_DIR/api-token.
	Token string `yaml:"token"`
	// AllowedHosts are host names (or addresses) the API may be called by besides
	// loopback addresses, localhost and the listen address: the Host header must name one.
	AllowedHosts []string `yaml:"allowed_hosts"`
}

// Metrics is where Prometheus scrapes /metrics.
type Metrics struct {
	// Listen, when set, serves /metrics there without a token (an exporter's port, e.g.
	// 127.0.0.1:9813); empty: /metrics is on the API listener, behind the API token.
	Listen string `yaml:"listen"`
}

// Duration is a time.Duration written in Go syntax ("5m", "720h") in YAML.
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("line %d: want a duration such as 5m: %w", n.Line, err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration in Go syntax.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// D returns the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Default returns the configuration used when a key is absent.
func Default() Config {
	return Config{
		Monit: Monit{
			URL:      "http://127.0.0.1:2812",
			Interval: Duration(5 * time.Minute),
			Timeout:  Duration(10 * time.Second),
		},
		DataDir:      "./data",
		Retention:    Duration(720 * time.Hour),
		RawRetention: Duration(48 * time.Hour),
		Listen:       "127.0.0.1:8000",
		Ollama: Ollama{
			URL:         "http://127.0.0.1:11434",
			Model:       "llama3.1:8b",
			Timeout:     Duration(60 * time.Second),
			NumCtx:      8192,
			Concurrency: 1,
			Queue:       4,
		},
		Actions: Actions{
			ExpireIn: Duration(10 * time.Minute),
			Timeout:  Duration(30 * time.Second),
		},
		NotifyFlapping: NotifyFlapping{Changes: notify.DefaultFlapChanges, Window: Duration(notify.DefaultFlapWindow)},
	}
}

// Load reads the file at path (an empty path means defaults only), applies the environment
// (getenv is os.Getenv in production) and validates the result. Relative paths are relative to
// the working directory, as for any command-line tool.
func Load(path string, getenv func(string) string) (Config, error) {
	cfg := Default()
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return Config{}, fmt.Errorf("read config: %w", err)
		}
		defer f.Close()
		if err := decode(f, &cfg); err != nil {
			return Config{}, fmt.Errorf("config %s: %w", path, err)
		}
	}
	cfg.applyEnv(getenv)
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func decode(r io.Reader, cfg *Config) error {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		return errors.New(friendlyYAMLError(err, data))
	}
	return nil
}

// Bounds of the model's concurrency settings: a home server's model answers one or two calls
// at a time; more waiting callers only hold memory for answers that come too late.
const (
	maxConcurrency = 64
	maxQueue       = 1000
)

// FromFile reports whether monit.url names a saved status document (a replay, as in the demo)
// rather than a Monit server: then no action reaches the host's Monit or systemd.
func (m Monit) FromFile() bool { return monit.IsFile(m.URL) }

func (c *Config) applyEnv(getenv func(string) string) {
	set := func(dst *string, key string) {
		if v := getenv(key); v != "" {
			*dst = v
		}
	}
	set(&c.Monit.URL, "MONIT_URL")
	set(&c.Monit.Username, "MONIT_USER")
	set(&c.Monit.Password, "MONIT_PASSWORD")
	set(&c.API.Token, "MONIT_INTEL_TOKEN")
}

// Validate reports every problem, each with its field name.
func (c Config) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	c.validateFleet(bad)
	c.validatePorts(bad)
	if c.DataDir == "" {
		bad("data_dir", "must not be empty")
	}
	if c.Retention.D() < time.Hour {
		bad("retention", "must be at least 1h, got %s", c.Retention.D())
	}
	if c.RawRetention.D() < 5*time.Minute {
		bad("raw_retention", "must be at least 5m (one rollup bucket), got %s", c.RawRetention.D())
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		bad("listen", "want host:port: %v", err)
	}
	if u, err := url.Parse(c.Ollama.URL); err != nil || u.Host == "" {
		bad("ollama.url", "want http://host:port, got %q", redactURL(c.Ollama.URL))
	}
	if c.Ollama.Model == "" {
		bad("ollama.model", "must not be empty")
	}
	if c.Ollama.Timeout.D() <= 0 {
		bad("ollama.timeout", "must be positive")
	}
	if c.Ollama.NumCtx < 1536 {
		// The analysis's system prompt alone takes about 480 tokens (engine/rca).
		bad("ollama.num_ctx", "must be at least 1536 to fit the analysis prompt, got %d", c.Ollama.NumCtx)
	}
	if c.Ollama.Concurrency < 1 || c.Ollama.Concurrency > maxConcurrency {
		bad("ollama.concurrency", "must be between 1 and %d, got %d", maxConcurrency, c.Ollama.Concurrency)
	}
	if c.Ollama.Queue < 0 || c.Ollama.Queue > maxQueue {
		bad("ollama.queue", "must be between 0 and %d, got %d", maxQueue, c.Ollama.Queue)
	}
	if err := logs.Validate(c.Logs, c.LogsOptions()); err != nil {
		errs = append(errs, err) // each problem already names its logs.SERVICE.field
	}
	for _, service := range slices.Sorted(maps.Keys(c.Actions.Units)) {
		if err := act.CheckUnit(c.Actions.Units[service]); err != nil {
			bad("actions.units."+service, "%s", strings.TrimPrefix(err.Error(), act.ErrRefused.Error()+": "))
		}
	}
	if c.Actions.ExpireIn.D() <= 0 {
		bad("actions.expire_in", "must be positive")
	}
	if c.Actions.Timeout.D() <= 0 {
		bad("actions.timeout", "must be positive")
	}
	if c.Metrics.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Metrics.Listen); err != nil {
			bad("metrics.listen", "want host:port: %v", err)
		} else if c.Metrics.Listen == c.Listen {
			bad("metrics.listen", "must differ from listen (%s): leave it empty to serve /metrics on the API listener", c.Listen)
		}
	}
	for i, h := range c.API.AllowedHosts {
		if !validHost(h) {
			bad(fmt.Sprintf("api.allowed_hosts[%d]", i), "want a host name or an IP address, without scheme, port or wildcard, got %q", h)
		}
	}
	errs = append(errs, c.validateNotify()...)
	return errors.Join(errs...)
}

// redactURL hides the user information of a URL, even one that does not parse, for an
// error message: everything up to its last '@'.
func redactURL(raw string) string {
	at := strings.LastIndex(raw, "@")
	if at < 0 {
		return raw
	}
	start := 0
	if i := strings.Index(raw, "://"); i >= 0 && i < at {
		start = i + len("://")
	}
	return raw[:start] + "…@" + raw[at+1:]
}

// validHost reports whether s is a DNS host name or an IP address (as a Host header names
// them, IPv6 in brackets or not).
func validHost(s string) bool {
	if net.ParseIP(strings.Trim(s, "[]")) != nil {
		return true
	}
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// LogsOptions returns the options for the log registry.
func (c Config) LogsOptions() logs.Options {
	return logs.Options{JournalDir: c.Journal.Dir}
}
