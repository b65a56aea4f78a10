package logs

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestNewRegistryValidation(t *testing.T) {
	tests := []struct {
		name       string
		sources    map[string]Source
		opts       Options
		wantErr    []string // every fragment must appear; nil means valid
		noRedactor bool     // leave Options.Redactor nil
	}{
		{
			name: "the issue's example",
			sources: map[string]Source{
				"system_backup":     {Strategy: StrategyGlob, Path: "/data/tank/backups/sys_restore/backup_log_*.log", MaxLines: 150},
				"nordvpn_reconnect": {Strategy: StrategyTail, Path: "/var/log/nordvpn-reconnect.log", MaxLines: 75},
				"nordvpn_status":    {Strategy: StrategyJournalctl, Unit: "nordvpnd.service", MaxLines: 50},
			},
		},
		{name: "no entries", sources: nil},
		{
			name:    "templated unit and max_lines at the cap",
			sources: map[string]Source{"getty": {Strategy: StrategyJournalctl, Unit: "getty@tty1.service", MaxLines: MaxLinesCap}},
		},
		{
			name:    "unknown strategy",
			sources: map[string]Source{"a": {Strategy: "cat", Path: "/x"}},
			wantErr: []string{`logs.a.strategy: unknown strategy "cat"`},
		},
		{
			name:    "missing strategy",
			sources: map[string]Source{"a": {Path: "/x"}},
			wantErr: []string{`logs.a.strategy: unknown strategy ""`},
		},
		{
			name:    "tail without path",
			sources: map[string]Source{"a": {Strategy: StrategyTail}},
			wantErr: []string{"logs.a.path: required by strategy tail"},
		},
		{
			name:    "glob without path",
			sources: map[string]Source{"a": {Strategy: StrategyGlob}},
			wantErr: []string{"logs.a.path: required by strategy glob"},
		},
		{
			name:    "bad glob pattern",
			sources: map[string]Source{"a": {Strategy: StrategyGlob, Path: "/var/log/[a.log"}},
			wantErr: []string{"logs.a.path: bad glob pattern"},
		},
		{
			name:    "tail with a unit",
			sources: map[string]Source{"a": {Strategy: StrategyTail, Path: "/x", Unit: "x.service"}},
			wantErr: []string{"logs.a: unit and journal_dir are used only by strategy journalctl"},
		},
		{
			name:    "journalctl without unit",
			sources: map[string]Source{"a": {Strategy: StrategyJournalctl}},
			wantErr: []string{"logs.a.unit: required by strategy journalctl"},
		},
		{
			name:    "journalctl with a path",
			sources: map[string]Source{"a": {Strategy: StrategyJournalctl, Unit: "x.service", Path: "/x"}},
			wantErr: []string{"logs.a.path: not used by strategy journalctl"},
		},
		{
			name:    "unit with a space",
			sources: map[string]Source{"a": {Strategy: StrategyJournalctl, Unit: "x.service; rm -rf /"}},
			wantErr: []string{`logs.a.unit: "x.service; rm -rf /" is not a systemd unit name`},
		},
		{
			name:    "unit that looks like an option",
			sources: map[string]Source{"a": {Strategy: StrategyJournalctl, Unit: "--file=/etc/shadow"}},
			wantErr: []string{"logs.a.unit:"},
		},
		{
			name:    "negative max_lines",
			sources: map[string]Source{"a": {Strategy: StrategyTail, Path: "/x", MaxLines: -1}},
			wantErr: []string{"logs.a.max_lines: must be between 0 and 2000, got -1"},
		},
		{
			name:    "max_lines over the cap",
			sources: map[string]Source{"a": {Strategy: StrategyTail, Path: "/x", MaxLines: MaxLinesCap + 1}},
			wantErr: []string{"logs.a.max_lines: must be between 0 and 2000, got 2001"},
		},
		{
			name:    "empty service name",
			sources: map[string]Source{"": {Strategy: StrategyTail, Path: "/x"}},
			wantErr: []string{"service name must not be empty"},
		},
		{
			name:    "negative timeout",
			opts:    Options{Timeout: -time.Second},
			wantErr: []string{"timeout must not be negative"},
		},
		{
			name:       "no redactor",
			noRedactor: true,
			wantErr:    []string{"logs options: a redactor is required"},
		},
		{
			name: "every problem of every service",
			sources: map[string]Source{
				"b": {Strategy: StrategyJournalctl, MaxLines: 5000},
				"a": {Strategy: "tial"},
				"c": {Strategy: StrategyTail, Path: "/ok"},
			},
			wantErr: []string{
				`logs.a.strategy: unknown strategy "tial"`,
				"logs.b.max_lines:",
				"logs.b.unit: required",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			if !tt.noRedactor {
				opts = withRedactor(t, opts)
			}
			r, err := NewRegistry(tt.sources, opts)
			if tt.wantErr == nil {
				if err != nil || r == nil {
					t.Fatalf("NewRegistry() = %v, %v, want a registry", r, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("NewRegistry() error = nil, want %q", tt.wantErr)
			}
			for _, frag := range tt.wantErr {
				if !strings.Contains(err.Error(), frag) {
					t.Errorf("NewRegistry() error = %q, want it to contain %q", err, frag)
				}
			}
		})
	}
}

func TestRegistryServicesAndDefaults(t *testing.T) {
	r := newTestRegistry(t, map[string]Source{
		"zeta":  {Strategy: StrategyTail, Path: "/z.log"},
		"alpha": {Strategy: StrategyJournalctl, Unit: "a.service", MaxLines: 7},
		"mid":   {Strategy: StrategyJournalctl, Unit: "m.service", JournalDir: "/own"},
	}, Options{JournalDir: "/global"})

	if got, want := r.Services(), []string{"alpha", "mid", "zeta"}; !slices.Equal(got, want) {
		t.Errorf("Services() = %v, want %v", got, want)
	}
	tests := []struct {
		name    string
		service string
		want    Source
		wantOK  bool
	}{
		{name: "max_lines defaults", service: "zeta", want: Source{Strategy: StrategyTail, Path: "/z.log", MaxLines: DefaultMaxLines}, wantOK: true},
		{name: "global journal dir fills in", service: "alpha", want: Source{Strategy: StrategyJournalctl, Unit: "a.service", JournalDir: "/global", MaxLines: 7}, wantOK: true},
		{name: "own journal dir wins", service: "mid", want: Source{Strategy: StrategyJournalctl, Unit: "m.service", JournalDir: "/own", MaxLines: DefaultMaxLines}, wantOK: true},
		{name: "unknown service", service: "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := r.Source(tt.service)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Source(%q) = %+v, %v, want %+v, %v", tt.service, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestReadNoSource(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "secret.log", "do not read me\n")
	r := newTestRegistry(t, map[string]Source{"known": {Strategy: StrategyTail, Path: path}}, Options{})
	tests := []struct {
		name    string
		service string
	}{
		{name: "unknown service", service: "unknown"},
		{name: "a path is not a service", service: path},
		{name: "a glob is not a service", service: dir + "/*.log"},
		{name: "empty name", service: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := r.Read(t.Context(), tt.service, 10)
			if !errors.Is(err, ErrNoSource) {
				t.Fatalf("Read(%q) error = %v, want ErrNoSource", tt.service, err)
			}
			if !strings.Contains(err.Error(), "no log source configured for") || !strings.HasSuffix(err.Error(), "; services with logs: known") {
				t.Errorf("Read(%q) error = %q, want it to say no log source is configured, and which services have one", tt.service, err)
			}
			if len(res.Lines) != 0 {
				t.Errorf("Read(%q) lines = %q, want none", tt.service, res.Lines)
			}
		})
	}
}

func TestReadLineCount(t *testing.T) {
	var content strings.Builder
	for i := range 30 {
		content.WriteString(strings.Repeat("x", i) + "\n")
	}
	path := writeFile(t, t.TempDir(), "count.log", content.String())
	r := newTestRegistry(t, map[string]Source{"svc": {Strategy: StrategyTail, Path: path, MaxLines: 10}}, Options{})
	tests := []struct {
		name      string
		n         int
		wantLines int
	}{
		{name: "zero means max_lines", n: 0, wantLines: 10},
		{name: "negative means max_lines", n: -5, wantLines: 10},
		{name: "fewer than max_lines", n: 3, wantLines: 3},
		{name: "more than max_lines is clamped", n: 500, wantLines: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := r.Read(t.Context(), "svc", tt.n)
			if err != nil {
				t.Fatalf("Read() error = %v", err)
			}
			if len(res.Lines) != tt.wantLines || res.MaxLines != tt.wantLines {
				t.Errorf("Read(n=%d) = %d lines, MaxLines %d, want %d", tt.n, len(res.Lines), res.MaxLines, tt.wantLines)
			}
			if last := res.Lines[len(res.Lines)-1]; last != strings.Repeat("x", 29) {
				t.Errorf("Read(n=%d) last line = %q, want the file's last line", tt.n, last)
			}
		})
	}
}

func TestNoSourceNamesTheServicesWithLogs(t *testing.T) {
	path := writeFile(t, t.TempDir(), "a.log", "x\n")
	many := map[string]Source{}
	for i := range 25 {
		many[fmt.Sprintf("svc%02d", i)] = Source{Strategy: StrategyTail, Path: path}
	}
	tests := []struct {
		name    string
		sources map[string]Source
		want    string
	}{
		{name: "none", sources: nil, want: `no log source configured for "x" (no service has one: add entries under logs in the configuration)`},
		{name: "two", sources: map[string]Source{"b": {Strategy: StrategyTail, Path: path}, "a": {Strategy: StrategyTail, Path: path}},
			want: `no log source configured for "x"; services with logs: a, b`},
		{name: "many", sources: many, want: "svc19 and 5 more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newTestRegistry(t, tt.sources, Options{}).Read(t.Context(), "x", 0)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Read(x) error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestValidate: a configuration's entries are checked before a redactor exists, with the
// errors NewRegistry gives.
func TestValidate(t *testing.T) {
	good := map[string]Source{"a": {Strategy: StrategyTail, Path: "/var/log/a.log"}}
	if err := Validate(good, Options{}); err != nil {
		t.Errorf("Validate(good, no redactor) = %v, want nil", err)
	}
	bad := map[string]Source{"a": {Strategy: "tial"}}
	if err := Validate(bad, Options{}); err == nil || !strings.Contains(err.Error(), `logs.a.strategy: unknown strategy "tial"`) {
		t.Errorf("Validate(bad) = %v, want the strategy named", err)
	}
}
