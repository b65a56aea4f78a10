package mother

import "context"

// gatherHosts gathers the answer of the turn; a message that named several hosts ("restart
// web on alpha and beta", "why is web failing on gamma and beta?") gets the answer on each of
// them in the order named, one after the other: a read for each, a proposal for each.
func (tr *turnState) gatherHosts(ctx context.Context) answer {
	if len(tr.named) < 2 {
		return tr.gather(ctx)
	}
	all := tr.services
	defer func() { tr.services, tr.host = all, "" }()
	var out answer
	for _, h := range tr.named {
		tr.services = all
		tr.scopeTo(h)
		out = merged(out, tr.gather(ctx))
	}
	return out
}

// merged joins the answers of two hosts.
func merged(a, b answer) answer {
	if a.modelFacts != "" || b.modelFacts != "" {
		a.modelFacts = or(a.modelFacts, a.facts) + or(b.modelFacts, b.facts)
	}
	a.facts += b.facts
	a.sections = append(a.sections, b.sections...)
	a.logs = append(a.logs, b.logs...)
	for _, s := range b.services {
		a.services = appendNew(a.services, s)
	}
	a.proposed = append(a.proposed, b.proposed...)
	a.proposals = append(a.proposals, b.proposals...)
	a.refused = append(a.refused, b.refused...)
	if !a.window.Said() {
		a.window = b.window
	}
	a.prose = a.prose || b.prose
	a.task = or(a.task, b.task)
	return a
}

func or(s, alt string) string {
	if s != "" {
		return s
	}
	return alt
}
