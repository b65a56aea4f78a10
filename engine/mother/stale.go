package mother

import (
	"fmt"
	"slices"
	"strings"

	"monit-intel/engine"
	enginefleet "monit-intel/engine/fleet"
)

// staleOf returns the silent host named h.
func (tr *turnState) staleOf(h string) (enginefleet.Host, bool) {
	i := slices.IndexFunc(tr.stale, func(s enginefleet.Host) bool { return s.Name == h })
	if i < 0 {
		return enginefleet.Host{}, false
	}
	return tr.stale[i], true
}

// staleNote says which of the hosts an answer is about went silent, and that what the answer
// shows of them is their last report: "alpha is silent since 2026-11-25 14:00 (STALE): its
// figures are its last report, of 2026-11-25 13:50.". "" when none is.
func (tr *turnState) staleNote(hosts []string) string {
	var b strings.Builder
	for _, h := range hosts {
		s, ok := tr.staleOf(h)
		if !ok {
			continue
		}
		since := s.StaleSince
		if since.IsZero() {
			since = s.LastSeen
		}
		fmt.Fprintf(&b, "%s is silent since %s (STALE): what is shown of it is its last report, of %s, not now.\n",
			show(h), stamp(since, tr.now), stamp(s.LastSeen, tr.now))
	}
	return b.String()
}

// staleHosts are the hosts an answer is about that the stale note looks at: the turn's host,
// else those of the services it showed, else (an overview, a fleet's history) every host.
func (tr *turnState) staleHosts(a answer) []string {
	switch tr.in.Kind {
	case KindUnknown, KindCannot, KindHelp, KindAudit, KindPending:
		return nil
	}
	if tr.host != "" {
		return []string{tr.host}
	}
	if len(a.services) > 0 {
		return tr.hosts(a.services)
	}
	return tr.knownHosts()
}

// nowLabel labels a service's current figures: "now", or "last report" when its host is
// silent.
func (tr *turnState) nowLabel(c engine.Classified) string {
	if _, ok := tr.staleOf(c.Snapshot.Host); ok {
		return "last report"
	}
	return "now"
}
