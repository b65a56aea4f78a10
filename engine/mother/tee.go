package mother

import (
	"context"
	"errors"

	"monit-intel/engine"
)

// Tee is a Memory that reads from Live (bbolt) and writes to both Live and Export (SQLite), so
// that clearing a session forgets it in both.
type Tee struct {
	Live   Memory
	Export Memory
}

var _ Memory = Tee{}

// AppendTurn stores the turn in Live, then exports it; a failed export does not undo Live.
func (t Tee) AppendTurn(ctx context.Context, turn engine.Turn) error {
	if err := t.Live.AppendTurn(ctx, turn); err != nil {
		return err
	}
	return t.Export.AppendTurn(ctx, turn)
}

// Turns reads Live.
func (t Tee) Turns(ctx context.Context, session string, limit int) ([]engine.Turn, error) {
	return t.Live.Turns(ctx, session, limit)
}

// ClearSession clears both, even when the first fails.
func (t Tee) ClearSession(ctx context.Context, session string) error {
	return errors.Join(t.Live.ClearSession(ctx, session), t.Export.ClearSession(ctx, session))
}
