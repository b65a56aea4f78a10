package rest

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"monit-intel/engine"
	"monit-intel/logs"
	"monit-intel/logs/redact/redacttest"
)

// leakyAudit serves rows stored before redaction existed.
type leakyAudit struct{}

func (leakyAudit) AuditEntries(context.Context, int) ([]engine.AuditEntry, error) {
	code := 0
	return []engine.AuditEntry{{ID: 1, Result: engine.AuditExecuted, ExitCode: &code, Hash: "ab",
		Error: "exit status 1: mysql -pHunter2x: password=hunter2\nGH ghp_R2d3V4b5N6m7K8j9H0g1F2d3S4a5Q6w7E8r9"}}, nil
}

// TestResponsesRedacted: whatever a store hands the API (an older database's program output,
// audit rows, events, logs), every response body leaves redacted, and the board's own data is
// left as it was.
func TestResponsesRedacted(t *testing.T) {
	red := redacttest.New(t)
	deps := testDeps()
	board := engine.NewBoard()
	board.Record(engine.CycleResult{Started: t0, Services: []engine.Classified{{Snapshot: engine.Snapshot{
		Host: "nas", Name: "db_check", Type: engine.TypeProgram, Status: engine.BitStatus, CollectedAt: t0,
		Program: &engine.ProgramFigures{Output: "FATAL postgres://app:Pa55w0rd@db/app AKIAZ3MSJV4WWNKWW5FG"}},
		State: engine.FailureState{State: engine.StateNew, Since: t0, Failures: 1}}}}, nil)
	deps.Board = board
	deps.Audit = leakyAudit{}
	deps.Logs = fakeLogs(func(string, int) (logs.Result, error) {
		return logs.Result{Service: "db_check", Lines: []string{"Cookie: sid=0123456789abcdef0123"}}, nil
	})
	deps.Redactor = red
	_, api := newTestServer(t, Options{}, deps)
	secrets := []string{"Pa55w0rd", "AKIAZ3MSJV4WWNKWW5FG", "hunter2", "ghp_R2d3", "0123456789abcdef0123"}
	for _, path := range []string{"/status", "/mother/actions/audit", "/logs/db_check"} {
		resp := api.Get(path)
		body := resp.Body.String()
		if resp.Code != http.StatusOK || !strings.Contains(body, "[REDACTED]") {
			t.Errorf("GET %s = %d %s, want 200 with [REDACTED]", path, resp.Code, body)
		}
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("GET %s serves %q: %s", path, s, body)
			}
		}
	}
	if snap := board.Services()[0].Snapshot; !strings.Contains(snap.Program.Output, "Pa55w0rd") {
		t.Errorf("the board's snapshot was changed: %q", snap.Program.Output)
	}
}
