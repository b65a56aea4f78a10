package mother

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"monit-intel/engine"
)

// action turns an operator's request into a proposal. With the approval flow configured the
// reply says what really happened: proposed (with the command that will run), refused (and
// why), or already waiting (an identical pending proposal is reused, not made again). The
// parts of the message that were not read are named, so nothing is silently dropped.
func (tr *turnState) action(ctx context.Context, in Intent) answer {
	switch {
	case len(in.Services) == 0:
		return answer{facts: fmt.Sprintf("Which service should I %s? Name exactly one.\n", show(in.Verb))}
	case len(in.Services) > 1:
		return answer{facts: fmt.Sprintf("One service at a time: which one should I %s, %s?\n",
			show(in.Verb), orList(in.Services)), services: in.Services}
	}
	svc := in.Services[0]
	asked := engine.SuggestedAction{Action: in.Verb, Host: tr.hostOf(svc), Service: svc}
	a := answer{services: in.Services, proposed: []engine.SuggestedAction{asked}}
	actions := tr.m.opts.Actions
	if actions == nil {
		target := show(svc)
		if asked.Host != "" && tr.fleet {
			target += " on host " + show(asked.Host)
		}
		if u := tr.m.opts.Units[svc]; u != "" {
			target = fmt.Sprintf("%s (systemd unit %s)", target, show(u))
		}
		a.facts = fmt.Sprintf("Asked for: %s %s. It becomes a proposal only once the approval flow accepts it; nothing runs until you approve it.\n",
			show(in.Verb), target)
		return a
	}
	if p, ok := tr.samePending(ctx, actions, asked); ok {
		a.proposals = []engine.Proposal{p}
		a.facts = fmt.Sprintf("Already waiting for your approval: %s%s (proposal %s, expires %s). I did not propose it again.\n",
			show(p.Command), tr.onHost(p), show(p.ID), stamp(p.ExpiresAt, tr.now))
		return a
	}
	p, err := actions.Propose(ctx, asked, engine.SourceUser, "mother")
	if err != nil {
		a.refused = []string{err.Error()}
		a.facts = fmt.Sprintf("Refused: %s %s. %s. Nothing was proposed and nothing ran.\n", show(in.Verb), show(svc),
			show(strings.TrimPrefix(err.Error(), "propose: ")))
		return a
	}
	a.proposals = []engine.Proposal{p}
	a.facts = fmt.Sprintf("Proposed: %s%s (proposal %s, expires %s). Nothing runs until you approve it.\n",
		show(p.Command), tr.onHost(p), show(p.ID), stamp(p.ExpiresAt, tr.now))
	return a
}

// samePending finds a pending proposal for the same action on the same service. The verb
// ("restart") matches the whitelisted name it resolves to (systemctl_restart, monit_restart).
func (tr *turnState) samePending(ctx context.Context, actions Actions, asked engine.SuggestedAction) (engine.Proposal, bool) {
	pending, err := actions.Pending(ctx)
	if err != nil {
		return engine.Proposal{}, false // Propose reports the store's trouble
	}
	for _, p := range pending {
		if p.Service != asked.Service || (asked.Host != "" && p.Host != "" && p.Host != asked.Host) {
			continue
		}
		if p.Action == asked.Action || p.Action == "systemctl_"+asked.Action || p.Action == "monit_"+asked.Action {
			return p, true
		}
	}
	return engine.Proposal{}, false
}

// pending lists the proposals waiting for a person's approval.
func (tr *turnState) pending(ctx context.Context) answer {
	actions := tr.m.opts.Actions
	if actions == nil {
		return answer{facts: "Nothing is waiting: actions are not configured, so nothing can be proposed.\n"}
	}
	ps, err := actions.Pending(ctx)
	if err != nil {
		return answer{facts: fmt.Sprintf("Pending proposals unavailable: %s\n", show(err.Error()))}
	}
	if len(ps) == 0 {
		return answer{facts: "Nothing is waiting for your approval.\n"}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s waiting for your approval, oldest first:\n", plural(len(ps), "proposal"))
	for _, p := range ps {
		fmt.Fprintf(&b, "  %s  %s%s  (%s, expires %s)\n", show(p.ID), show(p.Command), tr.onHost(p), show(p.Source), stamp(p.ExpiresAt, tr.now))
	}
	return answer{facts: b.String()}
}

// maxAuditRows bounds the audit rows read for one answer.
const maxAuditRows = 500

// audit lists what was proposed, approved, refused and run in the window (default today).
func (tr *turnState) audit(ctx context.Context, in Intent) answer {
	w := in.Window
	if !w.Said() {
		w = Window{Since: midnight(tr.now, 0), Until: tr.now}
	}
	rows, err := tr.m.data.Audit(ctx, maxAuditRows)
	if err != nil {
		return answer{facts: fmt.Sprintf("The audit log is unavailable: %s\n", show(err.Error()))}
	}
	var b strings.Builder
	var lines []string
	for _, e := range rows {
		if !w.Contains(e.At) || (len(in.Services) > 0 && !slices.Contains(in.Services, e.Service)) {
			continue
		}
		line := fmt.Sprintf("  %s  %-8s  %s %s", stamp(e.At, tr.now), e.Result, show(e.Action), show(e.Service))
		if e.Host != "" {
			line += " on " + show(e.Host)
		}
		if e.Error != "" {
			line += ": " + show(e.Error)
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		fmt.Fprintf(&b, "Nothing in the audit log %s: I proposed nothing and nothing ran.\n", windowText(w, tr.now))
		return answer{facts: b.String(), window: w}
	}
	fmt.Fprintf(&b, "Audit log %s (%s, newest first; I only propose, a person approves):\n", windowText(w, tr.now), plural(len(lines), "row"))
	b.WriteString(strings.Join(lines, "\n") + "\n")
	return answer{facts: b.String(), window: w, services: in.Services}
}

// hostOf is the host of a service the turn sees, from the data: the host the message named
// ("on HOST" scopes the turn to it), else the one host that has the service. "" when no
// host, or several, have it (the approval flow then refuses or finds it).
func (tr *turnState) hostOf(service string) string {
	host := ""
	for _, c := range tr.services {
		if c.Snapshot.Name != service {
			continue
		}
		if host != "" && host != c.Snapshot.Host {
			return ""
		}
		host = c.Snapshot.Host
	}
	return host
}

// onHost names a proposal's host when the turn is about a fleet (a host was named, or the
// services are on several hosts); one host needs no name.
func (tr *turnState) onHost(p engine.Proposal) string {
	if p.Host == "" {
		return ""
	}
	fleet := tr.host != ""
	for _, c := range tr.services {
		fleet = fleet || c.Snapshot.Host != p.Host
	}
	if !fleet {
		return ""
	}
	return " on host " + show(p.Host)
}
