package approve

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"monit-intel/act"
	"monit-intel/engine"
)

func TestPropose(t *testing.T) {
	tests := []struct {
		name    string
		action  string
		service string
		want    engine.Proposal // ID, times, source and proposer are checked separately
	}{
		{name: "systemctl through the unit map", action: "restart", service: "nordvpn_status",
			want: engine.Proposal{Action: "systemctl_restart", Service: "nordvpn_status", Unit: "nordvpnd.service",
				Argv: []string{"systemctl", "restart", "nordvpnd.service"}, Command: "systemctl restart nordvpnd.service"}},
		{name: "named by its unit", action: "systemctl_stop", service: "nordvpnd.service",
			want: engine.Proposal{Action: "systemctl_stop", Service: "nordvpn_status", Unit: "nordvpnd.service",
				Argv: []string{"systemctl", "stop", "nordvpnd.service"}, Command: "systemctl stop nordvpnd.service"}},
		{name: "monit without a unit", action: "restart", service: "sshd",
			want: engine.Proposal{Action: "monit_restart", Service: "sshd",
				Argv: []string{"monit", "restart", "sshd"}, Command: "monit restart sshd"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			got, err := e.flow.Propose(t.Context(), engine.SuggestedAction{Action: tt.action, Service: tt.service}, engine.SourceUser, "session a")
			if err != nil {
				t.Fatalf("Propose() error = %v", err)
			}
			w := tt.want
			if got.ID != "id1" || got.Action != w.Action || got.Service != w.Service || got.Unit != w.Unit ||
				!slices.Equal(got.Argv, w.Argv) || got.Command != w.Command || got.Source != engine.SourceUser ||
				got.Proposer != "session a" || got.State != engine.ProposalPending ||
				!got.CreatedAt.Equal(t0) || !got.ExpiresAt.Equal(t0.Add(DefaultExpireIn)) {
				t.Errorf("Propose() = %+v, want %+v from %v to +10m", got, w, t0)
			}
			if stored, ok, _ := e.props.Proposal(t.Context(), "id1"); !ok || stored.Command != w.Command {
				t.Errorf("stored proposal = %+v, %v; want it pending", stored, ok)
			}
			row := e.audit.last()
			if rs := e.audit.results(); !slices.Equal(rs, []string{engine.AuditProposed}) ||
				row.ProposalID != "id1" || row.Command != w.Command || row.Source != engine.SourceUser ||
				row.Proposer != "session a" || row.UserApproved || !row.At.Equal(t0) {
				t.Errorf("audit = %v, last %+v; want one proposed row for id1", rs, row)
			}
		})
	}
}

func TestProposeExpireIn(t *testing.T) {
	e := newEnv(t)
	f := New(e.props, e.audit, e.flow.targets, e.runner, Options{Now: e.clock.now, ExpireIn: 2 * time.Minute})
	p, err := f.Propose(t.Context(), engine.SuggestedAction{Action: "restart", Service: "sshd"}, engine.SourceAPI, "")
	if err != nil {
		t.Fatal(err)
	}
	if !p.ExpiresAt.Equal(t0.Add(2 * time.Minute)) {
		t.Errorf("ExpiresAt = %v, want %v", p.ExpiresAt, t0.Add(2*time.Minute))
	}
	if !regexp.MustCompile(`^[a-z2-7]{26}$`).MatchString(p.ID) {
		t.Errorf("default ID %q, want 26 base32 characters", p.ID)
	}
}

