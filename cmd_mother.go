package main

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/config"
	"monit-intel/engine/mother"
	"monit-intel/engine/trend"
	"monit-intel/logs"
)

// motherData is what Mother reads: the board for current states, the history for events and
// analyses, the registry for logs.
type motherData struct {
	board *engine.Board
	s     *stores
	logs  *logs.Registry
}

func (d motherData) Services(context.Context) ([]engine.Classified, error) {
	return d.board.Services(), nil
}

func (d motherData) Events(ctx context.Context, host, service string, limit int) ([]engine.Event, error) {
	return d.s.history.EventsOn(ctx, host, service, limit)
}

func (d motherData) EventsSince(ctx context.Context, since time.Time, limit int) ([]engine.Event, error) {
	return d.s.history.EventsSince(ctx, since, limit)
}

func (d motherData) Analyses(ctx context.Context, host, service string, limit int) ([]engine.Analysis, error) {
	return d.s.history.AnalysesOn(ctx, host, service, limit)
}

func (d motherData) Logs(ctx context.Context, service string, n int, since, until time.Time) (logs.Result, error) {
	return d.logs.ReadWindow(ctx, service, n, since, until)
}

func (d motherData) Samples(ctx context.Context, host, service string, f trend.Figure, since, until time.Time) ([]trend.Sample, error) {
	return d.s.history.SamplesOn(ctx, host, service, f, since, until)
}

func (d motherData) Audit(ctx context.Context, limit int) ([]engine.AuditEntry, error) {
	return d.s.history.AuditEntries(ctx, limit)
}

// newMother wires Mother: turns live in bbolt and are exported to SQLite's conversations
// table (mother.Tee); a failed export is logged by Mother and does not lose the answer.
// Requests for actions go through the approval flow.
// Logs are read for the services of this machine's host only (Options.LocalHost).
func newMother(cfg config.Config, s *stores, d *daemonParts, e *env) *mother.Mother {
	opts := mother.Options{LLM: engine.RedactingLLM{LLM: d.model, Redactor: s.red}, NumCtx: cfg.Ollama.NumCtx,
		Timeout: cfg.Ollama.Timeout.D(), Units: cfg.Actions.Units, Aliases: serviceAliases(cfg), Actions: d.flow,
		Hosts: d.fleet, LocalHost: d.localHost, Logger: e.logger}
	return mother.New(motherData{board: d.board, s: s, logs: d.reg}, mother.Tee{Live: s.state, Export: s.history}, opts)
}

// serviceAliases gathers the other names of each service from the configuration: its systemd
// unit (actions.units), its journal unit or log file's name (logs), and aliases.
func serviceAliases(cfg config.Config) map[string][]string {
	out := map[string][]string{}
	for svc, unit := range cfg.Actions.Units {
		out[svc] = append(out[svc], unit)
	}
	for svc, src := range cfg.Logs {
		if src.Unit != "" {
			out[svc] = append(out[svc], src.Unit)
		}
		if src.Path != "" && !strings.ContainsAny(filepath.Base(src.Path), "*?[") {
			base := filepath.Base(src.Path)
			out[svc] = append(out[svc], strings.TrimSuffix(base, filepath.Ext(base)))
		}
	}
	for svc, names := range cfg.Aliases {
		out[svc] = append(out[svc], names...)
	}
	return out
}
