package mother

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"monit-intel/engine"
	enginefleet "monit-intel/engine/fleet"
	"monit-intel/logs"
)

// KindWhichHost is a turn that asks back: a service named in it is on several hosts and the
// message did not say which ("restart job" with job on alpha and gamma).
const KindWhichHost Kind = "which_host"

// scopeHost reads "on HOST" (or "on host HOST") for a known host: the turn then sees that
// host's services only, and the phrase is taken out of the message so that the host's name
// is not read as a service.
func (tr *turnState) scopeHost() {
	hosts := tr.knownHosts()
	if len(hosts) < 2 {
		return
	}
	for _, h := range hosts {
		re := regexp.MustCompile(`(?i)\bon\s+(?:host\s+)?` + regexp.QuoteMeta(h) + `\b`)
		if !re.MatchString(tr.message) {
			continue
		}
		tr.message = strings.TrimSpace(re.ReplaceAllString(tr.message, ""))
		tr.scopeTo(h)
		return
	}
}

// scopeTo makes the turn see one host's services only.
func (tr *turnState) scopeTo(h string) {
	tr.host = h
	tr.services = tr.servicesOn(h)
}

func (tr *turnState) servicesOn(h string) []engine.Classified {
	var out []engine.Classified
	for _, c := range tr.services {
		if c.Snapshot.Host == h {
			out = append(out, c)
		}
	}
	return out
}

// knownHosts are the hosts of the services, in the board's order.
func (tr *turnState) knownHosts() []string {
	var hosts []string
	for _, c := range tr.services {
		if !slices.Contains(hosts, c.Snapshot.Host) {
			hosts = append(hosts, c.Snapshot.Host)
		}
	}
	return hosts
}

// answerWhichHost reads the answer to Mother's question which host: a message that is only a
// host's name ("web2", "on web2", "host web2.") asks the question of that turn again, on
// that host.
func (tr *turnState) answerWhichHost() {
	if len(tr.past) == 0 || Kind(tr.past[len(tr.past)-1].Intent) != KindWhichHost {
		return
	}
	said := strings.Fields(strings.Trim(strings.ToLower(tr.message), " \t.!?,;:"))
	if len(said) > 0 && said[0] == "on" {
		said = said[1:]
	}
	if len(said) > 0 && said[0] == "host" {
		said = said[1:]
	}
	if len(said) != 1 {
		return
	}
	for _, h := range tr.knownHosts() {
		if strings.EqualFold(h, said[0]) {
			tr.message = tr.past[len(tr.past)-1].Query + " on " + h
			return
		}
	}
}

// carryHost scopes a follow-up that names no host to the one host of the previous turn that
// had any ("why is nginx failing on web2?" then "show me its logs"), unless a service it
// names is not on that host.
func (tr *turnState) carryHost() {
	if tr.host != "" {
		return
	}
	var prev []string
	for i := len(tr.past) - 1; i >= 0 && prev == nil; i-- {
		prev = tr.past[i].Hosts
	}
	if len(prev) != 1 {
		return
	}
	on := tr.servicesOn(prev[0])
	if len(on) == 0 || len(on) == len(tr.services) {
		return // the host is gone, or it is the only one: nothing to scope
	}
	for _, name := range append(slices.Clone(tr.in.Services), tr.in.Ambiguous...) {
		if !slices.ContainsFunc(on, func(c engine.Classified) bool { return c.Snapshot.Name == name }) {
			return
		}
	}
	tr.scopeTo(prev[0])
}

// hosts are the hosts a turn is about: the one it is scoped to, else those of its services.
func (tr *turnState) hosts(services []string) []string {
	if tr.host != "" {
		return []string{tr.host}
	}
	var out []string
	for _, c := range tr.services {
		if slices.Contains(services, c.Snapshot.Name) && !slices.Contains(out, c.Snapshot.Host) {
			out = append(out, c.Snapshot.Host)
		}
	}
	slices.Sort(out)
	return out
}

// logsOf reads a service's log lines of w, when its logs are on this machine.
func (tr *turnState) logsOf(ctx context.Context, c engine.Classified, w Window) (logs.Result, error) {
	if tr.m.opts.LocalHost != nil {
		if err := enginefleet.LogsHere(tr.m.opts.LocalHost(), c.Snapshot.Host, c.Snapshot.Name); err != nil {
			return logs.Result{}, err
		}
	}
	return tr.m.data.Logs(ctx, c.Snapshot.Name, 0, w.Since, w.Until)
}

// hostEvents keeps the events of the turn's host, all of them when it has none.
func (tr *turnState) hostEvents(events []engine.Event) []engine.Event {
	if tr.host == "" {
		return events
	}
	return slices.DeleteFunc(events, func(e engine.Event) bool { return e.Host != tr.host })
}

// whichHost returns the question to ask when a service the message names is on several
// hosts and no host was said; "" when there is none.
func (tr *turnState) whichHost() string {
	if tr.host != "" {
		return ""
	}
	for _, name := range tr.in.Services {
		var on []string
		for _, c := range tr.services {
			if c.Snapshot.Name == name {
				on = append(on, c.Snapshot.Host)
			}
		}
		if len(on) > 1 {
			said := strings.TrimSpace(tr.message)
			ask := strings.TrimRight(said, " ?!.")
			return fmt.Sprintf("%s is on several hosts: %s. Which one? Say \"%s on %s%s\" or just \"%s\", for example.\n",
				name, strings.Join(on, ", "), ask, on[0], said[len(ask):], on[0])
		}
	}
	return ""
}
