package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"monit-intel/act"
	"monit-intel/engine"
	"monit-intel/engine/approve"
	"monit-intel/engine/config"
	"monit-intel/engine/llm"
	"monit-intel/engine/monit"
	"monit-intel/engine/mother"
	"monit-intel/logs"
)

var showAnswers = flag.Bool("show-answers", false, "log every answer of the conversation set")

// conversationTarget is the share of the conversation set Mother must understand and answer
// with its model down, leaving out the messages only a model can read.
const conversationTarget = 0.95

// exchange is one message of the conversation set and what its answer must show.
type exchange struct {
	line      int
	session   string
	message   string
	intent    string
	services  []string // sorted; nil for none
	window    string   // "MM-DD HH:MM..MM-DD HH:MM", or "-" for none
	fact      string   // must appear in the answer; "-" for none
	modelOnly bool
}

// readConversations reads testdata/mother/conversations.txt: "## session" starts a session
// (follow-ups carry within it), then one message a line:
// "message | intent | services | window | fact [| model]".
func readConversations(t testing.TB) []exchange {
	t.Helper()
	f, err := os.Open("testdata/mother/conversations.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []exchange
	session := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || (strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "## ")):
			continue
		case strings.HasPrefix(line, "## "):
			session = strings.TrimSpace(line[3:])
			continue
		}
		fs := strings.Split(line, " | ")
		if len(fs) < 5 || len(fs) > 6 || session == "" {
			t.Fatalf("conversations.txt:%d: want \"message | intent | services | window | fact [| model]\" in a session, got %q", n, line)
		}
		ex := exchange{line: n, session: session, message: fs[0], intent: fs[1], window: fs[3], fact: fs[4],
			modelOnly: len(fs) == 6 && fs[5] == "model"}
		if fs[2] != "-" {
			ex.services = strings.Split(fs[2], ",")
			slices.Sort(ex.services)
		}
		out = append(out, ex)
	}
	return out
}

