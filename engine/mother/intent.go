package mother

import (
	"slices"
	"strings"
	"time"

	"monit-intel/act"
	"monit-intel/engine/trend"
)

// Kind is what a message asks for.
type Kind string

// The kinds of request Mother knows.
const (
	KindStatus  Kind = "status"  // how services are: all of them, or the ones named
	KindHistory Kind = "history" // failure events ("last 5 failures of x", "what failed last night")
	KindLogs    Kind = "logs"    // a service's log lines
	KindWhy     Kind = "why"     // why a service fails: analyses, rules findings, logs
	KindAction  Kind = "action"  // restart, start, stop, monitor, unmonitor a service
	KindChanges Kind = "changes" // failure events of every service in a window
	KindFigures Kind = "figures" // a figure now and its trend: load, CPU, memory, disk, response time…
	KindUptime  Kind = "uptime"  // how long services have been running
	KindAudit   Kind = "audit"   // what was proposed, approved and run
	KindPending Kind = "pending" // proposals waiting for a person's approval
	KindCannot  Kind = "cannot"  // something Mother never does (kill, reboot, rm -rf)
	KindHelp    Kind = "help"    // help and smalltalk
	KindUnknown Kind = "unknown" // the rules cannot tell
)

// Intent is what Recognise read in a message.
type Intent struct {
	Kind Kind
	// Services are the known services named, in the order they appear.
	Services []string
	// Ambiguous are known services a vague word could mean ("vpn" when there are
	// nordvpn_status and nordvpn_reconnect), minus those in Services.
	Ambiguous []string
	// Unknown are words in the place of a service name that name no known service.
	Unknown []string
	// Verb is the action asked for (KindAction): restart, start, stop, monitor, unmonitor, or
	// a whitelisted action name such as systemctl_restart.
	Verb string
	// Ignored are the parts of an action request that were not read ("rm -rf /var/lib" in
	// "restart web_proxy; rm -rf /var/lib").
	Ignored []string
	// Figures are the figures asked for (KindFigures).
	Figures []trend.Figure
	// Count is a count said in the message ("last 5"), 0 when none.
	Count int
	// Window is the time said in the message; its Since is zero when none was.
	Window Window
	// Refers is set when no service is named but the message points back ("restart it").
	Refers bool
	// FollowUp is set when the message reads as a continuation ("and why?", "what about x").
	FollowUp bool
	// All is set when the message speaks of every service ("restart everything").
	All bool
	// Host is set when the message speaks of the machine itself ("the system", "the
	// server"): its figures come from the system check.
	Host bool
}

// Known is what a message's service names are matched against.
type Known struct {
	Names []string
	// Aliases are other names of a service: its systemd unit, its log file's or journal unit's
	// name, the aliases the configuration gives it ("jellyfin" for media_server).
	Aliases map[string][]string
}

// Recognise reads a message with rules only: no model, no I/O; now resolves the time words.
//
// The time words are read first (readWindow), then the service names (see findServices), and
// their words set aside, so that "last night" never names nightly_dump and "nordvpn_status"
// is a service, not a status request. Then, on the remaining words, kindOf decides. A request
// for something Mother never does (kill, reboot, rm -rf) is KindCannot, unless the message
// also asks something Mother answers: then that part is listed in Ignored.
func Recognise(message string, now time.Time, k Known) Intent {
	ts := tokenize(message)
	markPhrases(ts)
	var in Intent
	in.Window = readWindow(message, ts, now)
	in.Services, in.Ambiguous = findServices(ts, candidates(k))
	correctTypos(ts)
	in.Count = readCount(ts)
	in.Verb, in.Ignored = actionVerb(ts)
	in.Services = notIgnored(ts, in.Services)
	in.Figures = readFigures(ts)
	in.Kind = kindOf(ts, in)
	if asked, only := cannotClauses(ts); len(asked) > 0 && in.Kind != KindAction {
		// "reboot", "kill nginx", "format the disk": a plain answer of what Mother can do;
		// "logs for nginx; reboot": the logs, and a word that the reboot was ignored.
		if only || in.Kind == KindUnknown || in.Kind == KindHelp || (in.Kind == KindStatus && !statusCue(ts)) {
			in.Kind = KindCannot
		} else {
			in.Ignored = asked
		}
	}
	in.FollowUp = followUpShaped(ts)
	in.All = everything(ts)
	in.Host = slices.ContainsFunc(ts, func(t token) bool { return !t.used && hostWords[t.text] })
	if len(in.Services) == 0 && len(in.Ambiguous) == 0 {
		in.Unknown = unknownNames(ts)
		in.Refers = refers(ts)
	}
	return in
}

