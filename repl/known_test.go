package repl

import (
	"context"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func TestKnownNames(t *testing.T) {
	k := newKnownNames([]string{"restart"})
	k.setServices([]ServiceStatus{
		{Host: "b", Service: "vpn", State: "NEW", StatusText: "Timeout", Status: 4},
		{Host: "a", Service: "backup", State: "OK", StatusText: "OK"},
		{Host: "a", Service: "vpn", State: "OK"},
	})
	k.addIDs(vpnProposal, Proposal{})
	d := k.data()
	wantServices := []suggestion{{text: "backup", desc: "OK"}, {text: "vpn", desc: "NEW · Timeout"}}
	if !slices.Equal(d.services, wantServices) {
		t.Errorf("services = %+v, want %+v", d.services, wantServices)
	}
	wantIDs := []suggestion{{text: "p1", desc: "restart nordvpn_status"}}
	if !slices.Equal(d.ids, wantIDs) || !slices.Equal(d.verbs, []string{"restart"}) {
		t.Errorf("ids, verbs = %+v, %q; want %+v, [restart]", d.ids, d.verbs, wantIDs)
	}
}

func TestKnownNamesKeepFresh(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		calls := 0
		b := &fakeBackend{status: func(ctx context.Context, failingOnly bool) ([]ServiceStatus, error) {
			mu.Lock()
			defer mu.Unlock()
			calls++
			if failingOnly {
				t.Error("refresh asked for failing services only, want all")
			}
			if calls == 2 {
				return nil, errNotFaked // a failed refresh keeps the old list
			}
			return []ServiceStatus{{Service: time.Now().Format("s15:04:05")}}, nil
		}}
		k := newKnownNames(nil)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { k.keepFresh(ctx, b, 30*time.Second); close(done) }()

		names := func() []string {
			var out []string
			for _, s := range k.data().services {
				out = append(out, s.text)
			}
			return out
		}
		time.Sleep(29 * time.Second)
		synctest.Wait()
		if got := names(); got != nil {
			t.Errorf("before the first tick: services = %q, want none", got)
		}
		start := time.Now()
		time.Sleep(time.Second)
		synctest.Wait()
		first := start.Add(time.Second).Format("s15:04:05")
		if got := names(); !slices.Equal(got, []string{first}) {
			t.Errorf("after 30s: services = %q, want [%s]", got, first)
		}
		time.Sleep(30 * time.Second) // the second refresh fails
		synctest.Wait()
		if got := names(); !slices.Equal(got, []string{first}) {
			t.Errorf("after a failed refresh: services = %q, want the old [%s]", got, first)
		}
		time.Sleep(30 * time.Second)
		synctest.Wait()
		if got, want := names(), []string{time.Now().Format("s15:04:05")}; !slices.Equal(got, want) {
			t.Errorf("after 90s: services = %q, want %q", got, want)
		}
		cancel()
		<-done
	})
}
