package ui

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
)

func snapshots(now time.Time) ([]engine.Snapshot, map[engine.ServiceKey]engine.FailureState) {
	out := []engine.Snapshot{
		{Host: "vm", Name: "aaa_ok", Type: engine.TypeProcess, CollectedAt: now, Monitor: engine.MonitorYes,
			Process: &engine.ProcessFigures{PID: ptr(10)}},
		{Host: "vm", Name: "zzz_failing", Type: engine.TypeProgram, CollectedAt: now, Monitor: engine.MonitorYes,
			Status: engine.BitStatus, Program: &engine.ProgramFigures{ExitStatus: ptr(1), Output: "disk <full>"}},
		{Host: "vm", Name: "odd #name?/x", Type: engine.TypeProcess, CollectedAt: now, Monitor: engine.MonitorYes},
		{Host: "vm", Name: `<script>alert("x")</script>`, Type: engine.TypeProgram, CollectedAt: now,
			Monitor: engine.MonitorYes, Program: &engine.ProgramFigures{Output: `<img src=x onerror=alert(1)>`}},
	}
	states := map[engine.ServiceKey]engine.FailureState{
		{Host: "vm", Service: "zzz_failing"}: {Host: "vm", Service: "zzz_failing", State: engine.StateOngoing,
			Status: engine.BitStatus, Since: now.Add(-time.Hour), Failures: 3},
	}
	return out, states
}

func TestLoginAndReturnToThePageAsked(t *testing.T) {
	f := demoFixture(t)
	c := f.client(t)
	resp, _ := get(t, c, f.srv.URL+"/ui/services/zzz_failing?range=7d")
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther ||
		loc != "/ui/login?next="+url.QueryEscape("/ui/services/zzz_failing?range=7d") {
		t.Fatalf("without a session = %d %q, want 303 to the login with next", resp.StatusCode, loc)
	}
	// A wrong password stays on the form, with a plain message and the name kept.
	resp = post(t, c, f.srv.URL+"/ui/login", url.Values{"name": {"alice"}, "password": {"wrong-password"},
		"next": {"/ui/services/zzz_failing"}})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password = %d, want 401", resp.StatusCode)
	}
	resp = post(t, c, f.srv.URL+"/ui/login", url.Values{"name": {"alice"}, "password": {testPassword},
		"next": {"/ui/services/zzz_failing"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/ui/services/zzz_failing" {
		t.Fatalf("login = %d %q, want 303 back to the service", resp.StatusCode, resp.Header.Get("Location"))
	}
	cookie := resp.Header.Get("Set-Cookie")
	for _, want := range []string{cookieName + "=", "HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("Set-Cookie %q lacks %s", cookie, want)
		}
	}
	if resp, body := get(t, c, f.srv.URL+"/ui/services/zzz_failing"); resp.StatusCode != 200 || !strings.Contains(body, "zzz_failing") {
		t.Fatalf("service page = %d", resp.StatusCode)
	}
	f.sessions.expireAll() // the idle timeout passed
	resp, _ = get(t, c, f.srv.URL+"/ui/audit?service=x")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "next=%2Fui%2Faudit%3Fservice%3Dx") {
		t.Errorf("after expiry = %d %q, want the login with next", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Logging out ends the session on the server.
	f.login(t, c, "alice")
	post(t, c, f.srv.URL+"/ui/logout", nil)
	if resp, _ := get(t, c, f.srv.URL+"/ui/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after logout = %d, want 303 to the login", resp.StatusCode)
	}
}

func TestNewPasswordEndsSessions(t *testing.T) {
	f := demoFixture(t)
	c := f.client(t)
	f.login(t, c, "victor")
	if resp, _ := get(t, c, f.srv.URL+"/ui/"); resp.StatusCode != 200 {
		t.Fatalf("overview = %d", resp.StatusCode)
	}
	if err := f.accounts.Change(context.Background(), "victor", "", "another-password"); err != nil {
		t.Fatal(err)
	}
	if resp, _ := get(t, c, f.srv.URL+"/ui/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after a new password = %d, want 303 to the login", resp.StatusCode)
	}
}

