package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"monit-intel/repl"
)

// slowChunks is how many pieces the slow answer has; its last piece is slowEnd.
const (
	slowChunks = 40
	slowEnd    = "END-OF-SLOW-ANSWER"
)

// backend is a scripted repl.Backend.
type backend struct {
	mu        sync.Mutex
	record    string
	slowDelay time.Duration
	now       func() time.Time
}

var _ repl.Backend = (*backend)(nil)

// note appends one line to the record file, if any.
func (b *backend) note(format string, args ...any) {
	if b.record == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	f, err := os.OpenFile(b.record, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintf(f, format+"\n", args...)
}

func (b *backend) services() []repl.ServiceStatus {
	now := b.now()
	return []repl.ServiceStatus{
		{Host: "home", Service: "nordvpn_status", Type: "program", State: "ONGOING", StatusText: "Status failed",
			Status: 0x200000, Monitor: "monitored", FailingSince: now.Add(-3 * time.Hour), Failures: 4, CollectedAt: now},
		{Host: "home", Service: "system_backup", Type: "program", State: "OK", StatusText: "OK",
			Monitor: "monitored", Failures: 1, CollectedAt: now},
		{Host: "home", Service: "root_fs", Type: "filesystem", State: "OK", StatusText: "OK",
			Monitor: "monitored", CollectedAt: now},
	}
}

func (b *backend) Status(_ context.Context, failingOnly bool) ([]repl.ServiceStatus, error) {
	var out []repl.ServiceStatus
	for _, s := range b.services() {
		if !failingOnly || s.Status != 0 {
			out = append(out, s)
		}
	}
	return out, nil
}

func (b *backend) known(service string) error {
	for _, s := range b.services() {
		if s.Service == service {
			return nil
		}
	}
	return fmt.Errorf("unknown service %q", service)
}

func (b *backend) History(_ context.Context, _, service string, n int) ([]repl.Event, error) {
	if err := b.known(service); err != nil {
		return nil, err
	}
	evs := []repl.Event{{ID: 2, At: b.now().Add(-3 * time.Hour), Service: service, Kind: "NEW", Detail: "Status failed", Status: 0x200000}}
	return evs[:min(n, len(evs))], nil
}

func (b *backend) Logs(_ context.Context, _, service string, n int) (repl.Logs, error) {
	if err := b.known(service); err != nil {
		return repl.Logs{}, err
	}
	lines := []string{"nordvpnd[812]: connection lost", "nordvpnd[812]: reconnecting"}
	return repl.Logs{Service: service, Source: "journalctl", Lines: lines[:min(n, len(lines))]}, nil
}

func (b *backend) Analyze(_ context.Context, _, service string) ([]repl.Analysis, error) {
	if err := b.known(service); err != nil {
		return nil, err
	}
	return []repl.Analysis{{Service: service, Source: "rules", Text: "The VPN daemon lost its connection.", At: b.now()}}, nil
}

func (b *backend) Chat(ctx context.Context, _, message string, onChunk func(string)) (repl.ChatReply, error) {
	chunks, delay := []string{"Mother ", "here. ", "You asked: ", message}, 30*time.Millisecond
	if strings.Contains(message, "slow") {
		chunks, delay = nil, b.slowDelay
		for i := 1; i < slowChunks; i++ {
			chunks = append(chunks, fmt.Sprintf("part%d ", i))
		}
		chunks = append(chunks, slowEnd)
	}
	var text strings.Builder
	for _, c := range chunks {
		select {
		case <-ctx.Done():
			b.note("chat cancelled: %s", message)
			return repl.ChatReply{}, ctx.Err()
		case <-time.After(delay):
		}
		onChunk(c)
		text.WriteString(c)
	}
	reply := repl.ChatReply{Text: text.String()}
	if strings.Contains(message, "restart") {
		reply.Proposals = []repl.Proposal{b.proposal("restart", "nordvpn_status")}
	}
	return reply, nil
}

func (b *backend) proposal(action, service string) repl.Proposal {
	return repl.Proposal{ID: "p1", Action: action, Service: service,
		Command: "systemctl " + action + " nordvpnd.service", ExpiresAt: b.now().Add(5 * time.Minute), ProposedBy: "mother"}
}

func (b *backend) ClearSession(_ context.Context, session string) error {
	b.note("clear %s", session)
	return nil
}

func (b *backend) Suggest(_ context.Context, action, service, host string) (repl.Proposal, error) {
	if err := b.known(service); err != nil {
		return repl.Proposal{}, err
	}
	p := b.proposal(action, service)
	p.Host = host
	return p, nil
}

func (b *backend) Actions(context.Context) ([]repl.Proposal, error) {
	return []repl.Proposal{b.proposal("restart", "nordvpn_status")}, nil
}

func (b *backend) Execute(_ context.Context, id string, approve, dryRun bool) (repl.ExecResult, error) {
	b.note("execute %s approve=%t dry_run=%t", id, approve, dryRun)
	if id != "p1" {
		return repl.ExecResult{}, errors.New("no such proposal")
	}
	cmd := "systemctl restart nordvpnd.service"
	switch {
	case !approve:
		return repl.ExecResult{ID: id, Command: cmd, Status: "rejected"}, nil
	case dryRun:
		return repl.ExecResult{ID: id, Command: cmd, Status: "dry_run"}, nil
	}
	return repl.ExecResult{ID: id, Command: cmd, Status: "executed", Output: "restarted"}, nil
}

func (b *backend) Audit(_ context.Context, n int) ([]repl.AuditEntry, error) {
	es := []repl.AuditEntry{{ID: 1, At: b.now(), Action: "restart", Service: "nordvpn_status",
		Command: "systemctl restart nordvpnd.service", Result: "executed", Source: "repl", Approved: true}}
	return es[:min(n, len(es))], nil
}
