package main

import (
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/monit/monittest"
)

// TestProgramOutputRedactedAgainstRealMonit: a real Monit program check prints a password, a
// URL's password and an AWS key id; the daemon serves /status, stores SQLite and logs without
// them.
func TestProgramOutputRedactedAgainstRealMonit(t *testing.T) {
	m := monittest.New(t)
	m.WriteScript(t, "leaky.sh", "echo 'db check: password=hunter2 url=postgres://app:Pa55w0rd@db/app key AKIAZ3MSJV4WWNKWW5FG'\nexit 1\n")
	m.Start(t, "check program leaky with path \"{{DIR}}/leaky.sh\" every 1 cycles\n    if status != 0 then alert\n")
	secrets := []string{"hunter2", "Pa55w0rd", "AKIAZ3MSJV4WWNKWW5FG"}
	m.WaitFor(t, 20*time.Second, func(st engine.Status) bool {
		s, ok := monittest.Find(st, "leaky")
		return ok && s.Program != nil && strings.Contains(s.Program.Output, "hunter2")
	})
	dataDir := t.TempDir()
	cfg := writeConfig(t, fmt.Sprintf("monit:\n  url: %s\n  interval: 1s\ndata_dir: %s\nollama: {url: 'http://127.0.0.1:%d'}\n",
		m.URL, dataDir, monittest.FreePort(t)))
	d := startDaemon(t, cfg, "MONIT_USER="+m.Username, "MONIT_PASSWORD="+m.Password)
	var status string
	waitFor(t, 15*time.Second, func() bool {
		code, body := d.call(t, "GET", "/status", "")
		status = fmt.Sprint(body)
		return code == 200 && strings.Contains(status, "[REDACTED]")
	})
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dataDir, "monit_history.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var stored string
	if err := db.QueryRow(`SELECT group_concat(body, '|') FROM outputs`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		for where, text := range map[string]string{"/status": status, "SQLite": stored, "the daemon's log": d.logs.String()} {
			if strings.Contains(text, s) {
				t.Errorf("%s holds %q: %s", where, s, text)
			}
		}
	}
	if !strings.Contains(stored, "password=[REDACTED] url=postgres://app:[REDACTED]@db/app") {
		t.Errorf("SQLite outputs = %q, want the output kept around the secrets", stored)
	}
}

// TestSeedBoardRedactsOlderRows: program output stored before redaction existed does not reach
// the board (/status, Mother's facts) when serve starts on that database.
func TestSeedBoardRedactsOlderRows(t *testing.T) {
	dataDir := t.TempDir()
	cfg, err := loadConfig(&env{getenv: func(string) string { return "" }},
		writeConfig(t, fmt.Sprintf("monit:\n  url: http://127.0.0.1:1\ndata_dir: %s\n", dataDir)))
	if err != nil {
		t.Fatal(err)
	}
	s, err := openStores(t.Context(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	old := engine.Status{Host: "nas", Services: []engine.Snapshot{{Host: "nas", Name: "db_check", Type: engine.TypeProgram,
		CollectedAt: time.Now().Truncate(time.Second), Status: engine.BitStatus,
		Program: &engine.ProgramFigures{Output: "FATAL password=hunter2 for postgres://app:Pa55w0rd@db/app"}}}}
	if _, err := s.history.RecordCycle(t.Context(), time.Now(), old, nil); err != nil {
		t.Fatal(err)
	}
	b := engine.NewBoard()
	if err := seedBoard(t.Context(), b, s); err != nil {
		t.Fatal(err)
	}
	got := b.Services()[0].Snapshot.Program.Output
	if got != "FATAL password=[REDACTED] for postgres://app:[REDACTED]@db/app" {
		t.Errorf("seeded output = %q, want it redacted", got)
	}
}