func TestWrongPasswordMessage(t *testing.T) {
	f := demoFixture(t)
	form := url.Values{"name": {"alice"}, "password": {"hunter2-wrong"}, "next": {"/ui/"}}
	resp, err := f.client(t).PostForm(f.srv.URL+"/ui/login", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body strings.Builder
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		body.WriteString(sc.Text() + "\n")
	}
	b := body.String()
	if !strings.Contains(b, "Wrong name or password.") || !strings.Contains(b, `value="alice"`) {
		t.Errorf("the form does not say what went wrong or lost the name:\n%s", b)
	}
	if strings.Contains(b, "hunter2-wrong") {
		t.Error("the page shows the password typed")
	}
}

func TestLoginRateLimit(t *testing.T) {
	f := demoFixture(t)
	c := f.client(t)
	for range 5 {
		post(t, c, f.srv.URL+"/ui/login", url.Values{"name": {"alice"}, "password": {"guess-guess"}})
	}
	resp := post(t, c, f.srv.URL+"/ui/login", url.Values{"name": {"alice"}, "password": {testPassword}})
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("6th attempt = %d, want 429 even with the right password", resp.StatusCode)
	}
}

func TestLimiterWindow(t *testing.T) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	l := newLimiter(3, time.Minute, func() time.Time { return now })
	for range 3 {
		l.fail("ip:a", "user:x")
	}
	if w := l.blocked("ip:b", "user:x"); w != time.Minute {
		t.Errorf("blocked(user:x) = %v, want 1m (the name is limited from any address)", w)
	}
	if w := l.blocked("ip:b", "user:y"); w != 0 {
		t.Errorf("blocked(other) = %v, want 0", w)
	}
	now = now.Add(61 * time.Second)
	if w := l.blocked("ip:a"); w != 0 {
		t.Errorf("after the window, blocked = %v, want 0", w)
	}
}