// kindOf decides the intent from the words that are not service names or times:
//   - action: an action verb (restart, start, stop, monitor, unmonitor, or a whitelisted
//     action name) opening a clause, perhaps after "please", "can you", …, and not negated;
//   - audit ("what did you do"), pending ("what is waiting for me"), uptime, figures ("cpu
//     of x", "how full is /"), by their words;
//   - why, logs, history, changes, status, in that order; "what's broken?" is status;
//   - help: help words, or a greeting with nothing else;
//   - a service named with no other cue is a status request;
//   - anything else is KindUnknown, for the model (or a follow-up) to settle.
func kindOf(ts []token, in Intent) Kind {
	if in.Verb != "" {
		return KindAction
	}
	has := func(s set) bool {
		return slices.ContainsFunc(ts, func(t token) bool { return !t.used && s[t.text] })
	}
	named := len(in.Services) > 0 || len(in.Ambiguous) > 0
	switch {
	case has(auditWords) || hasPhrase(ts, "did", "you") || hasPhrase(ts, "have", "you", "done") ||
		hasPhrase(ts, "did", "mother") || hasPhrase(ts, "has", "mother") ||
		(hasPhrase(ts, "did", "i") && (has(pendingWords) || has(actionVerbs))): // "what did i approve"
		return KindAudit
	case has(pendingWords) || hasPhrase(ts, "waiting", "for", "me"):
		return KindPending
	case has(uptimeWords) || hasPhrase(ts, "how", "long") || hasPhrase(ts, "since", "when") ||
		(hasPhrase(ts, "when", "did") && has(startWords) && !has(historyWords) && !has(statusWords)): // "when did x start"
		return KindUptime
	case len(in.Figures) > 0 || (named && has(trendWords)):
		return KindFigures // "trend of rootfs": every figure it has
	case has(whyWords) || (named && (has(troubleWords) || hasPhrase(ts, "up", "with"))):
		return KindWhy
	case has(logWords) || (named && has(errorWords)):
		return KindLogs // "check what happened and show me the logs" asks for the logs
	case named && hasPhrase(ts, "what", "happened"):
		return KindWhy
	case has(historyWords) || hasPhrase(ts, "how", "many") || hasPhrase(ts, "when", "did") ||
		hasPhrase(ts, "when", "was") || hasPhrase(ts, "last", "time") || hasPhrase(ts, "went", "down"):
		return KindHistory
	case !named && in.Window.Said() && has(troubleWords):
		return KindHistory // "what went wrong overnight"
	case has(changeWords) || in.Window.Said():
		return KindChanges
	case statusCue(ts):
		return KindStatus
	case has(helpWords) || hasPhrase(ts, "what", "can", "you", "do"):
		return KindHelp
	case named:
		return KindStatus
	case has(greetings):
		return KindHelp
	}
	return KindUnknown
}

// typoKeywords are the intent words a typo is corrected to ("histroy", "logz", "whyy").
var typoKeywords = []string{"why", "explain", "history", "failures", "failed", "logs", "status", "running",
	"uptime", "memory", "disk", "cpu", "load", "swap", "changes", "changed", "pending", "audit", "inodes",
	"response", "latency", "journal", "broken", "wrong", "crashed"}

