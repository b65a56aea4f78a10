package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/config"
	"monit-intel/engine/llm"
	"monit-intel/engine/mother"
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

func (d motherData) Events(ctx context.Context, service string, limit int) ([]engine.Event, error) {
	return d.s.history.Events(ctx, service, limit)
}

func (d motherData) EventsSince(ctx context.Context, since time.Time, limit int) ([]engine.Event, error) {
	return d.s.history.EventsSince(ctx, since, limit)
}

func (d motherData) Analyses(ctx context.Context, service string, limit int) ([]engine.Analysis, error) {
	return d.s.history.Analyses(ctx, service, limit)
}

func (d motherData) Logs(ctx context.Context, service string, n int) (logs.Result, error) {
	return d.logs.Read(ctx, service, n)
}

// motherMemory keeps conversations in bbolt and exports every turn to SQLite's conversations
// table for ad-hoc queries. bbolt is the memory: a failed export is logged, not fatal.
type motherMemory struct {
	s   *stores
	log *slog.Logger
}

func (m motherMemory) AppendTurn(ctx context.Context, t engine.Turn) error {
	if err := m.s.state.AppendTurn(ctx, t); err != nil {
		return err
	}
	if err := m.s.history.AppendTurn(ctx, t); err != nil {
		m.log.Warn("export conversation turn", "session", t.Session, "err", err)
	}
	return nil
}

func (m motherMemory) Turns(ctx context.Context, session string, limit int) ([]engine.Turn, error) {
	return m.s.state.Turns(ctx, session, limit)
}

func (m motherMemory) ClearSession(ctx context.Context, session string) error {
	return errors.Join(m.s.state.ClearSession(ctx, session), m.s.history.ClearSession(ctx, session))
}

func newMother(cfg config.Config, s *stores, board *engine.Board, reg *logs.Registry, model *llm.Client, e *env) *mother.Mother {
	return mother.New(motherData{board: board, s: s, logs: reg}, motherMemory{s: s, log: e.logger}, mother.Options{
		LLM: model, NumCtx: cfg.Ollama.NumCtx, Timeout: cfg.Ollama.Timeout.D(), Units: cfg.Actions.Units, Logger: e.logger})
}
