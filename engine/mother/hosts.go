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

// hostLead finds "on HOST" (or "on host HOST", "on hosts A and B"); hostMore a further host
// of the list: ", B", " and B", " and on B", " & B".
var (
	hostLead = regexp.MustCompile(`(?i)\bon\s+(?:the\s+)?(?:hosts?\s+)?(\w(?:[\w.-]*\w)?)`)
	hostMore = regexp.MustCompile(`(?i)^(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)(?:on\s+)?(?:host\s+)?(\w(?:[\w.-]*\w)?)`)
)

// everyHostSaid is "on all hosts", "on every host", "on each of the servers".
var everyHostSaid = regexp.MustCompile(`(?i)\b(?:on|for)\s+(?:all|every|each)\s+(?:of\s+)?(?:the\s+|my\s+)?(?:hosts?|servers?|machines?)\b`)

// scopeHost reads "on HOST" for known hosts: the turn then sees the services of the hosts
// named only ("on alpha and beta" names two), and the phrase is taken out of the message so
// that a host's name is not read as a service. A word after "on" that is no host, service or
// word Mother knows is an unknown host (tr.unknownHost), answered as such.
func (tr *turnState) scopeHost() {
	hosts := tr.knownHosts()
	if len(hosts) < 2 {
		return
	}
	if everyHostSaid.MatchString(tr.message) {
		tr.message = strings.Join(strings.Fields(everyHostSaid.ReplaceAllString(tr.message, "")), " ")
		tr.scopeToHosts(hosts)
		return
	}
	var named []string
	msg := tr.message
	for _, m := range hostLead.FindAllStringSubmatchIndex(msg, -1) {
		first := msg[m[2]:m[3]]
		h, ok := hostNamed(hosts, first)
		if !ok {
			if tr.unknownHost == "" && tr.mayBeHost(first, msg[m[0]:m[2]], msg[m[3]:]) {
				tr.unknownHost = first
			}
			continue
		}
		named = appendNew(named, h)
		end := m[1]
		for {
			more := hostMore.FindStringSubmatchIndex(msg[end:])
			if more == nil {
				break
			}
			w := msg[end+more[2] : end+more[3]]
			h, ok := hostNamed(hosts, w)
			if !ok {
				if tr.unknownHost == "" && tr.mayBeHost(w, "", msg[end+more[3]:]) {
					tr.unknownHost = w // "on beta and delta": beta is answered, delta said to be unknown
				}
				break
			}
			named, end = appendNew(named, h), end+more[1]
		}
		tr.message = strings.Replace(tr.message, msg[m[0]:end], "", 1)
	}
	tr.message = strings.Join(strings.Fields(tr.message), " ")
	switch len(named) {
	case 0:
	case 1:
		tr.scopeTo(named[0])
	default:
		tr.scopeToHosts(named)
	}
}

// hostNamed returns the known host a word names, its case aside.
func hostNamed(hosts []string, w string) (string, bool) {
	i := slices.IndexFunc(hosts, func(h string) bool { return strings.EqualFold(h, w) })
	if i < 0 {
		return "", false
	}
	return hosts[i], true
}

// notHosts are words that follow "on" in a question without naming a host ("on port 80",
// "on the weekend", "on average").
var notHosts = words(`port ports both average weekend weekends schedule boot startup demand purpose call
	hold track loop repeat retry request disk screen top fire`)

