package main

import (
	"context"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/config"
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

// newMother wires Mother: turns live in bbolt and are exported to SQLite's conversations
// table (mother.Tee); a failed export is logged by Mother and does not lose the answer.
func newMother(cfg config.Config, s *stores, board *engine.Board, reg *logs.Registry, model engine.LLM, e *env) *mother.Mother {
	return mother.New(motherData{board: board, s: s, logs: reg}, mother.Tee{Live: s.state, Export: s.history}, mother.Options{
		LLM: model, NumCtx: cfg.Ollama.NumCtx, Timeout: cfg.Ollama.Timeout.D(), Units: cfg.Actions.Units, Logger: e.logger})
}
