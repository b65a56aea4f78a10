package engine

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestIngesterLogsParseNotesOnce: a figure Monit prints oddly every cycle is logged once per
// service and field; the cycle itself succeeds and keeps the note on the snapshot.
func TestIngesterLogsParseNotesOnce(t *testing.T) {
	now := time.Unix(1795507134, 0)
	notes := map[string][]ParseNote{
		"job": {{Field: "program/status", Value: "1.5", Problem: "not a whole number; read as 1"}},
		"web": {{Field: "memory/kilobyte", Value: "12 parsecs", Problem: `unknown unit "parsecs"`},
			{Field: "uptime", Value: "soon", Problem: "not a number"}},
	}
	cycle := 0
	src := fakeSource{fetch: func(context.Context) (Status, error) {
		st := statusWith(0, now.Add(time.Duration(cycle)*time.Minute))
		for i := range st.Services {
			st.Services[i].ParseNotes = notes[st.Services[i].Name]
		}
		if cycle == 2 { // a new field of a known service is logged too
			st.Services[0].ParseNotes = append(st.Services[0].ParseNotes, ParseNote{Field: "program/started", Value: "x", Problem: "not a number"})
		}
		return st, nil
	}}
	var logs bytes.Buffer
	in := NewIngester(src, &fakeStates{states: map[ServiceKey]FailureState{}}, &fakeHistory{},
		IngesterOptions{Now: func() time.Time { return now }, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	for cycle = range 3 {
		res, err := in.RunCycle(t.Context())
		if err != nil {
			t.Fatalf("cycle %d: RunCycle() error = %v", cycle, err)
		}
		if got := len(res.Services[1].Snapshot.ParseNotes); got != 2 {
			t.Errorf("cycle %d: web has %d parse notes, want 2", cycle, got)
		}
	}
	got := strings.Count(logs.String(), "monit figure unreadable")
	if got != 4 {
		t.Errorf("logged %d parse notes over 3 cycles, want 4 (one per service and field):\n%s", got, logs.String())
	}
	for _, want := range []string{"field=memory/kilobyte", `value="12 parsecs"`, "field=program/started", "service=web"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, logs.String())
		}
	}
}
