package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/config"
	"monit-intel/engine/monit"
)

// crashExitCode is how the child process of TestIngestCrashBetweenStores dies.
const crashExitCode = 3

// TestIngestCrashChild is the child of TestIngestCrashBetweenStores: one ingest cycle over
// the real stores that exits the process at the failpoint between the SQLite commit and
// the bbolt write. It does nothing when run on its own.
func TestIngestCrashChild(t *testing.T) {
	dataDir, doc := os.Getenv("MONIT_INTEL_CRASH_DATA_DIR"), os.Getenv("MONIT_INTEL_CRASH_DOC")
	if dataDir == "" {
		t.Skip("the child of TestIngestCrashBetweenStores")
	}
	s, err := openStores(t.Context(), config.Config{DataDir: dataDir}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	src, err := monit.New(monit.Options{URL: doc})
	if err != nil {
		t.Fatal(err)
	}
	in := engine.NewIngester(src, s.state, s.history, engine.IngesterOptions{
		AfterHistory: func(context.Context) error { os.Exit(crashExitCode); return nil },
	})
	_, err = in.RunCycle(t.Context())
	t.Fatalf("the cycle returned (%v) instead of stopping at the failpoint", err)
}

// statusDoc is a Monit status document with one program check.
func statusDoc(collected time.Time, status engine.StatusBits) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="ISO-8859-1"?><monit><server><id>c</id>`+
		`<version>5.33.0</version><poll>60</poll><localhostname>vm</localhostname></server>`+
		`<service type="7"><name>job</name><collected_sec>%d</collected_sec><collected_usec>0</collected_usec>`+
		`<status>%d</status><status_hint>0</status_hint><monitor>1</monitor><pendingaction>0</pendingaction>`+
		`</service></monit>`, collected.Unix(), status)
}

// TestIngestCrashBetweenStores stops the process exactly between the history commit and the
// failure state write (issue 12 §6) at a NEW and at a RECOVERED transition: the next cycle
// must not record either a second time (no NEW→NEW, no RECOVERED→RECOVERED).
func TestIngestCrashBetweenStores(t *testing.T) {
	dataDir := t.TempDir()
	docPath := filepath.Join(t.TempDir(), "status.xml")
	cfg := writeConfig(t, fmt.Sprintf("monit:\n  url: %s\ndata_dir: %s\n", docPath, dataDir))
	start := time.Now().Add(-time.Hour).Truncate(time.Second)
	steps := []struct {
		status engine.StatusBits
		crash  bool
	}{
		{engine.BitStatus, true}, {engine.BitStatus, false}, {0, true}, {0, false},
		{engine.BitStatus, true}, {engine.BitStatus, false}, {0, false},
	}
	for i, step := range steps {
		if err := os.WriteFile(docPath, []byte(statusDoc(start.Add(time.Duration(i)*time.Minute), step.status)), 0o644); err != nil {
			t.Fatal(err)
		}
		if !step.crash {
			if code, out, errOut := runCmd(t, nil, "ingest", "--config", cfg, "--no-analyze"); code != 0 {
				t.Fatalf("step %d: ingest exit %d: %s %s", i, code, out, errOut)
			}
			continue
		}
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestIngestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "MONIT_INTEL_CRASH_DATA_DIR="+dataDir, "MONIT_INTEL_CRASH_DOC="+docPath)
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != crashExitCode {
			t.Fatalf("step %d: the child did not stop at the failpoint: %v\n%s", i, err, out)
		}
	}
	var kinds []string
	for _, e := range queryEvents(t, dataDir) {
		kinds = append(kinds, strings.Fields(e)[1])
	}
	if got, want := strings.Join(kinds, " "), "NEW RECOVERED NEW RECOVERED"; got != want {
		t.Errorf("events = %s, want %s", got, want)
	}
	assertState(t, dataDir, "job", engine.StateRecovered, 2)
}

// TestIngestKeepsALateDocument replays a document collected 40 days ago (a host that was
// offline, the bundled demo's capture): retention counts from when monit-intel recorded it,
// so the cycle that stores it does not prune it.
func TestIngestKeepsALateDocument(t *testing.T) {
	dataDir := t.TempDir()
	docPath := filepath.Join(t.TempDir(), "status.xml")
	cfg := writeConfig(t, fmt.Sprintf("monit:\n  url: %s\ndata_dir: %s\nretention: 720h\n", docPath, dataDir))
	old := time.Now().Add(-40 * 24 * time.Hour).Truncate(time.Second)
	if err := os.WriteFile(docPath, []byte(statusDoc(old, engine.BitStatus)), 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if code, out, errOut := runCmd(t, nil, "ingest", "--config", cfg, "--no-analyze"); code != 0 {
			t.Fatalf("ingest exit %d: %s %s", code, out, errOut)
		}
	}
	if got := queryRows(t, dataDir, `SELECT collected_at, status FROM snapshots`); len(got) != 1 || got[0] != fmt.Sprintf("%d %d", old.Unix(), engine.BitStatus) {
		t.Errorf("snapshots = %q, want the late one, at its collection time", got)
	}
	if got := queryEvents(t, dataDir); len(got) != 1 {
		t.Errorf("events = %q, want the one NEW", got)
	}
}
