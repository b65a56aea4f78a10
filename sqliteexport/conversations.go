package sqliteexport

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"monit-intel/engine"
)

// migrationConversationHosts adds the hosts a turn was about (engine.Turn.Hosts).
const migrationConversationHosts = `
-- The Monit hosts a turn of Mother's was about, comma-separated (Monit's localhostnames).
ALTER TABLE conversations ADD COLUMN hosts TEXT NOT NULL DEFAULT '';
`

// AppendTurn exports one of Mother's turns to the conversations table. The row's id is the
// table's own; the turn's ID (the state file's) is not kept.
func (db *DB) AppendTurn(ctx context.Context, t engine.Turn) error {
	proposed, err := json.Marshal(t.Proposed)
	if err != nil {
		return fmt.Errorf("export turn: %w", err)
	}
	if t.Proposed == nil {
		proposed = []byte("[]")
	}
	_, err = db.w.ExecContext(ctx, `INSERT INTO conversations (timestamp, session, user_query, agent_response,
		service_context, logs_provided, intent, services, hosts, proposed, model, model_note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.At.Unix(), t.Session, t.Query, t.Answer, t.Context, strings.Join(t.Logs, "\n"), t.Intent,
		strings.Join(t.Services, ","), strings.Join(t.Hosts, ","), string(proposed), t.Model, t.ModelNote)
	if err != nil {
		return fmt.Errorf("export turn of session %q: %w", t.Session, err)
	}
	return nil
}

// Turns returns the last limit exported turns of a session, oldest first; limit <= 0 means
// all. Turns stored in the same second keep the order they were exported in.
func (db *DB) Turns(ctx context.Context, session string, limit int) ([]engine.Turn, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := db.r.QueryContext(ctx, `SELECT id, timestamp, user_query, agent_response, service_context,
		logs_provided, intent, services, hosts, proposed, model, model_note
		FROM conversations WHERE session = ? ORDER BY timestamp DESC, id DESC LIMIT ?`, session, limit)
	if err != nil {
		return nil, fmt.Errorf("turns of session %q: %w", session, err)
	}
	defer rows.Close()
	var out []engine.Turn
	for rows.Next() {
		t := engine.Turn{Session: session}
		var at int64
		var logs, services, hosts, proposed string
		if err := rows.Scan(&t.ID, &at, &t.Query, &t.Answer, &t.Context, &logs, &t.Intent, &services, &hosts,
			&proposed, &t.Model, &t.ModelNote); err != nil {
			return nil, fmt.Errorf("turns of session %q: %w", session, err)
		}
		t.At = time.Unix(at, 0).UTC()
		if logs != "" {
			t.Logs = strings.Split(logs, "\n")
		}
		if services != "" {
			t.Services = strings.Split(services, ",")
		}
		if hosts != "" {
			t.Hosts = strings.Split(hosts, ",")
		}
		if proposed != "[]" {
			if err := json.Unmarshal([]byte(proposed), &t.Proposed); err != nil {
				return nil, fmt.Errorf("decode proposed actions of turn %d: %w", t.ID, err)
			}
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("turns of session %q: %w", session, err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// ClearSession deletes a session's exported turns, so that clearing a conversation forgets it
// everywhere.
func (db *DB) ClearSession(ctx context.Context, session string) error {
	if _, err := db.w.ExecContext(ctx, `DELETE FROM conversations WHERE session = ?`, session); err != nil {
		return fmt.Errorf("clear session %q: %w", session, err)
	}
	return nil
}
