package notify

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
)

var t0 = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

// harness runs a Notifier and a Dispatcher over an in-memory outbox with an injected clock.
type harness struct {
	t      *testing.T
	clk    *clock
	box    *memOutbox
	rec    *recorder
	n      *Notifier
	d      *Dispatcher
	nextID int64
	since  map[string]time.Time
}

func newHarness(t *testing.T, targets []Target, o Options) *harness {
	h := &harness{t: t, clk: &clock{t: t0}, box: newMemOutbox(), rec: &recorder{}, since: map[string]time.Time{}}
	o.Now = h.clk.Now
	h.n = New(targets, h.box, o)
	h.d = NewDispatcher(h.box, targets, DispatcherOptions{Sender: h.rec, Now: h.clk.Now, Rand: func() float64 { return 0.5 }})
	return h
}

// event runs one cycle at the clock's time with one event of kind about service, then
// delivers what is due.
func (h *harness) event(kind engine.State, service, detail string) engine.Event {
	h.t.Helper()
	h.nextID++
	now := h.clk.Now()
	ev := engine.Event{ID: h.nextID, At: now, Host: "box", Service: service, Kind: kind, Detail: detail}
	switch kind {
	case engine.StateNew:
		h.since[service] = now
	case engine.StateRecovered:
		delete(h.since, service)
	}
	st := engine.FailureState{Host: "box", Service: service, State: kind, Since: h.since[service]}
	res := engine.CycleResult{Started: now, Host: "box", Events: []engine.Event{ev},
		Services: []engine.Classified{{State: st}}}
	if err := h.n.AfterCycle(h.t.Context(), res); err != nil {
		h.t.Fatalf("AfterCycle() = %v", err)
	}
	h.flush()
	return ev
}

// quiet runs a cycle without events at the clock's time and delivers what is due.
func (h *harness) quiet() {
	h.t.Helper()
	if err := h.n.AfterCycle(h.t.Context(), engine.CycleResult{Started: h.clk.Now()}); err != nil {
		h.t.Fatalf("AfterCycle() = %v", err)
	}
	h.flush()
}

func (h *harness) flush() {
	h.t.Helper()
	if err := h.d.Flush(h.t.Context()); err != nil {
		h.t.Fatalf("Flush() = %v", err)
	}
}

