package replay

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
)

const demo = "../../testdata/demo"

// clock is a settable time for the Source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func openDemo(t *testing.T, c *clock, after time.Time) (*Source, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "logs")
	s, err := Open(Options{Timeline: demo + "/timeline", Logs: demo + "/logs", LogsOut: out, After: after, Now: c.now})
	if err != nil {
		t.Fatalf("Open() error = %v", err)
	}
	return s, out
}

// play fetches every history step and n live steps (the clock moving 30 s before each) and
// classifies them as the ingester would, returning each service's states in order.
func play(t *testing.T, s *Source, c *clock, live int) map[string][]engine.State {
	t.Helper()
	prev := map[string]engine.FailureState{}
	states := map[string][]engine.State{}
	fetch := func() engine.Status {
		st, err := s.Fetch(t.Context())
		if err != nil {
			t.Fatalf("Fetch() error = %v", err)
		}
		for _, snap := range st.Services {
			p, ok := prev[snap.Name]
			next, _ := engine.Classify(p, ok, snap)
			prev[snap.Name] = next
			states[snap.Name] = append(states[snap.Name], next.State)
		}
		return st
	}
	for s.Behind() {
		fetch()
	}
	fetch() // the last history step: now
	for range live {
		c.t = c.t.Add(30 * time.Second)
		fetch()
	}
	return states
}

func TestDemoTimelineTellsTheStory(t *testing.T) {
	c := &clock{t: time.Date(2031, 7, 4, 15, 20, 0, 0, time.UTC)}
	s, _ := openDemo(t, c, time.Time{})
	states := play(t, s, c, 4)
	has := func(name string, want ...engine.State) {
		t.Helper()
		got := states[name]
		for _, w := range want {
			if !containsState(got, w) {
				t.Errorf("%s states = %v, want a %s", name, got, w)
			}
		}
	}
	has("system_backup", engine.StateNew, engine.StateOngoing)
	has("backup_archive", engine.StateNew, engine.StateChanged) // too small, then gone
	has("nordvpn_reconnect", engine.StateNew, engine.StateRecovered)
	has("gamma_conn", engine.StateNew, engine.StateOngoing)
	has("network_resurrect", engine.StateNew, engine.StateRecovered)
	has("zfs_sanoid", engine.StateNew, engine.StateRecovered)
	if n := count(states["nordvpn_status"], engine.StateNew); n < 3 {
		t.Errorf("nordvpn_status states = %v, want it flapping (3 or more NEW)", states["nordvpn_status"])
	}
	// smbd is unmonitored for maintenance (-3 h to -2 h), then watched again.
	var monitored []engine.MonitorState
	for _, st := range s.history {
		for _, snap := range st.status.Services {
			if snap.Name == "smbd" {
				monitored = append(monitored, snap.Monitor)
			}
		}
	}
	if !slices.Contains(monitored, 0) || monitored[len(monitored)-1] != engine.MonitorYes {
		t.Errorf("smbd monitor states = %v, want an unmonitored stretch, then monitored", monitored)
	}
	for _, name := range []string{"homelab", "rootfs", "tank", "nordvpnd", "sshd", "smbd", "alpha"} {
		got := states[name]
		if len(got) == 0 || got[len(got)-1] != engine.StateOK {
			t.Errorf("%s states = %v, want a healthy service", name, got)
		}
	}
}

func containsState(list []engine.State, s engine.State) bool { return count(list, s) > 0 }

func count(list []engine.State, s engine.State) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

