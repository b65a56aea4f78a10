package engine

import (
	"errors"
	"testing"
	"time"
)

func TestBoard(t *testing.T) {
	b := NewBoard()
	at := time.Unix(1795507134, 0)
	b.Seed([]Snapshot{{Host: "vm", Name: "web", CollectedAt: at}},
		map[ServiceKey]FailureState{{Host: "vm", Service: "web"}: {State: StateOngoing, Failures: 2}})
	c, err := b.Service("web")
	if err != nil || c.State.State != StateOngoing || c.State.Failures != 2 {
		t.Fatalf("Service(web) after Seed = %+v, %v", c, err)
	}
	b.Record(CycleResult{Started: at, Services: []Classified{
		{Snapshot: Snapshot{Host: "vm", Name: "zeta"}}, {Snapshot: Snapshot{Host: "vm", Name: "alpha"}},
	}}, nil)
	if got := b.Names(); len(got) != 2 || got[0] != "alpha" || got[1] != "zeta" {
		t.Errorf("Names() = %v, want [alpha zeta]", got)
	}
	if _, err := b.Service("web"); !errors.Is(err, ErrUnknownService) {
		t.Errorf("Service(web) after a cycle without it = %v, want ErrUnknownService", err)
	}
	b.Record(CycleResult{Started: at.Add(time.Minute)}, errors.New("monit down"))
	if got := b.LastCycle(); got.Err != "monit down" || len(b.Services()) != 2 {
		t.Errorf("after a failed cycle: last %+v, %d services; want the error and the old services", got, len(b.Services()))
	}
}
