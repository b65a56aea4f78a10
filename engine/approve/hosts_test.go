package approve

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"monit-intel/act"
	"monit-intel/engine"
	"monit-intel/logs/redact/redacttest"
)

// fleet is a Flow over a board of four hosts: alpha is this machine; web2 has a hosts: entry;
// gamma and db have none. job is on alpha, web2 and gamma.
type fleet struct {
	flow         *Flow
	audit        *memAudit
	local, web2  *fakeRunner
	web2Monit    *fakeMonit
	mu           sync.Mutex
	board        map[string][]string
	props        *memProposals
	nextProposal int
}

func newFleet(t *testing.T) *fleet {
	t.Helper()
	f := &fleet{audit: &memAudit{}, local: &fakeRunner{}, web2: &fakeRunner{},
		web2Monit: &fakeMonit{st: engine.Status{Host: "web2", MonitID: "id-web2"}}, props: &memProposals{m: map[string]engine.Proposal{}},
		board: map[string][]string{
			"alpha": {"job", "nordvpn_status", "sshd"},
			"db":    {"api"},
			"gamma": {"job"},
			"web2":  {"job", "nginx"},
		}}
	targets := func(_ context.Context, host string) (act.Targets, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		t := act.Targets{Services: map[string]bool{}, Units: map[string]string{"nordvpn_status": "nordvpnd.service", "nginx": "nginx.service"}}
		for _, s := range f.board[host] {
			t.Services[s] = true
		}
		return t, nil
	}
	hosts := Hosts{
		Local: func() string { return "alpha" },
		Of: func(service string) []string {
			f.mu.Lock()
			defer f.mu.Unlock()
			var on []string
			for _, h := range slices.Sorted(maps.Keys(f.board)) {
				if slices.Contains(f.board[h], service) {
					on = append(on, h)
				}
			}
			return on
		},
		Known: func() []string {
			f.mu.Lock()
			defer f.mu.Unlock()
			return slices.Sorted(maps.Keys(f.board))
		},
		Remote: map[string]Remote{"web2": {Act: act.Options{MonitRemote: true, MonitHost: "web2",
			MonitURL: "http://10.0.0.12:2812", MonitUser: "admin", MonitPassword: "pw"}, Runner: f.web2, Status: f.web2Monit}},
		MonitID: func(host string) string { return map[string]string{"web2": "id-web2"}[host] },
	}
	newID := func() string {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.nextProposal++
		return fmt.Sprintf("id%d", f.nextProposal)
	}
	f.flow = New(f.props, f.audit, targets, f.local, Options{Act: act.Options{MonitControlFile: "/etc/monitrc"},
		Hosts: hosts, Now: (&clock{t: t0}).now, NewID: newID, Redactor: redacttest.New(t)})
	return f
}

func TestProposeOnHosts(t *testing.T) {
	tests := []struct {
		name          string
		asked         engine.SuggestedAction
		wantHost      string
		wantCommand   string
		wantRefusal   string // part of the error; "" when proposed
		wantAuditHost string // the refused row's host
	}{
		{"the one host with the service", engine.SuggestedAction{Action: "restart", Service: "nginx"},
			"web2", "monit restart nginx (web2's Monit HTTP interface, http://10.0.0.12:2812)", "", ""},
		{"host named", engine.SuggestedAction{Action: "monit_stop", Host: "web2", Service: "job"},
			"web2", "monit stop job (web2's Monit HTTP interface, http://10.0.0.12:2812)", "", ""},
		{"this machine named", engine.SuggestedAction{Action: "restart", Host: "alpha", Service: "job"},
			"alpha", "monit -c /etc/monitrc restart job", "", ""},
		{"this machine's unit map", engine.SuggestedAction{Action: "restart", Service: "nordvpn_status"},
			"alpha", "systemctl restart nordvpnd.service", "", ""},
		{"a unit of this machine", engine.SuggestedAction{Action: "systemctl_stop", Service: "nordvpnd.service"},
			"alpha", "systemctl stop nordvpnd.service", "", ""},
		{"ambiguous", engine.SuggestedAction{Action: "restart", Service: "job"},
			"", "", "service job is on several hosts (alpha, gamma, web2): name the host", ""},
		{"unknown host", engine.SuggestedAction{Action: "restart", Host: "web9", Service: "job"},
			"", "", "unknown host web9 (the hosts are: alpha, db, gamma, web2)", "web9"},
		{"host without an entry", engine.SuggestedAction{Action: "restart", Service: "api"},
			"", "", "no hosts.db entry: monit-intel has no credentials for db's Monit", "db"},
		{"named host without an entry", engine.SuggestedAction{Action: "monit_start", Host: "gamma", Service: "job"},
			"", "", "no hosts.gamma entry", "gamma"},
		{"systemd on another host", engine.SuggestedAction{Action: "systemctl_restart", Service: "nginx"},
			"", "", `"systemctl_restart" is local-only`, "web2"},
		{"systemd on a host without an entry says local-only", engine.SuggestedAction{Action: "systemctl_restart", Service: "api"},
			"", "", `"systemctl_restart" is local-only`, "db"},
		{"logs of another host", engine.SuggestedAction{Action: "logs", Service: "nginx"},
			"", "", `"logs" is local-only`, "web2"},
		{"journal of another host", engine.SuggestedAction{Action: "journalctl_view", Host: "web2", Service: "job"},
			"", "", `"journalctl_view" is local-only`, "web2"},
		{"service not on the named host", engine.SuggestedAction{Action: "restart", Host: "web2", Service: "nordvpn_status"},
			"", "", `unknown Monit service "nordvpn_status" on host "web2"`, "web2"},
		{"host name with control characters", engine.SuggestedAction{Action: "restart", Host: "web2\n; rm", Service: "job"},
			"", "", `unknown host "web2\n; rm"`, "web2\n; rm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFleet(t)
			p, err := f.flow.Propose(t.Context(), tt.asked, engine.SourceUser, "")
			if tt.wantRefusal != "" {
				if !errors.Is(err, act.ErrRefused) || !strings.Contains(err.Error(), tt.wantRefusal) {
					t.Fatalf("Propose(%+v) error = %v, want act.ErrRefused saying %q", tt.asked, err, tt.wantRefusal)
				}
				if row := f.audit.last(); row.Result != engine.AuditRefused || row.Host != tt.wantAuditHost || row.Error != err.Error()[len("propose: "):] {
					t.Errorf("audit row = %+v, want refused on host %q with the error", row, tt.wantAuditHost)
				}
				return
			}
			if err != nil || p.Host != tt.wantHost || p.Command != tt.wantCommand {
				t.Fatalf("Propose(%+v) = %+v, %v; want %q on host %s", tt.asked, p, err, tt.wantCommand, tt.wantHost)
			}
			if row := f.audit.last(); row.Result != engine.AuditProposed || row.Host != tt.wantHost {
				t.Errorf("audit row = %+v, want proposed on host %s", row, tt.wantHost)
			}
		})
	}
}