// mayBeHost reports whether a word after "on" names a host Mother does not know: said after
// "host", or the last word of the question (time words and the like aside) that is no
// service, alias or word of Mother's ("is web running on delta?", not "on friday", "on nginx",
// "on the weekend" or "on port 80"). lead is the text from "on" to the word, rest what follows.
func (tr *turnState) mayBeHost(w, lead, rest string) bool {
	lead = strings.ToLower(lead)
	if strings.Contains(lead, "host") {
		return true
	}
	low := strings.ToLower(w)
	if strings.Contains(lead, "the") || vocabulary(low) || notHosts[low] ||
		strings.ContainsAny(low, "0123456789") && !containsDigitAndLetter(low) {
		return false
	}
	for _, r := range strings.FieldsFunc(strings.ToLower(rest), func(r rune) bool { return strings.ContainsRune(" \t.!?,;:&", r) }) {
		if _, num := number(r); num || !vocabulary(r) {
			return false
		}
	}
	for _, n := range names(tr.services) {
		if strings.EqualFold(n, w) || slices.ContainsFunc(tr.m.opts.Aliases[n], func(a string) bool { return strings.EqualFold(a, w) }) {
			return false
		}
	}
	return true
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// closeHosts are the hosts a word may be a slip of: one letter off, or two swapped ("alpah");
// host names are short, so "delta" is not "beta".
func closeHosts(word string, hosts []string) []string {
	w := strings.ToLower(word)
	var out []string
	for _, h := range hosts {
		low := strings.ToLower(h)
		if distance(w, low, 1) >= 0 || swapped(w, low) {
			out = append(out, h)
		}
	}
	return out
}

// swapped reports whether a and b differ only by two neighbouring letters swapped.
func swapped(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i+1 < len(a); i++ {
		if a[i] != b[i] {
			return a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
		}
	}
	return false
}

// unknownHostNote answers a message about a host Mother does not know.
func unknownHostNote(word string, hosts []string) string {
	note := fmt.Sprintf("Unknown host %q (the hosts are %s).", show(word), strings.Join(showAll(hosts), ", "))
	if s := closeHosts(word, hosts); len(s) > 0 {
		note += fmt.Sprintf(" Did you mean %s?", orList(s))
	}
	return note + "\n"
}

// scopeTo makes the turn see one host's services only.
func (tr *turnState) scopeTo(h string) {
	tr.host = h
	tr.services = tr.servicesOn(h)
}

// scopeToHosts makes the turn see the services of several hosts, each answered in turn.
func (tr *turnState) scopeToHosts(hosts []string) {
	tr.named = hosts
	var out []engine.Classified
	for _, c := range tr.services {
		if slices.Contains(hosts, c.Snapshot.Host) {
			out = append(out, c)
		}
	}
	tr.services = out
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

// whichWords may surround the host of an answer to Mother's question which host ("the one
// on beta", "host gamma please"); everyHost answers it for every host asked about ("both").
var (
	whichWords = words(`the one ones on host hosts please pls that in at of and for`)
	everyHost  = words(`both all each every everything everywhere them those these`)
)

// answerWhichHost reads the answer to Mother's question which host: a message that names
// only hosts ("web2", "on web2", "the one on beta", "alpha and gamma") asks the question of
// that turn again, on those hosts; "both", "all of them" asks it on every host it was about.
func (tr *turnState) answerWhichHost() {
	if len(tr.past) == 0 || Kind(tr.past[len(tr.past)-1].Intent) != KindWhichHost {
		return
	}
	asked := tr.past[len(tr.past)-1]
	known := tr.knownHosts()
	var hosts []string
	all := false
	for _, w := range strings.FieldsFunc(strings.ToLower(tr.message), func(r rune) bool {
		return strings.ContainsRune(" \t.!?,;:&", r)
	}) {
		h, ok := hostNamed(known, w)
		switch {
		case ok:
			hosts = appendNew(hosts, h)
		case everyHost[w]:
			all = true
		case !whichWords[w]:
			return
		}
	}
	if all && len(hosts) == 0 {
		hosts = slices.DeleteFunc(slices.Clone(asked.Hosts), func(h string) bool { return !slices.Contains(known, h) })
	}
	if len(hosts) > 0 {
		tr.message = asked.Query + " on " + strings.Join(hosts, " and ")
	}
}

// hostFollowUp reads a follow-up that only names another host ("what about beta?", "and
// gamma?") after a question about services on one host as that question on that host, also
// when a service has the host's name (a host's system check is named like it), as long as
// the services are on that host too. The previous question, when it named its host, is
// asked again with the other host.
func (tr *turnState) hostFollowUp() {
	if len(tr.past) == 0 {
		return
	}
	prev := tr.past[len(tr.past)-1]
	if len(prev.Hosts) != 1 || len(prev.Services) == 0 {
		return
	}
	known, host := tr.knownHosts(), ""
	for _, w := range strings.FieldsFunc(strings.ToLower(tr.message), func(r rune) bool {
		return strings.ContainsRune(" \t.!?,;:", r)
	}) {
		h, ok := hostNamed(known, w)
		switch {
		case ok && host == "":
			host = h
		case ok || !followWords[w] && !whichWords[w] && w != "about":
			return
		}
	}
	if host == "" || host == prev.Hosts[0] {
		return
	}
	on := names(tr.servicesOn(host))
	if slices.ContainsFunc(prev.Services, func(s string) bool { return !slices.Contains(on, s) }) {
		return
	}
	re := regexp.MustCompile(`(?i)\bon\s+(?:host\s+)?` + regexp.QuoteMeta(prev.Hosts[0]) + `\b`)
	if re.MatchString(prev.Query) && Kind(prev.Intent) != KindWhichHost {
		tr.message = re.ReplaceAllLiteralString(prev.Query, "on "+host) // "memory of web on gamma": its memory, not every figure
		return
	}
	tr.message = "what about on " + host
}

// carryHost scopes a follow-up that names no host to the host of the previous turn that had
// any ("why is nginx failing on web2?" then "show me its logs"), or to the hosts it named ("why
// is job failing on gamma and beta?" then "show me the last 3"), unless a service it names is
// not on each of them.
func (tr *turnState) carryHost() {
	if tr.host != "" || tr.named != nil {
		return
	}
	var prev engine.Turn
	for i := len(tr.past) - 1; i >= 0 && prev.Hosts == nil; i-- {
		prev = tr.past[i]
	}
	hosts := prev.Hosts
	if len(hosts) > 1 && !namedAll(prev.Query, hosts) {
		return // several hosts because its services were on several: none was named
	}
	in := 0
	for _, h := range hosts {
		on := tr.servicesOn(h)
		if len(on) == 0 {
			return // the host is gone
		}
		for _, name := range append(slices.Clone(tr.in.Services), tr.in.Ambiguous...) {
			if !slices.ContainsFunc(on, func(c engine.Classified) bool { return c.Snapshot.Name == name }) {
				return
			}
		}
		in += len(on)
	}
	switch {
	case len(hosts) == 0 || in == len(tr.services):
		// every host: nothing to scope
	case len(hosts) == 1:
		tr.scopeTo(hosts[0])
	default:
		tr.scopeToHosts(hosts)
	}
}

// namedAll reports whether a message names each of the hosts.
func namedAll(msg string, hosts []string) bool {
	said := strings.FieldsFunc(strings.ToLower(msg), func(r rune) bool { return strings.ContainsRune(" \t.!?,;:&", r) })
	return !slices.ContainsFunc(hosts, func(h string) bool { return !slices.Contains(said, strings.ToLower(h)) })
}

// hosts are the hosts a turn is about: the one it is scoped to, else those of its services.
func (tr *turnState) hosts(services []string) []string {
	if tr.host != "" {
		return []string{tr.host}
	}
	if tr.named != nil {
		return tr.named
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
	if tr.host != "" || tr.named != nil {
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