func TestHistoryEndsNowAndLiveStepsLandWhenFetched(t *testing.T) {
	start := time.Date(2031, 7, 4, 15, 20, 0, 0, time.UTC)
	c := &clock{t: start}
	s, _ := openDemo(t, c, time.Time{})
	first, err := s.Fetch(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got := newest(first); got.Before(start.Add(-24*time.Hour-time.Minute)) || got.After(start.Add(-24*time.Hour+time.Minute)) {
		t.Errorf("first step collected at %s, want about 24 h before %s", got, start)
	}
	if got := s.Now(); !got.Equal(start.Add(-24 * time.Hour)) {
		t.Errorf("Now() while catching up = %s, want the step's time %s", got, start.Add(-24*time.Hour))
	}
	for s.Behind() {
		if _, err := s.Fetch(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	last, err := s.Fetch(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got := newest(last); got.Sub(start).Abs() > time.Second {
		t.Errorf("last history step collected at %s, want %s", got, start)
	}
	for i := range 9 { // more than one loop of the live steps
		c.t = start.Add(time.Duration(i+1) * 45 * time.Second)
		st, err := s.Fetch(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if got := newest(st); got.Sub(c.t).Abs() > time.Second {
			t.Errorf("live step %d collected at %s, want %s", i, got, c.t)
		}
		for _, snap := range st.Services {
			if snap.Program != nil && snap.Program.Started.After(c.t) {
				t.Errorf("live step %d: %s started at %s, after now %s", i, snap.Name, snap.Program.Started, c.t)
			}
		}
	}
	if !s.Now().Equal(c.t) {
		t.Errorf("Now() after catching up = %s, want the real clock %s", s.Now(), c.t)
	}
}

func TestAfterSkipsStoredHistory(t *testing.T) {
	start := time.Date(2031, 7, 4, 15, 20, 0, 0, time.UTC)
	c := &clock{t: start}
	s, out := openDemo(t, c, start.Add(-90*time.Minute))
	n := 0
	for s.Behind() {
		st, err := s.Fetch(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if newest(st).Before(start.Add(-90 * time.Minute)) {
			t.Errorf("fetched a step collected at %s, before the stored history's end", newest(st))
		}
		n++
	}
	if n != 1 { // the steps at -1 h; the one at now is fetched on the schedule
		t.Errorf("caught up %d steps, want 1", n)
	}
	// The logs of skipped steps are written all the same.
	b, err := os.ReadFile(filepath.Join(out, "gamma-conn.log"))
	if err != nil || !strings.Contains(string(b), "Connection refused") {
		t.Errorf("gamma-conn.log = %q, %v; want the failure's lines", b, err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	doc, err := os.ReadFile(demo + "/timeline/001.xml")
	if err != nil {
		t.Fatal(err)
	}
	write("a.xml", string(doc))
	write("bad.xml", "<monit><service")
	tests := []struct {
		name, manifest, want string
	}{
		{"no manifest", "", "read timeline"},
		{"unknown key", "end: 2026-11-30T12:00:00Z\nhistroy: []\n", "histroy"},
		{"no end", "history:\n  - {at: 2026-11-30T12:00:00Z, file: a.xml}\n", "no end"},
		{"last step not at end", "end: 2026-11-30T12:00:00Z\nhistory:\n  - {at: 2026-11-30T11:00:00Z, file: a.xml}\n", "not at end"},
		{"steps out of order", "end: 2026-11-30T12:00:00Z\nhistory:\n  - {at: 2026-11-30T12:00:00Z, file: a.xml}\nlive:\n  - {at: 2026-11-30T11:00:00Z, file: a.xml}\n", "not after"},
		{"file outside", "end: 2026-11-30T12:00:00Z\nhistory:\n  - {at: 2026-11-30T12:00:00Z, file: ../a.xml}\n", "must be a name"},
		{"missing file", "end: 2026-11-30T12:00:00Z\nhistory:\n  - {at: 2026-11-30T12:00:00Z, file: gone.xml}\n", "gone.xml"},
		{"bad document", "end: 2026-11-30T12:00:00Z\nhistory:\n  - {at: 2026-11-30T12:00:00Z, file: bad.xml}\n", "bad.xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(filepath.Join(dir, ManifestName))
			if tt.manifest != "" {
				write(ManifestName, tt.manifest)
			}
			_, err := Open(Options{Timeline: dir})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open() error = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestLogsOutMustBeTheReplays(t *testing.T) {
	out := t.TempDir() // exists, without the marker
	os.WriteFile(filepath.Join(out, "precious.txt"), []byte("keep"), 0o644)
	_, err := Open(Options{Timeline: demo + "/timeline", Logs: demo + "/logs", LogsOut: out})
	if err == nil || !strings.Contains(err.Error(), markerName) {
		t.Fatalf("Open() error = %v, want a refusal naming %s", err, markerName)
	}
	if _, err := os.Stat(filepath.Join(out, "precious.txt")); err != nil {
		t.Errorf("the refused directory lost a file: %v", err)
	}
	// A directory the replay made is emptied and written again.
	mine := filepath.Join(t.TempDir(), "logs")
	for range 2 {
		if _, err := Open(Options{Timeline: demo + "/timeline", Logs: demo + "/logs", LogsOut: mine}); err != nil {
			t.Fatalf("Open() error = %v", err)
		}
	}
	if _, err := Open(Options{Timeline: demo + "/timeline", Logs: demo + "/logs"}); err == nil {
		t.Error("Open() without LogsOut error = nil, want one")
	}
}

func TestShiftedMovesEveryTime(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	d := 72 * time.Hour
	st := engine.Status{Host: "h", Services: []engine.Snapshot{
		{Name: "p", CollectedAt: t0, Program: &engine.ProgramFigures{Started: t0.Add(-time.Minute),
			Output: "last good run 2026-11-30T11:00:00Z"}},
		{Name: "f", CollectedAt: t0, File: &engine.FileFigures{Modified: t0.Add(-time.Hour)}},
		{Name: "never", CollectedAt: t0, Program: &engine.ProgramFigures{}},
	}}
	got := shifted(st, d)
	if p := got.Services[0]; !p.CollectedAt.Equal(t0.Add(d)) || !p.Program.Started.Equal(t0.Add(d-time.Minute)) ||
		p.Program.Output != "last good run 2026-12-03T11:00:00Z" {
		t.Errorf("program = %+v %+v, want every time moved by %s", p, p.Program, d)
	}
	if f := got.Services[1].File; !f.Modified.Equal(t0.Add(d-time.Hour)) || !f.Accessed.IsZero() {
		t.Errorf("file = %+v, want modified moved and unknown times left zero", f)
	}
	if !got.Services[2].Program.Started.IsZero() {
		t.Error("a program that never ran got a start time")
	}
	if st.Services[0].Program.Output != "last good run 2026-11-30T11:00:00Z" || !st.Services[0].CollectedAt.Equal(t0) {
		t.Error("shifted changed the step it copies")
	}
}
