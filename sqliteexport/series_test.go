package sqliteexport

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
)

// everyTypeStatus is sampleStatus with the types it lacks (net, directory, fifo, one unknown to
// this build) and a second host with a service of the same name.
func everyTypeStatus(at time.Time, i int) []engine.Status {
	st := sampleStatus(at)
	st.Services[1].Process.CPUPercent = new(float64(i) / 10)
	st.Services = append(st.Services,
		engine.Snapshot{Host: "vm", Name: "eth0", Type: engine.TypeNet, CollectedAt: at, Monitor: 1,
			Net: &engine.NetFigures{LinkState: new(1), SpeedBits: new(int64(1e9)), DownloadBytes: new(float64(1000 * i)), UploadBytes: new(42.0)}},
		engine.Snapshot{Host: "vm", Name: "etc", Type: engine.TypeDirectory, CollectedAt: at, Monitor: 1,
			File: &engine.FileFigures{Modified: at.Add(-time.Hour)}},
		engine.Snapshot{Host: "vm", Name: "pipe", Type: engine.TypeFifo, CollectedAt: at, Monitor: 0},
		engine.Snapshot{Host: "vm", Name: "future", Type: 9, CollectedAt: at, Monitor: 1, Status: engine.BitNonExist})
	other := engine.Status{Host: "nas", Services: []engine.Snapshot{{Host: "nas", Name: "sleeper", Type: engine.TypeProcess,
		CollectedAt: at.Add(time.Second), Monitor: 1, PendingAction: 3,
		Process: &engine.ProcessFigures{PID: new(7), MemKB: new(int64(2000 + i))}}}}
	return []engine.Status{st, other}
}

