package engine

import (
	"errors"
	"fmt"
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

func TestBoardHosts(t *testing.T) {
	b := NewBoard()
	svc := func(host, name string) Classified { return Classified{Snapshot: Snapshot{Host: host, Name: name}} }
	b.Record(CycleResult{Host: "b", Services: []Classified{svc("b", "web"), svc("b", "db")}}, nil)
	b.Record(CycleResult{Host: "a", Services: []Classified{svc("a", "web")}}, nil)
	cases := []struct {
		name string
		got  any
		want string
	}{
		{"hosts", b.Hosts(), "[a b]"},
		{"all", names(b.Services()), "[a/web b/db b/web]"},
		{"on b", names(b.ServicesOn("b")), "[b/db b/web]"},
		{"hosts of web", b.HostsOf("web"), "[a b]"},
		{"hosts of db", b.HostsOf("db"), "[b]"},
		{"names", b.Names(), "[db web]"},
	}
	for _, c := range cases {
		if got := fmt.Sprint(c.got); got != c.want {
			t.Errorf("%s = %s, want %s", c.name, got, c.want)
		}
	}
	// A push from a replaces a's services only.
	b.Record(CycleResult{Host: "a", Services: []Classified{svc("a", "cron")}}, nil)
	if got := fmt.Sprint(names(b.Services())); got != "[a/cron b/db b/web]" {
		t.Errorf("after a's second cycle: %s", got)
	}
	if _, err := b.ServiceOn("a", "web"); !errors.Is(err, ErrUnknownService) {
		t.Errorf("ServiceOn(a, web) after it went = %v", err)
	}
	if c, err := b.ServiceOn("b", "web"); err != nil || c.Snapshot.Host != "b" {
		t.Errorf("ServiceOn(b, web) = %+v, %v", c, err)
	}
}

func names(cs []Classified) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Snapshot.Host + "/" + c.Snapshot.Name
	}
	return out
}