// correctTypos rewrites the words that are no service and no word Mother knows, but a typo of
// an intent word: one edit away (two for long words), same first letter, or the word with a
// letter doubled at its end. Words shorter than four letters are left alone.
func correctTypos(ts []token) {
	for i, t := range ts {
		if t.used || len(t.text) < 4 || vocabulary(t.text) || strings.ContainsAny(t.text, "_.-/0123456789") {
			continue
		}
		w := t.text
		if n := len(w); w[n-1] == w[n-2] && vocabulary(w[:n-1]) {
			ts[i].text = w[:n-1]
			continue
		}
		for _, k := range typoKeywords {
			if len(k) >= 4 && k[0] == w[0] && distance(w, k, maxEdits(len(k)+1)) >= 0 {
				ts[i].text = k
				break
			}
		}
	}
}

// markPhrases sets aside the words of phrases that only look like names: the "root" of "root
// cause" is no root filesystem.
func markPhrases(ts []token) {
	for i := 0; i+1 < len(ts); i++ {
		if ts[i].text == "root" && (ts[i+1].text == "cause" || ts[i+1].text == "causes") {
			ts[i].used = true
		}
	}
}

// everything reports whether the message speaks of every service ("restart everything"):
// it then names none, and takes none over from the previous turns.
func everything(ts []token) bool {
	return slices.ContainsFunc(ts, func(t token) bool { return allWords[t.text] })
}

// statusCue reports whether the message asks for a status in so many words.
// "ok" opening a message is no status word ("ok thanks", "ok restart that one").
func statusCue(ts []token) bool {
	for i, t := range ts {
		if i == 0 && (t.text == "ok" || t.text == "okay") {
			continue
		}
		if !t.used && (statusWords[t.text] || troubleWords[t.text]) {
			return true
		}
	}
	return hasPhrase(ts, "how", "is") || hasPhrase(ts, "how", "are")
}

// cannotClauses returns, as written, the clauses that ask for something Mother never does;
// only is set when every clause is such a request opening with its verb ("format the disk",
// "please reboot").
func cannotClauses(ts []token) (asked []string, only bool) {
	only = true
	start := 0
	flush := func(end int) {
		if end <= start {
			return
		}
		c := ts[start:end]
		if !slices.ContainsFunc(c, func(t token) bool { return cannotWords[t.text] }) {
			only = false
			return
		}
		asked = append(asked, rawText(c))
		first := slices.IndexFunc(c, func(t token) bool { return !fillers[t.text] })
		only = only && first >= 0 && cannotWords[c[first].text]
	}
	for i, t := range ts {
		if i > 0 && t.clause {
			flush(i)
			start = i
		}
	}
	flush(len(ts))
	return asked, only && len(asked) > 0
}

// notIgnored keeps the services named outside the clauses an action request left unread:
// "restart nginx and then kill jellyfin" is about nginx.
func notIgnored(ts []token, services []string) []string {
	return slices.DeleteFunc(services, func(s string) bool {
		return !slices.ContainsFunc(ts, func(t token) bool { return t.svc == s && !t.ignored })
	})
}

