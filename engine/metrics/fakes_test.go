package metrics

import (
	"os"
	"sync"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/monit"
)

// fakeBoard is a Board whose services a test sets.
type fakeBoard struct {
	mu       sync.Mutex
	services []engine.Classified
	last     engine.CycleInfo
}

func (b *fakeBoard) Services() []engine.Classified {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]engine.Classified(nil), b.services...)
}

func (b *fakeBoard) LastCycle() engine.CycleInfo {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last
}

func (b *fakeBoard) set(services []engine.Classified) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.services = services
}

// boardFrom classifies the services of a Monit status document (testdata/monit) as one
// first cycle would, with a failure count of 3 for each failing service.
func boardFrom(t testing.TB, file string) *fakeBoard {
	t.Helper()
	f, err := os.Open("../../testdata/monit/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := monit.ParseStatus(f)
	if err != nil {
		t.Fatalf("ParseStatus(%s): %v", file, err)
	}
	b := &fakeBoard{last: engine.CycleInfo{At: time.Unix(1700000000, 0), Duration: 20 * time.Millisecond,
		Services: len(st.Services)}}
	for _, s := range st.Services {
		state, _ := engine.Classify(engine.FailureState{Failures: 2}, true, s)
		b.services = append(b.services, engine.Classified{Snapshot: s, State: state})
	}
	return b
}
