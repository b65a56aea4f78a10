package sqliteexport

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"monit-intel/engine"
)

// SaveAnalysis appends an analysis and returns its ID.
func (db *DB) SaveAnalysis(ctx context.Context, a engine.Analysis) (int64, error) {
	actions, err := json.Marshal(a.SuggestedActions)
	if err != nil {
		return 0, fmt.Errorf("save analysis: %w", err)
	}
	var event any
	if a.EventID != 0 {
		event = a.EventID
	}
	res, err := db.w.ExecContext(ctx, `INSERT INTO analyses (at, host, service, event_id, source, model,
		duration_ms, prompt_tokens, response_tokens, truncated, fingerprint, prompt_version, summary,
		causes, probable_cause, actions, llm_error, cached, text)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.At.Unix(), a.Host, a.Service, event, a.Source, a.Model, a.Duration.Milliseconds(),
		nullZero(a.PromptTokens), nullZero(a.ResponseTokens), a.Truncated, a.Fingerprint, a.PromptVersion,
		a.Summary, strings.Join(a.Causes, ","), a.ProbableCause, string(actions), a.LLMError, a.Cached, a.Text)
	if err != nil {
		return 0, fmt.Errorf("save analysis of %s: %w", a.Service, err)
	}
	return res.LastInsertId()
}

func nullZero(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

const analysisColumns = `id, at, host, service, coalesce(event_id, 0), source, model, duration_ms,
	coalesce(prompt_tokens, 0), coalesce(response_tokens, 0), truncated, fingerprint, prompt_version,
	summary, causes, probable_cause, actions, llm_error, cached, text`

func scanAnalysis(row interface{ Scan(...any) error }) (engine.Analysis, error) {
	var a engine.Analysis
	var at, ms int64
	var causes, actions string
	err := row.Scan(&a.ID, &at, &a.Host, &a.Service, &a.EventID, &a.Source, &a.Model, &ms,
		&a.PromptTokens, &a.ResponseTokens, &a.Truncated, &a.Fingerprint, &a.PromptVersion,
		&a.Summary, &causes, &a.ProbableCause, &actions, &a.LLMError, &a.Cached, &a.Text)
	if err != nil {
		return a, err
	}
	a.At, a.Duration = time.Unix(at, 0).UTC(), time.Duration(ms)*time.Millisecond
	if causes != "" {
		a.Causes = strings.Split(causes, ",")
	}
	if err := json.Unmarshal([]byte(actions), &a.SuggestedActions); err != nil {
		return a, fmt.Errorf("decode actions of analysis %d: %w", a.ID, err)
	}
	return a, nil
}

// CachedAnalysis returns the newest model analysis of the same failure (host, service,
// fingerprint, model and prompt version), if there is one.
func (db *DB) CachedAnalysis(ctx context.Context, host, service, fingerprint, model, promptVersion string) (engine.Analysis, bool, error) {
	row := db.r.QueryRowContext(ctx, `SELECT `+analysisColumns+` FROM analyses
		WHERE fingerprint = ? AND model = ? AND prompt_version = ? AND service = ? AND host = ? AND source = 'llm'
		ORDER BY at DESC, id DESC LIMIT 1`, fingerprint, model, promptVersion, service, host)
	a, err := scanAnalysis(row)
	if errors.Is(err, sql.ErrNoRows) {
		return engine.Analysis{}, false, nil
	}
	if err != nil {
		return engine.Analysis{}, false, fmt.Errorf("cached analysis of %s: %w", service, err)
	}
	return a, true, nil
}

// Analyses returns stored analyses, newest first; an empty service means every service.
func (db *DB) Analyses(ctx context.Context, service string, limit int) ([]engine.Analysis, error) {
	return db.AnalysesOn(ctx, "", service, limit)
}
