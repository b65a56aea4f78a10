package approve

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"monit-intel/act"
	"monit-intel/engine"
	"monit-intel/engine/monit"
)

// TestConfirmNeverFollowsARedirectElsewhere: the Monit at a hosts: entry's URL answers its
// status with a redirect to another origin, where the right host's Monit answers: the
// identity check does not follow it, the approved action fails saying so, no action POST
// reaches either server and the entry's password is neither sent there nor shown.
func TestConfirmNeverFollowsARedirectElsewhere(t *testing.T) {
	doc, err := os.ReadFile("../../testdata/monit/all-types.xml")
	if err != nil {
		t.Fatal(err)
	}
	var elsewhere, posts atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		if r.Method == http.MethodPost {
			posts.Add(1)
		}
		w.Header().Set("Content-Type", "text/xml")
		w.Write(doc) // the host's own Monit (localhostname monittest)
	}))
	t.Cleanup(other.Close)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
		}
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	const password = "entry-password-7c1"
	client, err := monit.New(monit.Options{URL: srv.URL, Username: "admin", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	opts := act.Options{MonitURL: srv.URL, MonitUser: "admin", MonitPassword: password, MonitRemote: true, MonitHost: "monittest"}
	audit := &memAudit{}
	targets := func(context.Context, string) (act.Targets, error) {
		return act.Targets{Services: map[string]bool{"sleeper": true}}, nil
	}
	flow := New(&memProposals{m: map[string]engine.Proposal{}}, audit, targets, &fakeRunner{}, Options{
		Hosts: Hosts{Local: func() string { return "local" }, Known: func() []string { return []string{"local", "monittest"} },
			Of:     func(string) []string { return []string{"monittest"} },
			Remote: map[string]Remote{"monittest": {Act: opts, Runner: act.NewRunner(opts), Status: client}}}})
	// A Monit that cannot be read may be proposed: the runner confirms it again before the run.
	p, err := flow.Propose(t.Context(), engine.SuggestedAction{Action: "restart", Host: "monittest", Service: "sleeper"}, engine.SourceAPI, "")
	if err != nil {
		t.Fatalf("Propose() = %v", err)
	}
	out, err := flow.Execute(t.Context(), p.ID, true, false)
	if err != nil || out.Status != engine.AuditFailed || !strings.Contains(out.Error, "another origin") ||
		!strings.Contains(out.Error, "nothing was run") {
		t.Errorf("Execute() = %+v, %v; want failed, naming the redirect to another origin", out, err)
	}
	for _, row := range audit.rows {
		if strings.Contains(row.Error, password) || strings.Contains(row.Command, password) {
			t.Errorf("audit row %+v shows the entry's password", row)
		}
	}
	if strings.Contains(out.Error, password) {
		t.Errorf("the failure shows the entry's password: %s", out.Error)
	}
	if elsewhere.Load() != 0 || posts.Load() != 0 {
		t.Errorf("the other origin got %d requests, %d action POSTs in all; want none", elsewhere.Load(), posts.Load())
	}
}
