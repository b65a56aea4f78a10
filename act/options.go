package act

import (
	"net/http"
	"time"
)

// Defaults for Options.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMaxOutput    = 64 << 10
	DefaultJournalLines = 50
	maxJournalLines     = 10000
)

// Options configures Resolve and the Runner. Pass the same value to both: Run rebuilds the
// argv from the options to check a Command.
type Options struct {
	Sudo         bool          // run systemctl as `sudo -n systemctl …` (actions.sudo)
	Timeout      time.Duration // per run; DefaultTimeout when zero
	MaxOutput    int           // bytes of stdout+stderr kept; DefaultMaxOutput when zero
	JournalLines int           // journalctl -n; DefaultJournalLines when zero, at most 10000

	// Binaries; a bare name is looked up on PATH when the command runs.
	SystemctlPath, JournalctlPath, MonitPath, SudoPath string

	// Monit's HTTP interface, tried first for monit_* actions: http(s)://host:port, or
	// unix:///path for Monit's httpd on a unix socket (MonitTransport then dials it). Empty, or
	// a file path (a saved status document), means the CLI only.
	MonitURL, MonitUser, MonitPassword string
	// MonitTransport reaches Monit's HTTP interface (its socket, its TLS trust); nil means a
	// plain transport of the Runner's own.
	MonitTransport http.RoundTripper
	// MonitControlFile is passed to the CLI fallback as `monit -c FILE`.
	MonitControlFile string
	// MonitRemote marks another machine's Monit (MonitHost names it): its HTTP interface is
	// the only way to it, so there is no CLI fallback, and every error names the host.
	MonitRemote bool
	MonitHost   string
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxOutput <= 0 {
		o.MaxOutput = DefaultMaxOutput
	}
	if o.JournalLines <= 0 {
		o.JournalLines = DefaultJournalLines
	}
	o.JournalLines = min(o.JournalLines, maxJournalLines)
	for _, b := range []struct {
		p    *string
		name string
	}{
		{&o.SystemctlPath, "systemctl"}, {&o.JournalctlPath, "journalctl"},
		{&o.MonitPath, "monit"}, {&o.SudoPath, "sudo"},
	} {
		if *b.p == "" {
			*b.p = b.name
		}
	}
	return o
}