// TestProposeRefused feeds injection attempts and unknown names: each is refused by act,
// stored nowhere, and audited as refused with a bounded copy of what was asked.
func TestProposeRefused(t *testing.T) {
	long := strings.Repeat("a", 5000)
	tests := []struct {
		name, action, service string
		wantWhy               string
	}{
		{name: "shell separator", action: "restart", service: "a;rm -rf /", wantWhy: "path separator"},
		{name: "command substitution", action: "restart", service: "$(reboot)", wantWhy: "unknown Monit service"},
		{name: "backticks", action: "restart", service: "`reboot`", wantWhy: "unknown Monit service"},
		{name: "path traversal", action: "restart", service: "../etc/passwd", wantWhy: "path separator"},
		{name: "dot dot", action: "restart", service: "..", wantWhy: "path element"},
		{name: "newline", action: "restart", service: "nordvpn_status\nrm", wantWhy: "non-printing"},
		{name: "option", action: "restart", service: "--force", wantWhy: "starts with '-'"},
		{name: "all services", action: "stop", service: "all", wantWhy: "every service"},
		{name: "very long", action: "restart", service: long, wantWhy: "longer than"},
		{name: "invalid utf-8", action: "restart", service: "a\xffb", wantWhy: "UTF-8"},
		{name: "unknown service", action: "restart", service: "postgres", wantWhy: "unknown Monit service"},
		{name: "unknown action", action: "rm", service: "nordvpn_status", wantWhy: "unknown action"},
		{name: "action injection", action: "restart; reboot", service: "nordvpn_status", wantWhy: "unknown action"},
		{name: "status without unit", action: "status", service: "sshd", wantWhy: "needs a systemd unit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			_, err := e.flow.Propose(t.Context(), engine.SuggestedAction{Action: tt.action, Service: tt.service}, engine.SourceMother, "")
			if !errors.Is(err, act.ErrRefused) || !strings.Contains(err.Error(), tt.wantWhy) {
				t.Fatalf("Propose(%q, %.40q) error = %v, want act.ErrRefused saying %q", tt.action, tt.service, err, tt.wantWhy)
			}
			if ps, _ := e.flow.Pending(t.Context()); len(ps) != 0 {
				t.Errorf("Pending() = %v, want nothing stored", ps)
			}
			row := e.audit.last()
			if rs := e.audit.results(); !slices.Equal(rs, []string{engine.AuditRefused}) {
				t.Fatalf("audit = %v, want [refused]", rs)
			}
			if row.Error != err.Error()[len("propose: "):] || row.Source != engine.SourceMother || row.ProposalID != "" {
				t.Errorf("refused row = %+v, want the reason %q", row, err)
			}
			if row.Service != clip(tt.service) || len(row.Service) > maxText+32 || !utf8.ValidString(row.Service) {
				t.Errorf("refused row service = %.80q (%d bytes), want the clipped request", row.Service, len(row.Service))
			}
			if row.Action != clip(tt.action) {
				t.Errorf("refused row action = %q, want %q", row.Action, tt.action)
			}
		})
	}
}

func TestProposeBadSourceNotAudited(t *testing.T) {
	e := newEnv(t)
	if _, err := e.flow.Propose(t.Context(), engine.SuggestedAction{Action: "restart", Service: "sshd"}, "llm", ""); err == nil || errors.Is(err, act.ErrRefused) {
		t.Fatalf("Propose(source llm) error = %v, want a caller error", err)
	}
	if rs := e.audit.results(); len(rs) != 0 {
		t.Errorf("audit = %v, want no rows for a programming error", rs)
	}
}

func TestProposeAuditFailure(t *testing.T) {
	e := newEnv(t)
	e.audit.fail = func(engine.AuditEntry) error { return errors.New("disk full") }
	if _, err := e.flow.Propose(t.Context(), engine.SuggestedAction{Action: "restart", Service: "sshd"}, engine.SourceUser, ""); err == nil {
		t.Fatal("Propose() error = nil, want the audit failure")
	}
	if ps, _ := e.flow.Pending(t.Context()); len(ps) != 0 {
		t.Errorf("Pending() = %v, want nothing stored without its audit row", ps)
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "short", in: "nordvpn", want: "nordvpn"},
		{name: "exactly max", in: strings.Repeat("a", maxText), want: strings.Repeat("a", maxText)},
		{name: "long", in: strings.Repeat("a", 300), want: strings.Repeat("a", maxText) + "… (300 bytes)"},
		{name: "cut inside a rune", in: strings.Repeat("a", maxText-1) + "é", want: strings.Repeat("a", maxText-1) + "… (257 bytes)"},
		{name: "invalid utf-8", in: "a\xffb", want: "a\uFFFDb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clip(tt.in); got != tt.want {
				t.Errorf("clip() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := NewID()
		if !regexp.MustCompile(`^[a-z2-7]{26}$`).MatchString(id) || seen[id] {
			t.Fatalf("NewID() = %q (seen before: %v), want 26 new base32 characters", id, seen[id])
		}
		seen[id] = true
	}
}

func TestPendingAndPrune(t *testing.T) {
	e := newEnv(t)
	a := e.propose(t)
	e.clock.advance(time.Minute)
	b := e.propose(t)
	c := e.propose(t)
	if _, err := e.flow.Execute(t.Context(), c.ID, false, false); err != nil {
		t.Fatal(err)
	}
	ps, err := e.flow.Pending(t.Context())
	if err != nil || len(ps) != 2 || ps[0].ID != a.ID || ps[1].ID != b.ID {
		t.Fatalf("Pending() = %v, %v; want %s and %s", ps, err, a.ID, b.ID)
	}
	e.clock.advance(9*time.Minute + time.Second) // a expired
	if ps, _ := e.flow.Pending(t.Context()); len(ps) != 1 || ps[0].ID != b.ID {
		t.Errorf("Pending() after a expired = %v, want only %s", ps, b.ID)
	}
	if n, err := e.flow.Prune(t.Context()); n != 0 || err != nil {
		t.Errorf("Prune() = %d, %v; want nothing older than a day", n, err)
	}
	e.clock.advance(DefaultKeepFor + time.Minute) // b expired at +11m, over a day ago
	if n, err := e.flow.Prune(t.Context()); n != 3 || err != nil {
		t.Errorf("Prune() a day later = %d, %v; want all 3", n, err)
	}
}
