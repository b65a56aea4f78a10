package logs

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"time"
)

// Strategy says how a service's logs are found.
type Strategy string

// The strategies a Source may use.
const (
	// StrategyTail reads the last lines of one file.
	StrategyTail Strategy = "tail"
	// StrategyGlob reads the last lines of the newest file matching a pattern.
	StrategyGlob Strategy = "glob"
	// StrategyJournalctl reads a systemd unit's journal through journalctl.
	StrategyJournalctl Strategy = "journalctl"
)

// Limits on what one read returns.
const (
	// DefaultMaxLines is an entry's max_lines when the configuration leaves it out.
	DefaultMaxLines = 100
	// MaxLinesCap is the largest max_lines an entry may set.
	MaxLinesCap = 2000
	// MaxLineBytes is the longest line content returned, in bytes; longer lines are cut and end
	// with CutMarker.
	MaxLineBytes = 4096
	// CutMarker ends a line that was longer than MaxLineBytes.
	CutMarker = " …[cut]"
	// DefaultTimeout bounds one journalctl run when Options.Timeout is zero.
	DefaultTimeout = 10 * time.Second
)

// ErrNoSource reports a service that has no entry in the registry: it has no logs, which is not a
// failure of the caller's analysis.
var ErrNoSource = errors.New("no log source configured")

// ErrNotLogFile reports a configured path (or a glob's only matches) that is not a regular
// file: a symbolic link, which is never followed, a directory, a FIFO, a device or a socket.
// Nothing is read from it.
var ErrNotLogFile = errors.New("not a regular log file")

// Source is one registry entry: where a service's logs live.
type Source struct {
	Strategy   Strategy `yaml:"strategy" json:"strategy"`
	Path       string   `yaml:"path,omitempty" json:"path,omitempty"`
	Unit       string   `yaml:"unit,omitempty" json:"unit,omitempty"`
	JournalDir string   `yaml:"journal_dir,omitempty" json:"journal_dir,omitempty"`
	MaxLines   int      `yaml:"max_lines,omitempty" json:"max_lines,omitempty"`
}

// Options are the settings shared by every entry.
type Options struct {
	// JournalDir, when set, makes every journalctl entry without its own journal_dir read the
	// journal files in that directory (journalctl --directory), e.g. journals copied from
	// another machine.
	JournalDir string
	// Journalctl is the journalctl binary: a name looked up in PATH or a path. Default
	// "journalctl".
	Journalctl string
	// Timeout bounds one journalctl run. Default DefaultTimeout.
	Timeout time.Duration
	// Redactor removes secrets from every line read (logs/redact.Redactor). Required: lines go
	// to the REST API and to the model.
	Redactor Redactor
}

// Redactor removes secrets from lines; a private key spread over several lines becomes one.
type Redactor interface {
	Lines(lines []string) []string
}

// Registry is the validated, read-only map from service name to log source. It is safe for
// concurrent use.
type Registry struct {
	sources    map[string]Source
	journalctl string
	timeout    time.Duration
	redactor   Redactor
	// open opens a log file; tests replace it to simulate a file changing under the reader.
	open func(path string) (logFile, error)
}

// unitPattern is what a systemd unit name may look like; the leading character may not be '-',
// so a unit can never be read as a journalctl option.
var unitPattern = regexp.MustCompile(`^[A-Za-z0-9@._:][A-Za-z0-9@._:-]*$`)

// NewRegistry validates every entry and returns a registry holding them with defaults applied.
// The error lists every problem found, each naming the service and field.
func NewRegistry(sources map[string]Source, opts Options) (*Registry, error) {
	clean, opts, err := check(sources, opts)
	if opts.Redactor == nil {
		err = errors.Join(err, errors.New("logs options: a redactor is required"))
	}
	if err != nil {
		return nil, err
	}
	return &Registry{sources: clean, journalctl: opts.Journalctl, timeout: opts.Timeout, redactor: opts.Redactor,
		open: openLogFile}, nil
}

// Validate checks the entries and options as NewRegistry does, for a configuration checked
// before anything runs; the redactor, wired later, is not asked for.
func Validate(sources map[string]Source, opts Options) error {
	_, _, err := check(sources, opts)
	return err
}

// check validates every entry and returns them and opts with defaults applied.
func check(sources map[string]Source, opts Options) (map[string]Source, Options, error) {
	var errs []error
	if opts.Timeout < 0 {
		errs = append(errs, fmt.Errorf("logs options: timeout must not be negative, got %s", opts.Timeout))
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Journalctl == "" {
		opts.Journalctl = "journalctl"
	}
	names := make([]string, 0, len(sources))
	for name := range sources {
		names = append(names, name)
	}
	slices.Sort(names)
	clean := make(map[string]Source, len(sources))
	for _, name := range names {
		src, problems := normalize(name, sources[name], opts)
		errs = append(errs, problems...)
		clean[name] = src
	}
	return clean, opts, errors.Join(errs...)
}

// normalize checks one entry and fills in its defaults.
func normalize(name string, src Source, opts Options) (Source, []error) {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("logs.%s%s: %s", name, field, fmt.Sprintf(format, args...)))
	}
	if name == "" {
		bad("", "service name must not be empty")
	}
	switch {
	case src.MaxLines < 0 || src.MaxLines > MaxLinesCap:
		bad(".max_lines", "must be between 0 and %d, got %d", MaxLinesCap, src.MaxLines)
	case src.MaxLines == 0:
		src.MaxLines = DefaultMaxLines
	}
	switch src.Strategy {
	case StrategyTail, StrategyGlob:
		if src.Path == "" {
			bad(".path", "required by strategy %s", src.Strategy)
		}
		if src.Unit != "" || src.JournalDir != "" {
			bad("", "unit and journal_dir are used only by strategy journalctl")
		}
		if src.Strategy == StrategyGlob {
			if _, err := filepath.Match(src.Path, ""); err != nil {
				bad(".path", "bad glob pattern %q: %v", src.Path, err)
			}
		}
	case StrategyJournalctl:
		if src.Path != "" {
			bad(".path", "not used by strategy journalctl (set unit)")
		}
		if src.Unit == "" {
			bad(".unit", "required by strategy journalctl")
		} else if !unitPattern.MatchString(src.Unit) {
			bad(".unit", "%q is not a systemd unit name (want %s)", src.Unit, unitPattern)
		}
		if src.JournalDir == "" {
			src.JournalDir = opts.JournalDir
		}
	default:
		bad(".strategy", "unknown strategy %q (want tail, glob or journalctl)", src.Strategy)
	}
	return src, errs
}

// Services returns the names of the services that have a log source, sorted.
func (r *Registry) Services() []string {
	names := make([]string, 0, len(r.sources))
	for name := range r.sources {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Source returns a service's entry with defaults applied (max_lines, and the global journal
// directory for journalctl entries without their own).
func (r *Registry) Source(service string) (Source, bool) {
	src, ok := r.sources[service]
	return src, ok
}
