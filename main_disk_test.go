package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// smallDisk mounts a tmpfs of size bytes for the test, or skips when this process may not
// mount (not root, or no CAP_SYS_ADMIN in a container).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs to fill (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fill writes zeros to path until the file system is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			return
		}
	}
}

// TestIngestOnAFullDisk: with the data dir's file system full the cycle fails with a clear
// reason and a non-zero exit, the history is unchanged, and the next cycle after space is
// freed succeeds.
func TestIngestOnAFullDisk(t *testing.T) {
	dataDir := smallDisk(t, "2m")
	status := filepath.Join(t.TempDir(), "status.xml")
	doc, err := os.ReadFile("testdata/monit/all-types.xml")
	if err != nil {
		t.Fatal(err)
	}
	write := func(at int) {
		// A new collected_sec makes every service a new snapshot to store.
		d := strings.ReplaceAll(string(doc), "<collected_sec>", fmt.Sprintf("<collected_sec>%d", at))
		if err := os.WriteFile(status, []byte(d), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(1)
	cfg := writeConfig(t, fmt.Sprintf("monit: {url: %s}\ndata_dir: %s\n", status, dataDir))
	if code, _, errOut := runCmd(t, nil, "ingest", "--no-analyze", "--config", cfg); code != 0 {
		t.Fatalf("first ingest: %s", errOut)
	}
	before := len(queryEvents(t, dataDir))

	filler := filepath.Join(dataDir, "filler")
	fill(t, filler)
	for i := 2; i < 6; i++ { // a few cycles, in case SQLite still has a free page or two
		write(i)
		code, _, errOut := runCmd(t, nil, "ingest", "--no-analyze", "--config", cfg)
		if code == 0 {
			continue
		}
		t.Logf("cycle %d on a full disk: %s", i, errOut)
		if !strings.Contains(errOut, "full") && !strings.Contains(errOut, "no space") {
			t.Errorf("ingest on a full disk: %q, want a reason that says the disk is full", errOut)
		}
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		if last := lines[len(lines)-1]; !strings.HasPrefix(last, "monit-intel ingest: ") || !strings.Contains(last, "full") {
			t.Errorf("last line %q, want the one-line reason", last)
		}
		if got := len(queryEvents(t, dataDir)); got != before {
			t.Errorf("events %d after a failed cycle, want %d", got, before)
		}
		os.Remove(filler)
		write(i + 1)
		if code, _, errOut := runCmd(t, nil, "ingest", "--no-analyze", "--config", cfg); code != 0 {
			t.Errorf("ingest after freeing space: %s", errOut)
		}
		return
	}
	t.Fatal("ingest kept succeeding on a full disk")
}

func TestIngestUnwritableDataDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(file, nil, 0o600)
	cfg := writeConfig(t, fmt.Sprintf("monit: {url: testdata/demo/status.xml}\ndata_dir: %s/data\n", file))
	code, _, errOut := runCmd(t, nil, "ingest", "--config", cfg)
	if code == 0 || !strings.Contains(errOut, "create data dir") || !strings.Contains(errOut, "not a directory") {
		t.Errorf("ingest with data_dir under a file: exit %d, %q", code, errOut)
	}
}

// TestServeRetriesAfterAFailedCycle: a cycle that fails leaves the daemon running and /health
// degraded with the reason; the next tick succeeds once the cause is gone.
func TestServeRetriesAfterAFailedCycle(t *testing.T) {
	status := filepath.Join(t.TempDir(), "status.xml")
	cfg := writeConfig(t, fmt.Sprintf("monit: {url: %s, interval: 1s}\ndata_dir: %s\n", status, t.TempDir()))
	d := startDaemon(t, cfg)
	waitFor(t, 15*time.Second, func() bool {
		_, h := d.call(t, "GET", "/health", "")
		last, _ := h["last_ingest"].(map[string]any)
		return last != nil && strings.Contains(fmt.Sprint(last["error"]), "no such file") && h["degraded"] == true
	})
	doc, _ := os.ReadFile("testdata/demo/status.xml")
	if err := os.WriteFile(status, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 15*time.Second, func() bool {
		_, st := d.call(t, "GET", "/status", "")
		return st["count"] == float64(10)
	})
	if !strings.Contains(d.logs.String(), "job failed") {
		t.Errorf("the failed cycle was not logged:\n%s", d.logs)
	}
}
