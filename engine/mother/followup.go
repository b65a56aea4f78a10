package mother

import (
	"slices"

	"monit-intel/engine"
	"monit-intel/engine/trend"
)

// followUp carries the context of the previous turns into a message that leaves it out:
// "and why?" asks why about the service just discussed, "show me the last 3" repeats the
// last intent with a count, "ok restart that one" names the service of the previous turn,
// "what about nginx?" asks the last question of another service, "cpu?" asks for a figure of
// the service just discussed when it has one. A carried intent, or a message that opens like
// a follow-up, or a word or two, brings the previous window with it when it sets none, and the
// previous turn's host when it names none.
func (tr *turnState) followUp() {
	prev, _ := tr.previous() // the zero turn when none: its intent carries nothing
	in := &tr.in
	named := len(in.Services) > 0 || len(in.Ambiguous) > 0 || len(in.Unknown) > 0
	short := tr.short()
	kindCarried := false
	switch {
	case prev.Intent == "":
	case in.Kind == KindUnknown && in.Count > 0 && !counted(Kind(prev.Intent)):
		in.Kind, kindCarried = KindHistory, true // "show me the last 3" after "why …?": its last 3 failures
	case in.Kind == KindUnknown && (in.FollowUp || in.Count > 0 || in.Window.Said() || in.Refers || named):
		in.Kind, kindCarried = Kind(prev.Intent), true
	case in.Kind == KindStatus && named && in.FollowUp && !tr.statusAsked():
		in.Kind, kindCarried = Kind(prev.Intent), true
	case in.Kind == KindChanges && !named && in.FollowUp && inherits(Kind(prev.Intent)):
		in.Kind, kindCarried = Kind(prev.Intent), true // "and yesterday?"
	}
	carried := false
	if !named && !in.All && carries(in.Kind) && (needsService(in.Kind) || in.Refers || in.FollowUp || kindCarried || short) {
		if still := tr.fitting(tr.stillKnown(tr.lastServices())); len(still) > 0 {
			in.Services, in.Unknown, carried = still, nil, true
		}
	}
	if prev.Intent != "" && (carried || kindCarried || in.FollowUp || in.Refers || short) {
		tr.carryHost()
	}
	if (kindCarried || in.FollowUp || short) && !in.Window.Said() && !prev.Since.IsZero() {
		in.Window = Window{Since: prev.Since, Until: prev.Until}
	}
}

// short reports whether the message is a word or two with no service, time or host in it
// ("cpu?", "why", "logs", "history"): in a conversation, such a message is about what was just discussed.
func (tr *turnState) short() bool {
	switch tr.in.Kind {
	case KindFigures, KindWhy, KindLogs, KindUptime, KindHistory:
		return len(tokenize(tr.message)) <= 2 && !tr.in.Host && !tr.in.Window.Said() &&
			len(tr.in.Services) == 0 && len(tr.in.Ambiguous) == 0 && len(tr.in.Unknown) == 0
	}
	return false
}

// fitting keeps, for a figures question, the services that have one of the figures asked
// ("load?" after a question about a process is about the host, not the process).
func (tr *turnState) fitting(services []string) []string {
	if tr.in.Kind != KindFigures || len(tr.in.Figures) == 0 {
		return services
	}
	return slices.DeleteFunc(services, func(s string) bool {
		c, ok := tr.service(s)
		return !ok || !slices.ContainsFunc(tr.in.Figures, func(f trend.Figure) bool {
			return slices.Contains(trend.For(c.Snapshot.Type), f)
		})
	})
}

// previous is the latest earlier turn with an intent worth carrying (not help, an action, a
// refusal or a question Mother did not understand).
func (tr *turnState) previous() (engine.Turn, bool) {
	for i := len(tr.past) - 1; i >= 0; i-- {
		if inherits(Kind(tr.past[i].Intent)) {
			return tr.past[i], true
		}
	}
	return engine.Turn{}, false
}

// lastServices are the services of the latest earlier turn that had any.
func (tr *turnState) lastServices() []string {
	for i := len(tr.past) - 1; i >= 0; i-- {
		if len(tr.past[i].Services) > 0 {
			return tr.past[i].Services
		}
	}
	return nil
}

// inherits reports whether a later message may take over this intent.
func inherits(k Kind) bool {
	switch k {
	case KindStatus, KindHistory, KindLogs, KindWhy, KindChanges, KindFigures, KindUptime, KindAudit:
		return true
	}
	return false
}

// counted reports whether an intent reads a count ("the last 3" failures, log lines, audit
// rows); a count alone after another intent asks for the history.
func counted(k Kind) bool {
	switch k {
	case KindHistory, KindLogs, KindChanges, KindAudit:
		return true
	}
	return false
}

// carries reports whether an intent may take over the services of the previous turn: not
// the overview of changes, the approvals, the audit, help or a refusal.
func carries(k Kind) bool {
	switch k {
	case KindStatus, KindHistory, KindLogs, KindWhy, KindFigures, KindUptime, KindAction:
		return true
	}
	return false
}

// needsService reports whether an intent is about one service, so a message without one
// means the service discussed before.
func needsService(k Kind) bool {
	switch k {
	case KindWhy, KindLogs, KindAction, KindUptime:
		return true
	}
	return false
}

// statusAsked reports whether the message itself asks for a status ("and is nginx up?").
func (tr *turnState) statusAsked() bool { return statusCue(tokenize(tr.message)) }

// stillKnown keeps the services that still exist.
func (tr *turnState) stillKnown(services []string) []string {
	known := names(tr.services)
	var out []string
	for _, s := range services {
		if slices.Contains(known, s) {
			out = append(out, s)
		}
	}
	return out
}