// hasPhrase reports whether the words appear in a row, none of them part of a service name.
func hasPhrase(ts []token, phrase ...string) bool {
	for i := 0; i+len(phrase) <= len(ts); i++ {
		ok := true
		for j, w := range phrase {
			if ts[i+j].used || ts[i+j].text != w {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// actionVerb finds an action request: an action verb opening a clause (after fillers such as
// "please" or "can you"), or a whitelisted action name anywhere. A negation before the verb
// ("don't restart") cancels it. "stop monitoring" is unmonitor, "start monitoring" monitor.
// The other clauses of a request that ask for something (another verb, "rm -rf") are
// returned as ignored. It returns "" when there is no request.
func actionVerb(ts []token) (verb string, ignored []string) {
	opening, negated := true, false
	start, verbClause := 0, -1
	var clauses [][2]int
	for i, t := range ts {
		if t.clause || clauseWords[t.text] {
			if i > start {
				clauses = append(clauses, [2]int{start, i})
			}
			start, opening, negated = i, true, false
		}
		if t.used {
			opening = false
			continue
		}
		v := ""
		switch {
		case isWhitelisted(t.text) && !negated:
			v = t.text
		case negations[t.text]:
			negated = true
		case opening && !negated && isActionVerb(t.text) != "":
			v = monitoringVerb(isActionVerb(t.text), ts, i)
		case opening && !negated && pauseVerbs[t.text] != "" && i+1 < len(ts) && monitoringWords[ts[i+1].text]:
			ts[i+1].used = true // "pause monitoring of x", "resume monitoring x"
			v = pauseVerbs[t.text]
		case fillers[t.text]:
		default:
			opening = false
		}
		if v != "" && verb == "" {
			verb, verbClause = v, start
		}
	}
	if verb == "" {
		return "", nil
	}
	clauses = append(clauses, [2]int{start, len(ts)})
	for _, c := range clauses {
		if c[0] != verbClause && asksSomething(ts[c[0]:c[1]]) {
			ignored = append(ignored, rawText(ts[c[0]:c[1]]))
			for j := c[0]; j < c[1]; j++ {
				ts[j].ignored = true
			}
		}
	}
	return verb, ignored
}

// monitoringVerb turns "stop monitoring" into unmonitor and "start monitoring" into monitor.
func monitoringVerb(v string, ts []token, i int) string {
	if i+1 >= len(ts) || !monitoringWords[ts[i+1].text] {
		return v
	}
	ts[i+1].used = true
	switch v {
	case "stop":
		return "unmonitor"
	case "start", "restart":
		return "monitor"
	}
	return v
}

// asksSomething reports whether a clause holds a request of its own: an action verb or a
// word for something Mother never does.
func asksSomething(ts []token) bool {
	return slices.ContainsFunc(ts, func(t token) bool {
		return !clauseWords[t.text] && (cannotWords[t.text] || isActionVerb(t.text) != "" || isWhitelisted(t.text))
	})
}

// rawText is the words of a clause as written, without the word that joined it.
func rawText(ts []token) string {
	var out []string
	for i, t := range ts {
		if i == 0 && clauseWords[t.text] {
			continue
		}
		out = append(out, t.raw)
	}
	return strings.Join(out, " ")
}

// isActionVerb returns the action verb w means, allowing one typo in a long verb ("restrat").
func isActionVerb(w string) string {
	if actionVerbs[w] {
		return w
	}
	if v, ok := foreignVerbs[w]; ok {
		return v
	}
	for _, v := range []string{"restart", "monitor", "unmonitor"} {
		if len(w) >= 6 && distance(w, v, 1) >= 0 {
			return v
		}
	}
	return ""
}

// unknownNames returns the words that stand where a service name would and are no word Mother
// knows: after "for", "of", "restart", … ("show logs for foobar"), or shaped like a name
// ("foo_bar", "x.service").
func unknownNames(ts []token) []string {
	var out []string
	for i, t := range ts {
		if t.used || vocabulary(t.text) || len(t.text) < 3 {
			continue
		}
		if _, _, span := spanAt(ts, i); span || slices.ContainsFunc(parts(t.text), vocabulary) {
			continue
		}
		shaped := strings.ContainsAny(t.text, "_.-/") || containsDigitAndLetter(t.text)
		if shaped || (i > 0 && slotWords[ts[i-1].text]) {
			out = append(out, t.text)
		}
	}
	return uniq(out)
}

func containsDigitAndLetter(s string) bool {
	digit, letter := false, false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r >= 'a' && r <= 'z':
			letter = true
		}
	}
	return digit && letter
}

// refers reports whether the message points back at something said before ("restart it").
func refers(ts []token) bool {
	return slices.ContainsFunc(ts, func(t token) bool { return !t.used && referWords[t.text] })
}

// followUpShaped reports whether a short message opens like a continuation: "and why?",
// "what about nginx?", "ok restart that one", "only nordvpn_status".
func followUpShaped(ts []token) bool {
	if len(ts) == 0 || len(ts) > 8 {
		return false
	}
	switch {
	case ts[0].text == "and" || ts[0].text == "also" || ts[0].text == "ok" || ts[0].text == "okay" ||
		ts[0].text == "only" || ts[0].text == "just":
		return true
	case len(ts) > 1 && (ts[0].text == "what" || ts[0].text == "how") && ts[1].text == "about":
		return true
	}
	return refers(ts)
}

// isWhitelisted reports whether w is an action name of act's whitelist.
func isWhitelisted(w string) bool { return act.IsAllowed(w) }