func TestViewerIsRefusedActions(t *testing.T) {
	f := demoFixture(t)
	p, _ := f.actions.Propose(context.Background(), engine.SuggestedAction{Action: "monit_start", Service: "zzz_failing"}, engine.SourceUser, "test")
	c := f.client(t)
	f.login(t, c, "victor")
	for _, u := range []string{"/ui/approvals/" + p.ID, "/ui/services/zzz_failing/propose"} {
		resp := post(t, c, f.srv.URL+u, url.Values{"decision": {"approve"}, "confirm": {"yes"}, "action": {"monit_start"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("viewer POST %s = %d, want 403", u, resp.StatusCode)
		}
	}
	if len(f.actions.executed) != 0 || len(f.actions.proposed) != 1 {
		t.Errorf("a viewer reached the flow: executed %v, proposed %v", f.actions.executed, f.actions.proposed)
	}
	if _, body := get(t, c, f.srv.URL+"/ui/approvals/"+p.ID); strings.Contains(body, `id="approve"`) {
		t.Error("the confirmation page offers a viewer the approve button")
	}
}

func TestOperatorProposesConfirmsAndApproves(t *testing.T) {
	f := demoFixture(t)
	c := f.client(t)
	f.login(t, c, "alice")
	resp := post(t, c, f.srv.URL+"/ui/services/zzz_failing/propose", url.Values{"action": {"monit_start"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/ui/approvals/p1" {
		t.Fatalf("propose = %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := f.actions.proposed[0]; got != "monit_start zzz_failing by web user alice" {
		t.Errorf("proposal = %q, want it to name the user", got)
	}
	// Without the confirmation the approval goes back to the confirmation step.
	resp = post(t, c, f.srv.URL+"/ui/approvals/p1", url.Values{"decision": {"approve"}})
	if resp.StatusCode != http.StatusSeeOther || len(f.actions.executed) != 0 {
		t.Fatalf("unconfirmed approve = %d, executed %v", resp.StatusCode, f.actions.executed)
	}
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/ui/approvals/p1", strings.NewReader("decision=approve&confirm=yes"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || f.actions.executed[0] != "p1:true" {
		t.Errorf("approve = %d, executed %v", resp.StatusCode, f.actions.executed)
	}
	resp = post(t, c, f.srv.URL+"/ui/approvals/p1", url.Values{"decision": {"approve"}, "confirm": {"yes"}})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("approving again = %d, want 404 from the flow's error", resp.StatusCode)
	}
}

// TestProposalNamesItsHost: the service page proposes on the host it shows, and the
// approvals and the confirmation show the proposal's host.
func TestProposalNamesItsHost(t *testing.T) {
	f := demoFixture(t)
	c := f.client(t)
	f.login(t, c, "alice")
	svc, _ := f.board.Service("zzz_failing")
	_, page := get(t, c, f.srv.URL+"/ui/services/zzz_failing")
	if want := `name="host" value="` + svc.Snapshot.Host + `"`; svc.Snapshot.Host == "" || !strings.Contains(page, want) {
		t.Fatalf("service page lacks %s", want)
	}
	resp := post(t, c, f.srv.URL+"/ui/services/zzz_failing/propose", url.Values{"action": {"monit_start"}, "host": {"web2"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("propose = %d", resp.StatusCode)
	}
	if _, body := get(t, c, f.srv.URL+"/ui/approvals/p1"); !strings.Contains(body, `<dd id="host">web2</dd>`) {
		t.Errorf("confirmation page lacks the host web2:\n%s", body)
	}
	if _, body := get(t, c, f.srv.URL+"/ui/approvals"); !strings.Contains(body, "</a> on web2</td>") {
		t.Errorf("approvals page lacks the host web2:\n%s", body)
	}
}

func TestEverythingFromOutsideIsEscaped(t *testing.T) {
	f := demoFixture(t)
	c := f.client(t)
	f.login(t, c, "alice")
	for _, u := range []string{"/ui/", "/ui/services/" + url.PathEscape(`<script>alert("x")</script>`), "/ui/?q=%3Cscript%3E"} {
		resp, body := get(t, c, f.srv.URL+u)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d", u, resp.StatusCode)
		}
		for _, raw := range []string{"<script>alert", "<img src=x"} {
			if strings.Contains(body, raw) {
				t.Errorf("GET %s contains unescaped %q", u, raw)
			}
		}
	}
}

func TestServiceLinksKeepOddNames(t *testing.T) {
	f := demoFixture(t)
	c := f.client(t)
	f.login(t, c, "victor")
	_, body := get(t, c, f.srv.URL+"/ui/")
	link := "/ui/services/" + url.PathEscape("odd #name?/x") + "?host=vm"
	if !strings.Contains(body, `href="`+link+`"`) {
		t.Fatalf("the overview does not link %s", link)
	}
	if resp, page := get(t, c, f.srv.URL+link); resp.StatusCode != 200 || !strings.Contains(page, "odd #name?/x") {
		t.Errorf("GET %s = %d, want the service's page", link, resp.StatusCode)
	}
}

func TestServicePageShowsEachConnectionTest(t *testing.T) {
	now := time.Now()
	snaps := []engine.Snapshot{{Host: "vm", Name: "web", Type: engine.TypeHost, CollectedAt: now, Status: engine.BitConnection,
		Monitor: engine.MonitorYes, Ports: []engine.PortCheck{
			{Hostname: "127.0.0.1", Port: 443, Protocol: "HTTPS", Type: "TCP", ResponseSec: 0.012, CertDays: ptr(30)},
			{Hostname: "127.0.0.1", Port: 8080, Protocol: "HTTP", Type: "TCP", ResponseSec: -1}},
		Icmp: []engine.IcmpCheck{{Type: "Echo Request", ResponseSec: 0.0004}}}}
	f := newFixture(t, snaps, nil)
	c := f.client(t)
	f.login(t, c, "victor")
	_, body := get(t, c, f.srv.URL+"/ui/services/web")
	for _, want := range []string{"Connection failed", "443/TCP", "0.012 s", "valid 30 more days", "8080/TCP", "failed", "Echo Request", "0.0004 s"} {
		if !strings.Contains(body, want) {
			t.Errorf("the service page lacks %q", want)
		}
	}
}

func TestOverviewPutsFailingFirst(t *testing.T) {
	f := demoFixture(t)
	c := f.client(t)
	f.login(t, c, "victor")
	_, body := get(t, c, f.srv.URL+"/ui/")
	failing, ok := strings.Index(body, "zzz_failing"), strings.Index(body, "aaa_ok")
	if failing < 0 || ok < 0 || failing > ok {
		t.Errorf("zzz_failing at %d, aaa_ok at %d: want the failing service first", failing, ok)
	}
	if !strings.Contains(body, "<polyline") {
		t.Error("no sparkline drawn")
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
		resp, _ := get(t, c, f.srv.URL+"/ui/")
		if resp.Header.Get(h) == "" {
			t.Errorf("missing %s", h)
		}
	}
}

func TestApprovalsShowLatestResults(t *testing.T) {
	f := demoFixture(t)
	code := 0
	f.audit.entries = []engine.AuditEntry{
		{ID: 3, Command: "monit start sleeper", Result: engine.AuditExecuted, ExitCode: &code, Output: "started <ok>"},
		{ID: 2, Command: "monit start sleeper", Result: engine.AuditApproved},
		{ID: 1, Command: "monit start sleeper", Result: engine.AuditProposed},
	}
	c := f.client(t)
	f.login(t, c, "victor")
	_, body := get(t, c, f.srv.URL+"/ui/approvals")
	if !strings.Contains(body, "started &lt;ok&gt;") || strings.Count(body, "monit start sleeper") != 1 {
		t.Errorf("approvals page: want the executed result with its escaped output once:\n%s", body)
	}
}

func TestAuditCSV(t *testing.T) {
	f := demoFixture(t)
	code := 0
	f.audit.entries = []engine.AuditEntry{
		{ID: 2, Host: "web2", Service: "=cmd|' /C calc'!A0", Proposer: "web user alice", Result: engine.AuditExecuted, ExitCode: &code},
		{ID: 1, Service: "other", Proposer: "web user bob", Result: engine.AuditProposed},
	}
	c := f.client(t)
	f.login(t, c, "victor")
	resp, body := get(t, c, f.srv.URL+"/ui/audit.csv?user=alice")
	if resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type = %q", resp.Header.Get("Content-Type"))
	}
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], "'=cmd") || !strings.Contains(lines[1], "web user alice") ||
		!strings.Contains(lines[0], ",action,host,service,") || !strings.Contains(lines[1], ",web2,") {
		t.Errorf("CSV filtered by user = %q, want the header and alice's row with the formula neutralised", lines)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/ui/services/x?range=7d": "/ui/services/x?range=7d",
		"https://evil.example/":   "/ui/",
		"//evil.example/ui/":      "/ui/",
		"/ui//evil.example":       "/ui/",
		"/ui/\\evil":              "/ui/",
		"/docs":                   "/ui/",
		"":                        "/ui/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEventsAnnounceACycle(t *testing.T) {
	f := demoFixture(t)
	c := f.client(t)
	f.login(t, c, "victor")
	sc := eventStream(t, c, f.srv.URL)
	go func() {
		time.Sleep(100 * time.Millisecond)
		f.board.Record(engine.CycleResult{Started: time.Now()}, nil)
	}()
	for sc.Scan() {
		if sc.Text() == "event: cycle" {
			return
		}
	}
	t.Fatalf("no cycle event: %v", sc.Err())
}

func TestCloseEndsTheEventStreams(t *testing.T) {
	f := demoFixture(t)
	c := f.client(t)
	f.login(t, c, "victor")
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/ui/events", nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	ended := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, resp.Body)
		ended <- err
	}()
	f.ui.Close()
	select {
	case err := <-ended:
		if err != nil {
			t.Errorf("the stream ended with %v, want a clean end", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the event stream is still open 5 s after Close")
	}
}

func TestEventsWithoutSessionIs401(t *testing.T) {
	f := demoFixture(t)
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/ui/events", nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := f.client(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("events without a session = %d, want 401 (EventSource stops, the script goes to the login)", resp.StatusCode)
	}
}

func demoFixture(t testing.TB) *fixture {
	snaps, states := snapshots(time.Now())
	return newFixture(t, snaps, states)
}

// youngHistory has 20 minutes of figures: one point per service in the day's 30-minute steps.
type youngHistory struct{ *fakeHistory }

func (h youngHistory) Recent(_ context.Context, since time.Time, step time.Duration) (map[engine.ServiceKey][]engine.Snapshot, error) {
	out := map[engine.ServiceKey][]engine.Snapshot{}
	k := engine.ServiceKey{Host: "vm", Service: "aaa_ok"}
	for i := 20; i >= 0; i-- {
		at := h.now.Add(-time.Duration(i) * time.Minute)
		if at.Before(since) || (step >= 30*time.Minute && i != 0) {
			continue
		}
		cpu := float64(i)
		out[k] = append(out[k], engine.Snapshot{Host: "vm", Name: "aaa_ok", CollectedAt: at,
			Process: &engine.ProcessFigures{CPUPercentTotal: &cpu}})
	}
	return out, nil
}

func TestSparklinesOfAYoungHistory(t *testing.T) {
	f := demoFixture(t)
	f.ui.deps.History = youngHistory{&fakeHistory{now: time.Now()}}
	c := f.client(t)
	f.login(t, c, "victor")
	_, body := get(t, c, f.srv.URL+"/ui/")
	if !strings.Contains(body, "<polyline") || !strings.Contains(body, ">2 h</th>") || !strings.Contains(body, `aria-label="CPU over 2 h"`) {
		t.Errorf("a 20-minute history: want sparklines over the last 2 h, labelled so:\n%s", body)
	}
}

// TestAuditNamesWhoApproved checks that the audit page shows the user who took each step (the
// entry's actor, e.g. who approved Mother's proposal) and that the user filter finds it.
func TestAuditNamesWhoApproved(t *testing.T) {
	f := demoFixture(t)
	f.audit.entries = []engine.AuditEntry{
		{ID: 2, Service: "sleeper", Source: engine.SourceMother, Proposer: "mother", Actor: "alice", Result: engine.AuditApproved},
		{ID: 1, Service: "sleeper", Source: engine.SourceMother, Proposer: "mother", Actor: "mother", Result: engine.AuditProposed},
	}
	c := f.client(t)
	f.login(t, c, "victor")
	_, body := get(t, c, f.srv.URL+"/ui/audit?user=alice")
	if !strings.Contains(body, "<td>alice</td>") || strings.Contains(body, "result-proposed") {
		t.Errorf("audit filtered by alice: want only her approval, shown with her name:\n%s", body)
	}
	_, body = get(t, c, f.srv.URL+"/ui/audit.csv?user=alice")
	if lines := strings.Split(strings.TrimSpace(body), "\n"); len(lines) != 2 || !strings.Contains(lines[1], ",alice,mother,") {
		t.Errorf("CSV filtered by alice = %q, want her approval with user and proposer", lines)
	}
}

// TestServiceOnSeveralHosts: with two hosts the overview names each row's host and links to
// that host's page; a name without a host asks which; a host's page shows its own events.
func TestServiceOnSeveralHosts(t *testing.T) {
	now := time.Now()
	var snaps []engine.Snapshot
	for _, h := range []string{"vm", "web2"} {
		snaps = append(snaps, engine.Snapshot{Host: h, Name: "nginx", Type: engine.TypeProcess, CollectedAt: now,
			Monitor: engine.MonitorYes})
	}
	f := newFixture(t, snaps, nil)
	f.ui.deps.History.(*fakeHistory).events = []engine.Event{
		{At: now, Host: "web2", Service: "nginx", Kind: engine.StateNew, Detail: "refused on web2"},
		{At: now, Host: "vm", Service: "nginx", Kind: engine.StateNew, Detail: "refused on vm"},
	}
	c := f.client(t)
	f.login(t, c, "victor")
	_, body := get(t, c, f.srv.URL+"/ui/")
	for _, want := range []string{`href="/ui/services/nginx?host=web2"`, "process on web2", `href="/ui/services/nginx?host=vm"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the overview lacks %s", want)
		}
	}
	cases := []struct {
		path       string
		code       int
		has, lacks string
	}{
		{"/ui/services/nginx", http.StatusConflict, `href="/ui/services/nginx?host=web2"`, "refused on"},
		{"/ui/services/nginx?range=7d", http.StatusConflict, `?host=vm&amp;range=7d`, "refused on"},
		{"/ui/services/nginx?host=web2", 200, "refused on web2", "refused on vm"},
		{"/ui/services/nginx?host=vm", 200, `href="?host=vm&amp;range=7d"`, "refused on web2"},
		{"/ui/services/nginx?host=nosuch", http.StatusNotFound, "Unknown host “nosuch”: the known hosts are vm, web2.", "refused on"},
		{"/ui/services/nginx?host=WEB2", http.StatusNotFound, "did you mean “web2”?", "refused on"},
		{"/ui/services/nosuch?host=web2", http.StatusNotFound, "no service called “nosuch” on web2", "Unknown host"},
	}
	for _, tc := range cases {
		resp, page := get(t, c, f.srv.URL+tc.path)
		if resp.StatusCode != tc.code || !strings.Contains(page, tc.has) || strings.Contains(page, tc.lacks) {
			t.Errorf("GET %s = %d, want %d with %q and without %q:\n%s", tc.path, resp.StatusCode, tc.code, tc.has, tc.lacks, page)
		}
	}
}
