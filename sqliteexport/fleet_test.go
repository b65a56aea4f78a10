package sqliteexport

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"monit-intel/engine"
)

// TestStaleEventKind stores the fleet's STALE event, also after a reopen (the migration
// must not run twice), and still refuses a kind nobody defined.
func TestStaleEventKind(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "h.db")
	at := time.Unix(1795507200, 0)
	for round := range 2 {
		db, err := OpenFile(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			kind    engine.State
			wantErr bool
		}{{"STALE", false}, {engine.StateRecovered, false}, {"BOGUS", true}} {
			ev := engine.Event{At: at, Host: "beta", Service: "Monit", Kind: c.kind, Detail: "x"}
			_, err := db.RecordCycle(ctx, engine.Status{Host: "beta"}, []engine.Event{ev})
			if (err != nil) != c.wantErr {
				t.Errorf("round %d: RecordCycle(kind %s) = %v, want error %v", round, c.kind, err, c.wantErr)
			}
		}
		var check string
		if err := db.w.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
			t.Errorf("integrity_check = %q, %v", check, err)
		}
		db.Close()
	}
}