// weekMother is Mother over the recorded week of a real Monit: the week ingested through the
// real ingest cycle into real SQLite and bbolt files, the week's log files, the approval flow,
// and a model server that is down (nothing listens on its port). Its clock is the week's end.
func weekMother(t testing.TB) *mother.Mother {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	cfg := config.Default()
	cfg.DataDir = dir
	cfg.Logs = weekLogs(t, filepath.Join(dir, "logs"))
	cfg.Aliases = map[string][]string{"web_proxy": {"nginx"}, "db_host": {"postgres", "database"}, "rootfs": {"root"}}
	cfg.Actions.Units = map[string]string{"nordvpn_status": "nordvpnd.service", "nordvpn_reconnect": "nordvpn-reconnect.service",
		"web_proxy": "nginx.service", "media_server": "jellyfin.service"}
	s, err := openStores(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	now := weekStart
	clock := func() time.Time { return now }
	board := engine.NewBoard()
	in := engine.NewIngester(&weekReplay{cycles: newWeek(t).cycles()}, s.state, s.history, engine.IngesterOptions{Now: clock})
	for ; !now.After(weekEnd); now = now.Add(weekStep) {
		res, err := in.RunCycle(ctx)
		board.Record(res, err)
		if err != nil {
			t.Fatal(err)
		}
	}
	now = weekEnd
	reg, err := logs.NewRegistry(cfg.Logs, logsOptions(cfg, s.red))
	if err != nil {
		t.Fatal(err)
	}
	model, err := llm.New(llm.Options{URL: "http://127.0.0.1:1", Model: "llama3.1:8b", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	src, err := monit.New(monit.Options{URL: cfg.Monit.URL})
	if err != nil {
		t.Fatal(err)
	}
	local := func() string { return board.Hosts()[0] } // the week's one host is this machine's
	flow := approve.New(s.state, s.history, actionTargets(cfg, board, local), act.NewRunner(actOptions(cfg, src)),
		approve.Options{Act: actOptions(cfg, src), Now: clock, Hosts: approve.Hosts{Local: local, Of: board.HostsOf, Known: board.Hosts}})
	seedAudit(t, s, flow)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	return mother.New(motherData{board: board, s: s, logs: reg}, mother.Tee{Live: s.state, Export: s.history}, mother.Options{
		LLM: model, NumCtx: cfg.Ollama.NumCtx, Timeout: 2 * time.Second, Units: cfg.Actions.Units,
		Aliases: serviceAliases(cfg), Actions: flow, Now: clock, Logger: logger})
}

// seedAudit leaves the week's audit trail: a restart of web_proxy approved and run on Monday
// evening, and this morning a stop of media_server proposed and still pending.
func seedAudit(t testing.TB, s *stores, flow *approve.Flow) {
	t.Helper()
	ctx := t.Context()
	code := 0
	for _, e := range []engine.AuditEntry{
		{At: time.Date(2026, 11, 23, 19, 28, 0, 0, time.UTC), ProposalID: "p-web", Source: engine.SourceUser, Action: "systemctl_restart",
			Service: "web_proxy", Command: "systemctl restart nginx.service", Result: engine.AuditProposed},
		{At: time.Date(2026, 11, 23, 19, 29, 0, 0, time.UTC), ProposalID: "p-web", Source: engine.SourceUser, Action: "systemctl_restart",
			Service: "web_proxy", Command: "systemctl restart nginx.service", UserApproved: true, Result: engine.AuditApproved},
		{At: time.Date(2026, 11, 23, 19, 29, 5, 0, time.UTC), ProposalID: "p-web", Source: engine.SourceUser, Action: "systemctl_restart",
			Service: "web_proxy", Command: "systemctl restart nginx.service", UserApproved: true, Result: engine.AuditExecuted, ExitCode: &code},
	} {
		if _, err := s.history.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := flow.Propose(ctx, engine.SuggestedAction{Action: "stop", Service: "media_server"}, engine.SourceUser, "mother session morning"); err != nil {
		t.Fatal(err)
	}
}

// TestConversationSet runs the conversation set against the recorded week with the model
// down and scores it: intent, services and window as Mother understood them, and a fact of
// the answer. It fails below conversationTarget; BENCHMARKS.md keeps the score.
func TestConversationSet(t *testing.T) {
	m := weekMother(t)
	set := readConversations(t)
	scored, passed, modelOnly := 0, 0, 0
	for _, ex := range set {
		var u mother.Understood
		reply, err := m.ChatWith(t.Context(), ex.session, ex.message, func(got mother.Understood) error {
			u = got
			return nil
		}, func(string) error { return nil })
		if err != nil {
			t.Fatalf("conversations.txt:%d: Chat(%q) error = %v", ex.line, ex.message, err)
		}
		if ex.modelOnly {
			modelOnly++
			if reply.Intent != "unknown" {
				t.Logf("conversations.txt:%d: %q is marked model-only, but the rules read it as %s", ex.line, ex.message, reply.Intent)
			}
			continue
		}
		scored++
		if *showAnswers {
			t.Logf("conversations.txt:%d: %q -> %+v\n%s", ex.line, ex.message, u, indent(reply.Text))
		}
		if problems := ex.check(u, reply.Text); len(problems) > 0 {
			t.Logf("conversations.txt:%d: %q: %s\n%s", ex.line, ex.message, strings.Join(problems, "; "), indent(reply.Text))
			continue
		}
		passed++
	}
	if len(set) < 150 {
		t.Errorf("the conversation set has %d messages, want at least 150", len(set))
	}
	score := float64(passed) / float64(scored)
	t.Logf("conversation set: %d/%d right with the model down (%.1f%%); %d messages left to the model", passed, scored, 100*score, modelOnly)
	if score < conversationTarget {
		t.Errorf("score %.1f%%, want at least %.0f%%", 100*score, 100*conversationTarget)
	}
}

// check compares what Mother understood and answered with the expectation.
func (ex exchange) check(u mother.Understood, text string) []string {
	var problems []string
	if u.Intent != ex.intent {
		problems = append(problems, fmt.Sprintf("intent %s, want %s", u.Intent, ex.intent))
	}
	got := slices.Clone(u.Services)
	slices.Sort(got)
	if len(got) == 0 {
		got = nil
	}
	if !slices.Equal(got, ex.services) {
		problems = append(problems, fmt.Sprintf("services %v, want %v", got, ex.services))
	}
	window := "-"
	if !u.Since.IsZero() {
		window = u.Since.UTC().Format("01-02 15:04") + ".." + u.Until.UTC().Format("01-02 15:04")
	}
	if window != ex.window {
		problems = append(problems, fmt.Sprintf("window %s, want %s", window, ex.window))
	}
	if ex.fact != "-" && !strings.Contains(text, ex.fact) {
		problems = append(problems, fmt.Sprintf("answer lacks %q", ex.fact))
	}
	return problems
}

func indent(s string) string {
	return "    | " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    | ")
}
