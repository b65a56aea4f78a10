package main

import (
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"monit-intel/engine/monit/monittest"
)

// openHistory opens the history database of dataDir read-only.
func openHistory(t *testing.T, dataDir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dataDir, "monit_history.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// countSnapshots returns how many snapshots of service the history holds.
func countSnapshots(t *testing.T, dataDir, service string) int {
	t.Helper()
	db := openHistory(t, dataDir)
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM snapshots WHERE service = ?`, service).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestIngestThroughMonitsSocket is field case 02 end to end: `ingest` reads a real Monit whose
// httpd listens on a unix socket only, given as unix://PATH and as the bare path.
func TestIngestThroughMonitsSocket(t *testing.T) {
	m := monittest.New(t)
	m.Listen = monittest.ListenUnix
	m.System = "sockhost"
	m.Start(t, "")
	sock := strings.TrimPrefix(m.URL, "unix://")
	env := map[string]string{"MONIT_USER": m.Username, "MONIT_PASSWORD": m.Password}
	for _, url := range []string{m.URL, sock} {
		dataDir := t.TempDir()
		cfg := writeConfig(t, fmt.Sprintf("monit:\n  url: %s\ndata_dir: %s\n", url, dataDir))
		if code, out, errOut := runCmd(t, env, "ingest", "--config", cfg); code != 0 {
			t.Fatalf("ingest from %s: exit %d: %s %s", url, code, out, errOut)
		}
		if n := countSnapshots(t, dataDir, "sockhost"); n != 1 {
			t.Errorf("ingest from %s stored %d snapshots of sockhost, want 1", url, n)
		}
	}
}

// TestIngestThroughMonitsTLS: a real Monit serving HTTPS with a self-signed certificate,
// trusted through monit.tls.ca_file; with insecure_skip_verify the cycle runs and warns.
func TestIngestThroughMonitsTLS(t *testing.T) {
	m := monittest.New(t)
	m.Listen = monittest.ListenTLS
	m.Start(t, "")
	env := map[string]string{"MONIT_USER": m.Username, "MONIT_PASSWORD": m.Password}
	tests := []struct {
		name, tls, wantLog string
		wantCode           int
	}{
		{"ca_file", "ca_file: " + m.CAFile, "", 0},
		{"insecure_skip_verify", "insecure_skip_verify: true", "monit.tls.insecure_skip_verify is on", 0},
		{"untrusted", "server_name: " + monittest.CertName, "its certificate is not trusted", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dataDir := t.TempDir()
			cfg := writeConfig(t, fmt.Sprintf("monit:\n  url: %s\n  tls: {%s}\ndata_dir: %s\n", m.URL, tt.tls, dataDir))
			code, out, errOut := runCmd(t, env, "ingest", "--config", cfg)
			if code != tt.wantCode || !strings.Contains(out+errOut, tt.wantLog) {
				t.Fatalf("ingest exit %d, want %d and output containing %q:\n%s%s", code, tt.wantCode, tt.wantLog, out, errOut)
			}
			if code == 0 && countSnapshots(t, dataDir, m.System) != 1 {
				t.Errorf("ingest stored no snapshot of %s", m.System)
			}
		})
	}
}

// TestIngestConfigMistakes: a URL without a scheme is refused at start with the address to
// use instead; an old Monit's figures with units are stored (field case 03, replayed).
func TestIngestConfigMistakes(t *testing.T) {
	cfg := writeConfig(t, fmt.Sprintf("monit:\n  url: \"127.0.0.1:2812\"\ndata_dir: %s\n", t.TempDir()))
	code, out, errOut := runCmd(t, nil, "ingest", "--config", cfg)
	if code == 0 || !strings.Contains(out+errOut, "did you mean http://127.0.0.1:2812?") {
		t.Errorf("ingest with monit.url 127.0.0.1:2812: exit %d, output %q; want a failure suggesting http://", code, out+errOut)
	}

	dataDir := t.TempDir()
	cfg = writeConfig(t, fmt.Sprintf("monit:\n  url: testdata/monit/field-5.3-units.xml\ndata_dir: %s\nretention: 876000h\n", dataDir))
	if code, out, errOut := runCmd(t, nil, "ingest", "--config", cfg); code != 0 {
		t.Fatalf("ingest of a Monit 5.3 document: exit %d: %s %s", code, out, errOut)
	}
	for _, s := range []string{"legacy01", "sshd", "datafs"} {
		if n := countSnapshots(t, dataDir, s); n != 1 {
			t.Errorf("%s: %d snapshots stored, want 1", s, n)
		}
	}
}

// TestIngestOddFigures: a captured document with two odd figures is stored whole; the odd
// figures are NULL, the notes are kept with the snapshot and logged.
func TestIngestOddFigures(t *testing.T) {
	doc, err := os.ReadFile("testdata/monit/all-types.xml")
	if err != nil {
		t.Fatal(err)
	}
	doc = bytes.Replace(doc, []byte("<usage>13342.0</usage>"), []byte("<usage>13 parsecs</usage>"), 1)
	doc = bytes.Replace(doc, []byte("<status>2097152</status>"), []byte("<status>2097152.0</status>"), 1)
	path := filepath.Join(t.TempDir(), "odd.xml")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	cfg := writeConfig(t, fmt.Sprintf("monit:\n  url: %s\ndata_dir: %s\nretention: 876000h\n", path, dataDir))
	code, out, errOut := runCmd(t, nil, "ingest", "--config", cfg)
	if code != 0 {
		t.Fatalf("ingest exit %d: %s %s", code, out, errOut)
	}
	if !strings.Contains(out+errOut, "monit figure unreadable") || !strings.Contains(out+errOut, "block/usage") {
		t.Errorf("ingest output lacks the parse note:\n%s%s", out, errOut)
	}
	db := openHistory(t, dataDir)
	var used sql.NullFloat64
	var total float64
	var notes string
	err = db.QueryRow(`SELECT s.fs_used_mb, s.fs_total_mb, n.notes FROM snapshots s
		JOIN services sv ON sv.name = s.service JOIN parse_notes n ON n.service_id = sv.id AND n.at = s.collected_at
		WHERE s.service = 'rootfs'`).Scan(&used, &total, &notes)
	if err != nil || used.Valid || total != 258019.6 || !strings.Contains(notes, `"field":"block/usage"`) {
		t.Errorf("rootfs = used %v, total %v, notes %s, %v; want NULL, 258019.6 and a note on block/usage", used, total, notes, err)
	}
	var status int64
	if err := db.QueryRow(`SELECT status FROM snapshots WHERE service = 'failing'`).Scan(&status); err != nil || status != 2097152 {
		t.Errorf("failing status = %d, %v; want 2097152 read from 2097152.0", status, err)
	}
}