func TestFilters(t *testing.T) {
	web := Target{URL: "http://127.0.0.1:1/web", Events: []string{"NEW"}, Services: []string{"web-*"}}
	all := Target{URL: "http://127.0.0.1:1/all"}
	dbHost := Target{URL: "http://127.0.0.1:1/other-host", Hosts: []string{"db*"}}
	h := newHarness(t, []Target{web, all, dbHost}, Options{})
	h.event(engine.StateNew, "web-1", "Does not exist")
	h.clk.Add(time.Minute)
	h.event(engine.StateNew, "postgres", "Connection failed")
	h.clk.Add(time.Minute)
	h.event(engine.StateRecovered, "web-1", "OK")
	for _, tc := range []struct {
		name string
		url  string
		want []string
	}{
		{"kind and service globs", web.URL, []string{"NEW web-1"}},
		{"everything", all.URL, []string{"NEW web-1", "NEW postgres", "RECOVERED web-1"}},
		{"another host", dbHost.URL, nil},
	} {
		if got := h.rec.delivered(tc.url); !slices.Equal(got, tc.want) {
			t.Errorf("%s: delivered %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestMinDurationHoldsABlip(t *testing.T) {
	held := Target{URL: "http://127.0.0.1:1/held", MinDuration: 2 * time.Minute}
	now := Target{URL: "http://127.0.0.1:1/now"}
	h := newHarness(t, []Target{held, now}, Options{})

	h.event(engine.StateNew, "nginx", "Does not exist")
	h.clk.Add(time.Minute)
	h.event(engine.StateRecovered, "nginx", "OK")
	h.clk.Add(5 * time.Minute)
	h.quiet()
	if got := h.rec.delivered(held.URL); len(got) != 0 {
		t.Errorf("a blip of 1m with min_duration 2m delivered %q, want nothing", got)
	}
	if got, want := h.rec.delivered(now.URL), []string{"NEW nginx", "RECOVERED nginx"}; !slices.Equal(got, want) {
		t.Errorf("without min_duration: %q, want %q", got, want)
	}

	h.event(engine.StateNew, "nginx", "Does not exist")
	h.clk.Add(time.Minute)
	h.quiet()
	if got := h.rec.delivered(held.URL); len(got) != 0 {
		t.Errorf("1m into a failure held 2m: delivered %q", got)
	}
	if got, want := h.rec.delivered(now.URL), []string{"NEW nginx", "RECOVERED nginx", "NEW nginx"}; !slices.Equal(got, want) {
		t.Errorf("the same failure again after a recovery: %q, want %q", got, want)
	}
	h.clk.Add(time.Minute)
	h.quiet()
	if got, want := h.rec.delivered(held.URL), []string{"NEW nginx"}; !slices.Equal(got, want) {
		t.Errorf("2m into the failure: %q, want %q", got, want)
	}
	h.clk.Add(time.Minute)
	h.event(engine.StateRecovered, "nginx", "OK")
	if got, want := h.rec.delivered(held.URL), []string{"NEW nginx", "RECOVERED nginx"}; !slices.Equal(got, want) {
		t.Errorf("after a failure that lasted: %q, want %q", got, want)
	}
}

func TestFlappingSendsOneMessageThenASummary(t *testing.T) {
	tg := Target{URL: "http://127.0.0.1:1/x"}
	h := newHarness(t, []Target{tg}, Options{FlapChanges: 4, FlapWindow: 10 * time.Minute})
	kinds := []engine.State{engine.StateNew, engine.StateRecovered}
	for i := range 12 {
		h.event(kinds[i%2], "vpn", "status "+string(kinds[i%2]))
		h.clk.Add(time.Minute)
	}
	want := []string{"NEW vpn", "RECOVERED vpn", "NEW vpn", "FLAPPING vpn"}
	if got := h.rec.delivered(tg.URL); !slices.Equal(got, want) {
		t.Fatalf("12 changes in 12m: %q, want %q", got, want)
	}
	h.clk.Add(8 * time.Minute) // the last change was 9m ago
	h.quiet()
	if got := h.rec.delivered(tg.URL); len(got) != len(want) {
		t.Errorf("9m quiet (window 10m): %q, want no summary yet", got)
	}
	h.clk.Add(2 * time.Minute)
	h.quiet()
	want = append(want, "FLAPPING vpn")
	got := h.rec.delivered(tg.URL)
	if !slices.Equal(got, want) {
		t.Fatalf("after the window: %q, want %q", got, want)
	}
	last := h.rec.got[len(h.rec.got)-1].msg
	if f := last.Flapping; f == nil || f.Phase != "summary" || f.Changes != 12 || f.State != "RECOVERED" {
		t.Errorf("summary = %+v, want phase summary, 12 changes, state RECOVERED", f)
	}
	h.clk.Add(time.Hour)
	h.event(engine.StateNew, "vpn", "status NEW")
	if got := h.rec.delivered(tg.URL); got[len(got)-1] != "NEW vpn" {
		t.Errorf("after flapping ended, a change: %q, want its own message", got)
	}
}

func TestIdenticalMessagesAreNotRepeated(t *testing.T) {
	tg := Target{URL: "http://127.0.0.1:1/x"}
	h := newHarness(t, []Target{tg}, Options{})
	// A cycle whose failure state could not be saved is classified again: the same news.
	h.event(engine.StateNew, "cron", "Does not exist")
	h.clk.Add(time.Minute) // its "since" is the new snapshot's time
	h.event(engine.StateNew, "cron", "Does not exist")
	h.clk.Add(time.Minute)
	h.event(engine.StateChanged, "cron", "Execution failed")
	if got, want := h.rec.delivered(tg.URL), []string{"NEW cron", "CHANGED cron"}; !slices.Equal(got, want) {
		t.Errorf("delivered %q, want %q", got, want)
	}
}

func TestTheModelsAnalysisFollows(t *testing.T) {
	tg := Target{URL: "http://127.0.0.1:1/x", Events: []string{"NEW"}}
	other := Target{URL: "http://127.0.0.1:1/y", Events: []string{"RECOVERED"}}
	h := newHarness(t, []Target{tg, other}, Options{})
	ctx := t.Context()
	if err := h.n.Analysis(ctx, engine.Analysis{EventID: 1, Source: engine.SourceRules, Summary: "the process is gone"}); err != nil {
		t.Fatal(err)
	}
	h.event(engine.StateNew, "sshd", "Does not exist")
	first := h.rec.got[0].msg
	if first.Summary != "the process is gone" || first.AnalysisSource != "rules" || !strings.Contains(first.Text, "the process is gone") {
		t.Errorf("first message = %+v, want the rules' summary", first)
	}
	if first.Since == nil || !first.Since.Equal(t0) || first.Status != "Does not exist" {
		t.Errorf("first message since %v, status %q", first.Since, first.Status)
	}
	h.clk.Add(30 * time.Second)
	if err := h.n.Analysis(ctx, engine.Analysis{EventID: 1, At: h.clk.Now(), Source: engine.SourceLLM, Summary: "OOM killer"}); err != nil {
		t.Fatal(err)
	}
	if err := h.n.Analysis(ctx, engine.Analysis{EventID: 1, At: h.clk.Now(), Source: engine.SourceLLM, Summary: "OOM killer"}); err != nil {
		t.Fatal(err)
	}
	h.flush()
	if got, want := h.rec.delivered(tg.URL), []string{"NEW sshd", "ANALYSIS sshd"}; !slices.Equal(got, want) {
		t.Fatalf("delivered %q, want %q", got, want)
	}
	if f := h.rec.got[1].msg; f.Summary != "OOM killer" || f.AnalysisSource != "llm" || f.ID == first.ID {
		t.Errorf("follow-up = %+v", f)
	}
	if got := h.rec.delivered(other.URL); len(got) != 0 {
		t.Errorf("a target that did not get the event got %q", got)
	}
}

func TestProposalCarriesTheApprovalLink(t *testing.T) {
	tg := Target{URL: "http://127.0.0.1:1/x", Events: []string{KindProposal}}
	for _, tc := range []struct {
		name, base, want string
	}{
		{"base URL", "https://intel.home.lan/", "https://intel.home.lan/ui/approvals?id=p%2F1"},
		{"no base URL", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, []Target{tg}, Options{BaseURL: tc.base})
			p := engine.Proposal{ID: "p/1", Action: "systemctl_restart", Service: "nginx", Command: "systemctl restart nginx.service",
				Source: "analysis", CreatedAt: t0, ExpiresAt: t0.Add(10 * time.Minute), State: engine.ProposalPending}
			if err := h.n.Proposal(t.Context(), p); err != nil {
				t.Fatal(err)
			}
			h.flush()
			if len(h.rec.got) != 1 {
				t.Fatalf("delivered %d messages, want 1", len(h.rec.got))
			}
			m := h.rec.got[0].msg
			if m.Proposal == nil || m.Proposal.ApproveURL != tc.want {
				t.Errorf("proposal = %+v, want approve_url %q", m.Proposal, tc.want)
			}
			if tc.want != "" && !strings.Contains(m.Text, tc.want) {
				t.Errorf("text %q lacks the link", m.Text)
			}
		})
	}
}

// TestProposalOnAHost: a proposal's message names its host, and a target's hosts filter
// applies to it as to events.
func TestProposalOnAHost(t *testing.T) {
	web := Target{URL: "http://127.0.0.1:1/web", Events: []string{KindProposal}, Hosts: []string{"web*"}}
	db := Target{URL: "http://127.0.0.1:1/db", Events: []string{KindProposal}, Hosts: []string{"db*"}}
	h := newHarness(t, []Target{web, db}, Options{})
	p := engine.Proposal{ID: "p1", Action: "monit_restart", Host: "web2", Service: "nginx", Command: "monit restart nginx",
		Source: "api", CreatedAt: t0, ExpiresAt: t0.Add(10 * time.Minute), State: engine.ProposalPending}
	if err := h.n.Proposal(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	h.flush()
	if len(h.rec.delivered(db.URL)) != 0 || len(h.rec.got) != 1 {
		t.Fatalf("delivered %d messages (%d to db*), want one, to web*", len(h.rec.got), len(h.rec.delivered(db.URL)))
	}
	if m := h.rec.got[0].msg; m.Host != "web2" || m.Title != "Approval wanted: monit_restart on web2/nginx" {
		t.Errorf("message host %q, title %q; want web2 named", m.Host, m.Title)
	}
}

func TestRetriesWithBackoffDeliverOnce(t *testing.T) {
	tg := Target{URL: "http://127.0.0.1:1/x"}
	h := newHarness(t, []Target{tg}, Options{})
	down := true
	h.rec.fail = func(int) error {
		if down {
			return errors.New("500 Internal Server Error")
		}
		return nil
	}
	h.event(engine.StateNew, "a", "Does not exist")
	h.event(engine.StateNew, "b", "Does not exist")
	// Down for an hour: every retry fails, at growing intervals.
	var attempts []time.Time
	for h.clk.Now().Before(t0.Add(time.Hour)) {
		before := len(h.rec.got)
		h.flush()
		if len(h.rec.got) > before {
			attempts = append(attempts, h.clk.Now())
		}
		h.clk.Add(time.Second)
	}
	if n := len(attempts); n < 5 || n > 20 {
		t.Errorf("%d attempts in an hour, want a backoff between 5 and 20", n)
	}
	for i := 2; i < len(attempts); i++ {
		if gap, prev := attempts[i].Sub(attempts[i-1]), attempts[i-1].Sub(attempts[i-2]); gap < prev {
			t.Errorf("retry gap %s after %s: want growing gaps", gap, prev)
		}
	}
	if d, _ := h.box.OutboxDepth(t.Context()); d != 2 {
		t.Errorf("outbox depth %d while down, want 2", d)
	}
	if hs := h.d.Health(); hs[0].LastError == "" || hs[0].Target != "http://127.0.0.1:1/REDACTED" {
		t.Errorf("health = %+v, want the last error and the redacted URL", hs)
	}
	down = false
	h.clk.Add(DefaultBackoff.Max)
	h.flush()
	h.flush()
	if got, want := h.rec.delivered(tg.URL), []string{"NEW a", "NEW b"}; !slices.Equal(got, want) {
		t.Errorf("after recovery: delivered %q, want %q once each, in order", got, want)
	}
	if d, _ := h.box.OutboxDepth(t.Context()); d != 0 {
		t.Errorf("outbox depth %d after delivery, want 0", d)
	}
}

func TestBackoffDelay(t *testing.T) {
	b := Backoff{Base: 10 * time.Second, Max: time.Minute}
	for _, tc := range []struct {
		name     string
		n        int
		rnd      float64
		min, max time.Duration
	}{
		{"first, no jitter", 1, 0, 5 * time.Second, 5 * time.Second},
		{"first, most jitter", 1, 0.999, 5 * time.Second, 10 * time.Second},
		{"third", 3, 0.5, 30 * time.Second, 30 * time.Second},
		{"capped", 50, 0, 30 * time.Second, 30 * time.Second},
	} {
		if got := b.Delay(tc.n, func() float64 { return tc.rnd }); got < tc.min || got > tc.max {
			t.Errorf("%s: Delay(%d) = %s, want in [%s, %s]", tc.name, tc.n, got, tc.min, tc.max)
		}
	}
}

// TestEveryEngineKindIsAFilter: kinds come from engine.EventKinds, so UNMONITORED and Monit's
// "changed" tests work as filters; a run of checksum changes is news each time, not flapping.
func TestEveryEngineKindIsAFilter(t *testing.T) {
	tg := Target{URL: "http://127.0.0.1:1/x", Events: []string{"UNMONITORED", "CHANGE_DETECTED"}}
	if err := tg.Validate("notify[0]"); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	h := newHarness(t, []Target{tg}, Options{FlapChanges: 3})
	var want []string
	for i := range 5 {
		h.event(engine.StateChangeDetected, "sshd_config", fmt.Sprintf("Checksum changed to %d", i))
		want = append(want, "CHANGE_DETECTED sshd_config")
		h.clk.Add(time.Minute)
	}
	h.event(engine.StateNew, "nginx", "Does not exist")
	h.event(engine.StateUnmonitored, "nginx", "not monitored")
	want = append(want, "UNMONITORED nginx")
	if got := h.rec.delivered(tg.URL); !slices.Equal(got, want) {
		t.Errorf("delivered %q, want %q", got, want)
	}
}
