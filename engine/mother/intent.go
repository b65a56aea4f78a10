package mother

import (
	"slices"
	"strings"

	"monit-intel/act"
)

// Kind is what a message asks for.
type Kind string

// The kinds of request Mother knows.
const (
	KindStatus  Kind = "status"  // how services are: all of them, or the ones named
	KindHistory Kind = "history" // a service's failure events ("last 5 failures of x")
	KindLogs    Kind = "logs"    // a service's recent log lines
	KindWhy     Kind = "why"     // why a service fails: analyses, rules findings, logs
	KindAction  Kind = "action"  // restart, start, stop, monitor, unmonitor a service
	KindChanges Kind = "changes" // failure events of every service since a time
	KindHelp    Kind = "help"    // help and smalltalk
	KindUnknown Kind = "unknown" // the rules cannot tell
)

// Intent is what Recognise read in a message.
type Intent struct {
	Kind Kind
	// Services are the known services named, in the order they appear.
	Services []string
	// Ambiguous are known services a vague word could mean ("backup" when there are
	// system_backup and db_backup), minus those in Services.
	Ambiguous []string
	// Unknown are words in the place of a service name that name no known service.
	Unknown []string
	// Verb is the action asked for (KindAction): restart, start, stop, monitor, unmonitor, or
	// a whitelisted action name such as systemctl_restart.
	Verb string
	// Count is a count said in the message ("last 5"), 0 when none.
	Count int
	// Since is a time said in the message ("since yesterday").
	Since Since
	// Refers is set when no service is named but the message points back ("restart it").
	Refers bool
}

// Recognise reads a message with rules only: no model, no I/O, no clock. known are the
// service names, units maps a service to its systemd unit (a unit names its service too).
//
// The service names are found first (see findServices) and their words set aside, so that
// "nordvpn_status" is a service, not a status request. Then, on the remaining words:
//   - action: an action verb (restart, start, stop, monitor, unmonitor, or a whitelisted
//     action name) opening a clause, perhaps after "please", "can you", …, and not negated;
//   - why, logs, history, changes, status, in that order, by their words (see words.go);
//   - help: help words, or a greeting with nothing else;
//   - a service named with no other cue is a status request;
//   - anything else is KindUnknown, for the model to classify.
func Recognise(message string, known []string, units map[string]string) Intent {
	ts := tokenize(message)
	var in Intent
	in.Services, in.Ambiguous = findServices(ts, candidates(known, units))
	in.Count = readCount(ts)
	in.Since = readSince(ts)
	in.Verb = actionVerb(ts)
	in.Kind = kindOf(ts, in)
	if len(in.Services) == 0 && len(in.Ambiguous) == 0 {
		in.Unknown = unknownNames(ts)
		in.Refers = refers(ts)
	}
	return in
}

// kindOf decides the intent from the words that are not service names.
func kindOf(ts []token, in Intent) Kind {
	if in.Verb != "" {
		return KindAction
	}
	has := func(s set) bool {
		return slices.ContainsFunc(ts, func(t token) bool { return !t.used && s[t.text] })
	}
	named := len(in.Services) > 0 || len(in.Ambiguous) > 0
	switch {
	case has(whyWords) || (named && hasPhrase(ts, "what", "happened")):
		return KindWhy
	case has(logWords):
		return KindLogs
	case has(historyWords) || hasPhrase(ts, "how", "many") || hasPhrase(ts, "when", "did"):
		return KindHistory
	case has(changeWords) || in.Since.Kind != SinceNone:
		return KindChanges
	case has(statusWords) || hasPhrase(ts, "how", "is") || hasPhrase(ts, "how", "are"):
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
// ("don't restart") cancels it. It returns "" when there is none.
func actionVerb(ts []token) string {
	opening := true
	negated := false
	for _, t := range ts {
		if t.clause || clauseWords[t.text] {
			opening, negated = true, false
		}
		if t.used {
			opening = false
			continue
		}
		if isWhitelisted(t.text) && !negated {
			return t.text
		}
		switch {
		case negations[t.text]:
			negated = true
		case opening && !negated && isActionVerb(t.text) != "":
			return isActionVerb(t.text)
		case fillers[t.text]:
		default:
			opening = false
		}
	}
	return ""
}

// isActionVerb returns the action verb w means, allowing one typo in a long verb ("restrat").
func isActionVerb(w string) string {
	if actionVerbs[w] {
		return w
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
		if _, span := spanAt(ts, i); span {
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
	return slices.ContainsFunc(ts, func(t token) bool { return referWords[t.text] })
}

// isWhitelisted reports whether w is an action name of act's whitelist.
func isWhitelisted(w string) bool { return act.IsAllowed(w) }
