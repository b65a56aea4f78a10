package loadgen

import (
	"bytes"
	"testing"
	"time"

	"monit-intel/engine/monit"
)

func TestMessageParses(t *testing.T) {
	f := Fleet{Hosts: 2, Services: 30, Interval: 30 * time.Second}
	at := time.Unix(1795507200, 0)
	for _, failing := range []bool{false, true} {
		st, err := monit.ParseStatus(bytes.NewReader(f.Message(1, at, failing)))
		if err != nil {
			t.Fatalf("ParseStatus() = %v", err)
		}
		nFailing := 0
		for _, s := range st.Services {
			if s.Failing() {
				nFailing++
			}
			if !s.CollectedAt.Equal(at) {
				t.Errorf("%s collected at %v, want %v", s.Name, s.CollectedAt, at)
			}
		}
		want := 0
		if failing {
			want = 1
		}
		if st.Host != HostName(1) || st.MonitID != MonitID(1) || len(st.Services) != 30 || nFailing != want {
			t.Errorf("host %s id %s, %d services, %d failing; want %s, 30, %d", st.Host, st.MonitID, len(st.Services),
				nFailing, HostName(1), want)
		}
		for _, s := range st.Services {
			if len(s.ParseNotes) > 0 {
				t.Errorf("%s has parse notes %v", s.Name, s.ParseNotes)
			}
		}
	}
}
