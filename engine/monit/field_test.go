package monit_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/monit"
)

// TestFieldCases classifies the documents Monit 5.33 sent in the field cases of issue 11
// (../shared/field), from the state monit-intel had before each.
func TestFieldCases(t *testing.T) {
	tests := []struct {
		file    string
		service string
		prev    func(engine.Snapshot) engine.FailureState // from the parsed snapshot
		want    []string                                  // "KIND detail"
		state   engine.State
	}{
		{file: "two-http-tests-one-port.xml", service: "webapp",
			prev:  func(s engine.Snapshot) engine.FailureState { return engine.FailureState{Monitor: 1} },
			want:  []string{"NEW Connection failed: HTTP GET /api/ready on 127.0.0.1:45185 failed"},
			state: engine.StateNew},
		{file: "unmonitored-while-failing.xml", service: "homer",
			prev: func(s engine.Snapshot) engine.FailureState {
				// homer was failing at the same collection time: Monit kept collected_sec.
				return engine.FailureState{Status: engine.BitNonExist, State: engine.StateNew, Monitor: 1,
					Since: s.CollectedAt, LastSeen: s.CollectedAt, Failures: 1}
			},
			want:  []string{"UNMONITORED Not monitored (was: Does not exist)"},
			state: engine.StateUnmonitored},
		{file: "checksum-changed.xml", service: "app_config",
			prev: func(s engine.Snapshot) engine.FailureState {
				return engine.FailureState{Monitor: 1, State: engine.StateOK, LastSeen: s.CollectedAt.Add(-time.Second)}
			},
			want:  []string{"CHANGE_DETECTED Checksum changed"},
			state: engine.StateOK},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join(fixtureDir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			st, err := monit.ParseStatus(f)
			if err != nil {
				t.Fatalf("ParseStatus() error = %v", err)
			}
			var snap engine.Snapshot
			for _, s := range st.Services {
				if s.Name == tt.service {
					snap = s
				}
			}
			next, events := engine.Classify(tt.prev(snap), true, snap)
			var got []string
			for _, e := range events {
				got = append(got, string(e.Kind)+" "+e.Detail)
			}
			if len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) || next.State != tt.state {
				t.Errorf("Classify() = %s, %q; want %s, %q", next.State, got, tt.state, tt.want)
			}
		})
	}
}
