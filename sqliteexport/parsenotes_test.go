package sqliteexport

import (
	"bytes"
	"os"
	"slices"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/monit"
	"monit-intel/engine/monit/monittest"
)

// TestParseNotesRoundTrip: a snapshot with unreadable figures is stored with NULL figures and
// its notes, and the latest snapshot comes back with both.
func TestParseNotesRoundTrip(t *testing.T) {
	db := openTest(t)
	at := time.Unix(1795507134, 0).UTC()
	st := sampleStatus(at)
	notes := []engine.ParseNote{{Field: "block/usage", Value: "12 parsecs", Problem: `unknown unit "parsecs"`}}
	for i := range st.Services {
		if s := &st.Services[i]; s.Name == "rootfs" {
			s.Filesystem.BlockUsageMB = nil
			s.ParseNotes = notes
		}
	}
	if _, err := db.RecordCycle(t.Context(), at, st, nil); err != nil {
		t.Fatalf("RecordCycle() error = %v", err)
	}
	latest, err := db.Latest(t.Context())
	if err != nil {
		t.Fatalf("Latest() error = %v", err)
	}
	for _, s := range latest {
		switch {
		case s.Name == "rootfs":
			if !slices.Equal(s.ParseNotes, notes) {
				t.Errorf("rootfs ParseNotes = %+v, want %+v", s.ParseNotes, notes)
			}
			if f := s.Filesystem; f == nil || f.BlockUsageMB != nil || f.BlockTotalMB == nil {
				t.Errorf("rootfs Filesystem = %+v, want usage nil and total kept", f)
			}
		case s.ParseNotes != nil:
			t.Errorf("%s ParseNotes = %+v, want none", s.Name, s.ParseNotes)
		}
	}
	st.Services = st.Services[:0:0]
	for _, s := range sampleStatus(at.Add(time.Minute)).Services { // the next cycle reads fine
		if s.Name == "rootfs" {
			st.Services = append(st.Services, s)
		}
	}
	if _, err := db.RecordCycle(t.Context(), at.Add(time.Minute), st, nil); err != nil {
		t.Fatalf("RecordCycle() error = %v", err)
	}
	series, err := db.Series(t.Context(), "rootfs", at, 10)
	if err != nil || len(series) != 2 {
		t.Fatalf("Series() = %d snapshots, %v; want 2", len(series), err)
	}
	if series[0].ParseNotes != nil || !slices.Equal(series[1].ParseNotes, notes) {
		t.Errorf("Series() notes = %+v then %+v, want none then %+v", series[0].ParseNotes, series[1].ParseNotes, notes)
	}
}

// TestRecordCycleKeepsUnknownTypes: a service type from a newer Monit is stored with its
// common figures instead of failing the cycle.
func TestRecordCycleKeepsUnknownTypes(t *testing.T) {
	db := openTest(t)
	at := time.Unix(1795507134, 0).UTC()
	st := sampleStatus(at)
	st.Services = append(st.Services, engine.Snapshot{Host: "vm", Name: "future", Type: 9, CollectedAt: at,
		Monitor: 1, Status: engine.BitNonExist})
	if _, err := db.RecordCycle(t.Context(), at, st, nil); err != nil {
		t.Fatalf("RecordCycle() error = %v", err)
	}
	latest, err := db.Latest(t.Context())
	if err != nil {
		t.Fatalf("Latest() error = %v", err)
	}
	i := slices.IndexFunc(latest, func(s engine.Snapshot) bool { return s.Name == "future" })
	if i < 0 || latest[i].Status != engine.BitNonExist || latest[i].Type.String() != "unknown" {
		t.Errorf("Latest() future = %+v, want it kept with its status", latest)
	}
}

// TestRecordCycleStoresOddFigures: a document with every number replaced by the same odd
// value (a unit, a fraction, a word, an overflow) is still parsed and stored, one cycle per
// odd value, in one database.
func TestRecordCycleStoresOddFigures(t *testing.T) {
	doc, err := os.ReadFile("../testdata/monit/all-types.xml")
	if err != nil {
		t.Fatal(err)
	}
	db := openTest(t)
	for i, odd := range monittest.OddNumbers() {
		st, err := monit.ParseStatus(bytes.NewReader(monittest.ReplaceAllNumbers(doc, odd)))
		if err != nil {
			t.Fatalf("every number %q: ParseStatus() error = %v", odd, err)
		}
		for j := range st.Services { // distinct times, so no cycle is skipped as already stored
			st.Services[j].CollectedAt = time.Unix(1795507134+int64(i), 0)
		}
		if _, err := db.RecordCycle(t.Context(), time.Unix(1795507134+int64(i), 0), st, nil); err != nil {
			t.Fatalf("every number %q: RecordCycle() error = %v", odd, err)
		}
	}
	if _, err := db.Latest(t.Context()); err != nil {
		t.Fatalf("Latest() error = %v", err)
	}
}
