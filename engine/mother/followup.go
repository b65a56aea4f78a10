package mother

import (
	"slices"

	"monit-intel/engine"
)

// followUp carries the context of the previous turns into a message that leaves it out:
// "and why?" asks why about the service just discussed, "show me the last 3" repeats the
// last intent with a count, "ok restart that one" names the service of the previous turn,
// "what about nginx?" asks the last question of another service. A carried intent or
// service brings the previous window with it when the message sets none.
func (tr *turnState) followUp() {
	prev, ok := tr.previous()
	if !ok {
		return
	}
	in := &tr.in
	named := len(in.Services) > 0 || len(in.Ambiguous) > 0 || len(in.Unknown) > 0
	carried := false
	switch {
	case in.Kind == KindUnknown && (in.FollowUp || in.Count > 0 || in.Window.Said() || in.Refers || named):
		in.Kind, carried = Kind(prev.Intent), true
	case in.Kind == KindStatus && named && in.FollowUp && !tr.statusAsked():
		in.Kind, carried = Kind(prev.Intent), true
	case in.Kind == KindChanges && !named && in.FollowUp && inherits(Kind(prev.Intent)):
		in.Kind, carried = Kind(prev.Intent), true // "and yesterday?"
	}
	if !named && (needsService(in.Kind) || in.Refers || in.FollowUp || carried) {
		if still := tr.stillKnown(prev.Services); len(still) > 0 {
			in.Services, in.Unknown, carried = still, nil, true
		}
	}
	if (carried || in.FollowUp) && !in.Window.Said() && !prev.Since.IsZero() {
		in.Window = Window{Since: prev.Since, Until: prev.Until}
	}
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

// inherits reports whether a later message may take over this intent.
func inherits(k Kind) bool {
	switch k {
	case KindStatus, KindHistory, KindLogs, KindWhy, KindChanges, KindFigures, KindUptime, KindAudit:
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
func (tr *turnState) statusAsked() bool {
	ts := tokenize(tr.message)
	return slices.ContainsFunc(ts, func(t token) bool { return statusWords[t.text] || troubleWords[t.text] })
}

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