// TestSeriesMatchesSnapshotsView: SeriesOn, which reads one type's table and columns, returns
// what the snapshots view says of every type, host and state, status hints and parse notes
// included, newest first and cut at the limit.
func TestSeriesMatchesSnapshotsView(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	t0 := time.Unix(1796026614, 0).UTC()
	for i := range 4 {
		at := t0.Add(time.Duration(i) * time.Minute)
		var events []engine.Event
		if i == 2 {
			events = []engine.Event{{At: at, Host: "vm", Service: "failing", Kind: engine.StateChangeDetected,
				Status: engine.BitChecksum}}
		}
		for _, st := range everyTypeStatus(at, i) {
			if _, err := db.RecordCycle(ctx, at, st, events); err != nil {
				t.Fatal(err)
			}
			events = nil
		}
	}
	names := []string{"vm", "sleeper", "failing", "rootfs", "localhost-closed", "missing", "eth0", "etc", "pipe", "future"}
	for _, host := range []string{"", "vm", "nas"} {
		for _, name := range names {
			for _, limit := range []int{100, 3} {
				q := `SELECT ` + snapshotColumns + ` FROM snapshots WHERE service = ?1 AND ?2 IN ('', host)
					AND collected_at >= ?3 ORDER BY collected_at DESC, host LIMIT ?4`
				rows, err := db.r.QueryContext(ctx, q, name, host, t0.Add(time.Minute).Unix(), limit)
				if err != nil {
					t.Fatal(err)
				}
				want, err := collect(rows)
				if err != nil {
					t.Fatal(err)
				}
				if err := db.attachSeriesNotes(ctx, name, t0, want); err != nil {
					t.Fatal(err)
				}
				got, err := db.SeriesOn(ctx, host, name, t0.Add(time.Minute), limit)
				if err != nil {
					t.Fatalf("SeriesOn(%q, %q) error = %v", host, name, err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("SeriesOn(%q, %q, limit %d) =\n%+v\nwant (snapshots view)\n%+v", host, name, limit, got, want)
				}
			}
		}
	}
	got, _ := db.SeriesOn(ctx, "vm", "failing", t0, 10)
	if len(got) != 4 || got[1].StatusHint != engine.BitChecksum || got[0].StatusHint != 0 {
		t.Errorf("SeriesOn(failing) hints = %+v, want the change event's bits on the third sample only", got)
	}
}

// TestSeriesMergesTiers: raw samples and rollups come back as one series newest first, a
// lone raw sample left among the rollups (a bucket of one sample stays raw) in its place,
// and the limit cuts the newest.
func TestSeriesMergesTiers(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	now := base.Add(3 * time.Hour)
	db.SetTiers(Tiers{KeepRaw: time.Hour, Now: func() time.Time { return now }})
	var ats []time.Time
	for at := base; at.Before(now); at = at.Add(time.Minute) {
		if at.Sub(base) >= 30*time.Minute && at.Sub(base) < 40*time.Minute && at.Sub(base) != 35*time.Minute {
			continue // a gap with one sample in the bucket at 12:35
		}
		ats = append(ats, at)
		if err := record(ctx, db, procAt(at, new(1.0), 0), nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Prune(ctx, base.Add(-24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "SELECT count(*) FROM proc_samples WHERE at < "+strconv.FormatInt(now.Add(-2*time.Hour).Unix(), 10)); n != 1 {
		t.Fatalf("raw samples older than KeepRaw and lateAfter = %d, want the lone one", n)
	}
	if n := count(t, db, "SELECT count(*) FROM proc_rollups"); n != 10 {
		t.Fatalf("rollups = %d, want the first hour's buckets but the gap's (10)", n)
	}
	all, err := db.Series(ctx, "web", base, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	lone := slices.IndexFunc(all, func(s engine.Snapshot) bool { return s.CollectedAt.Equal(base.Add(35 * time.Minute)) })
	if lone < 0 || all[lone].Process.CPUPercent == nil {
		t.Fatalf("Series() lacks the lone raw sample at 12:35: %d rows", len(all))
	}
	for i := 1; i < len(all); i++ {
		if !all[i].CollectedAt.Before(all[i-1].CollectedAt) {
			t.Fatalf("Series()[%d] at %s not before %s", i, all[i].CollectedAt, all[i-1].CollectedAt)
		}
	}
	recent, err := db.Recent(ctx, base, time.Hour)
	if web := recent[engine.ServiceKey{Host: "vm", Service: "web"}]; err != nil || len(web) != 3 || !web[0].CollectedAt.Equal(base.Add(55*time.Minute)) {
		t.Errorf("Recent(hourly) = %+v, %v; want 3, the first the 12:55 rollup", web, err)
	}
	for _, limit := range []int{1, 60, lone, lone + 1, len(all)} {
		got, err := db.Series(ctx, "web", base, limit)
		if err != nil || !reflect.DeepEqual(got, all[:limit]) {
			t.Errorf("Series(limit %d) = %d rows, %v; want the newest %d of the whole series", limit, len(got), err, limit)
		}
	}
}

// TestMigrationRekeysSamples upgrades a database of the schema before migrationTiers (samples
// keyed by time) holding two services' samples, connection tests and parse notes: every row
// is kept, the tables are keyed by service, and the views and SeriesOn read them.
func TestMigrationRekeysSamples(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), FileName)
	raw, exec := atVersion(t, path, slices.Index(migrations, migrationTiers))
	exec(`INSERT INTO services VALUES (1, 'vm', 'web', 3), (2, 'nas', 'web', 3), (3, 'vm', 'job', 7)`)
	exec(`INSERT INTO outputs VALUES (5, 'done')`)
	exec(`INSERT INTO tests (id, service_id, kind, hostname, port, type, protocol) VALUES (4, 1, 'port', '127.0.0.1', 80, 'TCP', 'HTTP')`)
	for i := range 3 {
		at := strconv.Itoa(1796026614 + 60*i)
		cpu := strconv.Itoa(i)
		if i == 0 {
			cpu = "2.5" // a REAL written by hand: read, rounded
		}
		exec(`INSERT INTO proc_samples (at, service_id, state, pid, cpu_x10) VALUES (` + at + `, 2, 1, 7, ` + cpu + `), (` + at + `, 1, 1, 8, 5)`)
		exec(`INSERT INTO prog_samples (at, service_id, state, exit_status, output_id) VALUES (` + at + `, 3, 65, 1, 5)`)
		exec(`INSERT INTO test_samples VALUES (` + at + `, 4, ` + strconv.Itoa(1000*i) + `)`)
	}
	exec(`INSERT INTO parse_notes VALUES (1796026614, 1, '[{"field":"cpu","value":"x","reason":"bad"}]')`)
	raw.Close()

	db, err := OpenFile(ctx, path)
	if err != nil {
		t.Fatalf("OpenFile() error = %v", err)
	}
	defer db.Close()
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		t.Errorf("the upgrade left a %d-byte WAL (VACUUM writes the whole file to it)", fi.Size())
	}
	for table, key := range map[string]string{"proc_samples": "service_id, at", "prog_samples": "service_id, at",
		"test_samples": "test_id, at", "parse_notes": "service_id, at", "proc_rollups": "service_id, bucket"} {
		var ddl string
		if err := db.r.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE name = ?`, table).Scan(&ddl); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(ddl, "PRIMARY KEY ("+key+")") {
			t.Errorf("%s after the migration: %s, want PRIMARY KEY (%s)", table, ddl, key)
		}
	}
	for q, want := range map[string]int{
		"SELECT count(*) FROM snapshots":                                                             9,
		"SELECT count(*) FROM snapshots WHERE program_output = 'done' AND status = 1":                3,
		"SELECT count(*) FROM snapshots WHERE service = 'web' AND host = 'vm' AND response_time > 0": 2,
		"SELECT count(*) FROM connection_tests":                                                      3,
		"SELECT count(*) FROM parse_notes":                                                           1,
	} {
		if got := count(t, db, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
	series, err := db.SeriesOn(ctx, "nas", "web", time.Unix(1796026614, 0), 10)
	if err != nil || len(series) != 3 || *series[0].Process.CPUPercent != 0.2 || *series[0].Process.PID != 7 ||
		*series[2].Process.CPUPercent != 0.3 {
		t.Errorf("SeriesOn(nas, web) = %+v, %v; want its 3 samples, newest first", series, err)
	}
	if vm, _ := db.SeriesOn(ctx, "vm", "web", time.Unix(0, 0), 10); len(vm) != 3 || len(vm[2].ParseNotes) != 1 {
		t.Errorf("SeriesOn(vm, web) = %+v, want 3 samples, the oldest with its parse note", vm)
	}
}
