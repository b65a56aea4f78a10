package mother

import (
	"fmt"
	"slices"
	"strings"
)

// understood is what the turn read, for the reply and the stream's first event: the services
// the answer is about (or, when it asks which, the ones it could mean) and the window it
// covered.
func (tr *turnState) understood() Understood {
	u := Understood{Intent: string(tr.in.Kind), Services: tr.ans.services}
	if len(u.Services) == 0 {
		u.Services = append(slices.Clone(tr.in.Services), tr.in.Ambiguous...)
	}
	if u.Services == nil {
		u.Services = []string{}
	}
	u.Hosts = tr.hosts(u.Services)
	w := tr.ans.window
	if !w.Said() {
		w = tr.in.Window
	}
	if windowed(tr.in.Kind) {
		u.Since, u.Until = w.Since, w.Until
	}
	return u
}

// windowed reports whether an intent reads a window; the others answer about now.
func windowed(k Kind) bool {
	switch k {
	case KindHistory, KindChanges, KindFigures, KindLogs, KindWhy, KindAudit:
		return true
	}
	return false
}

// intentHints describe each intent for a person, in the order they are offered.
var intentHints = []struct {
	kind    Kind
	example string
	words   []string
}{
	{KindStatus, `status: "is nginx ok?", "what's broken?"`, []string{"status", "state", "health", "running", "broken"}},
	{KindWhy, `why: "why is system_backup failing?"`, []string{"why", "explain", "cause", "reason", "wrong"}},
	{KindHistory, `history: "last 5 failures of nordvpn_status", "what failed last night"`, []string{"history", "failures", "failed", "incidents", "events"}},
	{KindLogs, `logs: "show logs for web_proxy"`, []string{"logs", "journal", "lines", "output"}},
	{KindChanges, `changes: "what changed since yesterday?"`, []string{"changed", "changes", "recent", "happened", "since"}},
	{KindFigures, `figures: "cpu of the system", "how full is rootfs", "response time of db_host"`, []string{"cpu", "memory", "disk", "load", "swap", "inodes", "response", "latency"}},
	{KindUptime, `uptime: "how long has media_server been up?"`, []string{"uptime", "long"}},
	{KindAudit, `audit: "what did you do today?"`, []string{"audit", "did", "done", "executed"}},
	{KindPending, `pending approvals: "what is waiting for me?"`, []string{"pending", "waiting", "approval", "approve"}},
	{KindAction, `actions: "restart web_proxy", "stop monitoring nightly_dump"`, []string{"restart", "start", "stop", "monitor", "unmonitor"}},
}

// notUnderstood is the answer when neither the rules nor a model could read a message: it
// says so and offers the intents whose words are closest to the message's, or all of them.
func notUnderstood(ts []token) answer {
	var close []string
	for _, h := range intentHints {
		if slices.ContainsFunc(ts, func(t token) bool { return nearWord(t.text, h.words) }) {
			close = append(close, h.example)
		}
	}
	var b strings.Builder
	b.WriteString("I did not understand that.\n")
	if len(close) > 0 {
		b.WriteString("Closest questions I can answer:\n")
	} else {
		b.WriteString("I can answer:\n")
		for _, h := range intentHints {
			close = append(close, h.example)
		}
	}
	for _, c := range close {
		b.WriteString("  " + c + "\n")
	}
	return answer{facts: b.String()}
}

// nearWord reports whether w is one of words, or within one typo (two for long words) of one.
func nearWord(w string, words []string) bool {
	if len(w) < 3 {
		return false
	}
	for _, x := range words {
		if w == x || (len(x) >= 4 && distance(w, x, maxEdits(len(x))) >= 0) {
			return true
		}
	}
	return false
}

// cannot answers a request Mother never carries out, plainly.
func cannot(ts []token) answer {
	var asked []string
	for _, t := range ts {
		if cannotWords[t.text] {
			asked = append(asked, t.raw)
		}
	}
	return answer{facts: fmt.Sprintf(`I cannot do that (%s): I never run commands of my own, kill processes, reboot, delete files or change the system.
What I can do: report status, figures, history, logs and the likely cause of a failure, and propose one of restart, start, stop, monitor or unmonitor for one service, which runs only after a person approves it.
`, strings.Join(uniq(asked), ", "))}
}