// TestExecuteOnAnotherHost: an approved action on web2 goes to web2's runner only, with the
// argv its options build, and every audit row names web2.
func TestExecuteOnAnotherHost(t *testing.T) {
	f := newFleet(t)
	p, err := f.flow.Propose(t.Context(), engine.SuggestedAction{Action: "restart", Host: "web2", Service: "job"}, engine.SourceAPI, "")
	if err != nil {
		t.Fatal(err)
	}
	out, err := f.flow.Execute(t.Context(), p.ID, true, false)
	if err != nil || out.Status != engine.AuditExecuted {
		t.Fatalf("Execute() = %+v, %v; want executed", out, err)
	}
	if f.local.count() != 0 || f.web2.count() != 1 || !slices.Equal(f.web2.calls[0].Argv, []string{"monit", "restart", "job"}) {
		t.Errorf("runs: local %d, web2 %v; want one monit restart job on web2 only", f.local.count(), f.web2.calls)
	}
	for _, row := range f.audit.rows {
		if row.Host != "web2" {
			t.Errorf("audit row %+v, want host web2", row)
		}
	}

	// The service leaves web2's status before the approval: refused, nothing runs.
	q, err := f.flow.Propose(t.Context(), engine.SuggestedAction{Action: "stop", Host: "web2", Service: "nginx"}, engine.SourceAPI, "")
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.board["web2"] = []string{"job"}
	f.mu.Unlock()
	out, err = f.flow.Execute(t.Context(), q.ID, true, false)
	if !errors.Is(err, act.ErrRefused) || out.Status != engine.AuditRefused || f.web2.count() != 1 {
		t.Errorf("Execute() = %+v, %v; want refused with nothing run", out, err)
	}
}

// TestOneHostFlowRefusesAHost: without Hosts (one host, this machine) a named host is refused.
func TestOneHostFlowRefusesAHost(t *testing.T) {
	e := newEnv(t)
	_, err := e.flow.Propose(t.Context(), engine.SuggestedAction{Action: "restart", Host: "web2", Service: "sshd"}, engine.SourceAPI, "")
	if !errors.Is(err, act.ErrRefused) || !strings.Contains(err.Error(), "actions reach this machine's Monit only") {
		t.Errorf("Propose() error = %v, want a refusal", err)
	}
}

// TestPreviewIsWhatProposeStores: Preview resolves each action to the command Propose stores,
// with how it runs on another host, or to the same refusal; it stores and audits nothing and
// does not read another host's Monit.
func TestPreviewIsWhatProposeStores(t *testing.T) {
	asks := []engine.SuggestedAction{
		{Action: "restart", Service: "nginx"},
		{Action: "monit_stop", Host: "web2", Service: "job"},
		{Action: "restart", Host: "alpha", Service: "job"},
		{Action: "restart", Service: "nordvpn_status"},
		{Action: "restart", Service: "job"},
		{Action: "restart", Host: "web9", Service: "job"},
		{Action: "monit_start", Host: "gamma", Service: "job"},
		{Action: "systemctl_restart", Service: "nginx"},
		{Action: "logs", Host: "web2", Service: "job"},
	}
	for _, a := range asks {
		t.Run(a.Action+" "+a.Host+" "+a.Service, func(t *testing.T) {
			preview, proposing := newFleet(t), newFleet(t)
			cmd, err := preview.flow.Preview(t.Context(), a)
			p, perr := proposing.flow.Propose(t.Context(), a, engine.SourceUser, "")
			if perr != nil {
				if err == nil || !errors.Is(err, act.ErrRefused) || "propose: "+err.Error() != perr.Error() {
					t.Errorf("Preview = %q, %v; want the refusal %v", cmd.Display, err, perr)
				}
			} else if err != nil || cmd.Display != p.Command || !slices.Equal(cmd.Argv, p.Argv) {
				t.Errorf("Preview = %q, %v; want %q", cmd.Display, err, p.Command)
			}
			if len(preview.props.m) != 0 || len(preview.audit.rows) != 0 || preview.web2Monit.reads != 0 {
				t.Errorf("Preview stored %d proposals, audited %d rows, read web2's Monit %d times; want none",
					len(preview.props.m), len(preview.audit.rows), preview.web2Monit.reads)
			}
		})
	}
}
