package mother

import (
	"fmt"
	"strings"
	"time"

	"monit-intel/engine"
)

// The facts of an answer are rendered here, from the data alone: every number, time and
// count a person reads in an answer comes from these functions, never from the model.

// stamp formats a time in the clock's location, to the minute.
func stamp(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.In(now.Location()).Format("2006-01-02 15:04")
}

// statusLine is one service's state: "nordvpn_status (process): failing (Connection failed)
// since 2026-11-23 14:02, 5 failures recorded; checked 2026-11-23 14:05". In a fleet (several
// hosts) it names the host: "job on beta (program): failing …".
func statusLine(c engine.Classified, now time.Time, fleet bool) string {
	s, st := c.Snapshot, c.State
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): ", serviceName(c, fleet), s.Type)
	switch {
	case s.Monitor == 0:
		b.WriteString("not monitored")
	case s.Failing():
		fmt.Fprintf(&b, "failing (%s)", show(s.StatusText()))
		for _, t := range s.FailedTests() {
			fmt.Fprintf(&b, ", %s", show(t.Result()))
		}
		if !st.Since.IsZero() {
			fmt.Fprintf(&b, " since %s", stamp(st.Since, now))
		}
	case s.ChangedBits() != 0:
		fmt.Fprintf(&b, "OK (%s)", show(s.StatusText()))
	default:
		b.WriteString("OK")
		if s.Monitor&(engine.MonitorInit|engine.MonitorWaiting) != 0 {
			fmt.Fprintf(&b, " (%s)", strings.ToLower(s.Monitor.Text()))
		}
	}
	if st.Failures > 0 {
		fmt.Fprintf(&b, ", %s recorded", plural(st.Failures, "failure"))
	}
	fmt.Fprintf(&b, "; checked %s", stamp(s.CollectedAt, now))
	return b.String()
}

// serviceName is a service's name, with its host in a fleet: "web on beta"; a service named
// like its host (the host's system check) is named once: "beta".
func serviceName(c engine.Classified, fleet bool) string {
	if fleet && c.Snapshot.Name != c.Snapshot.Host {
		return show(c.Snapshot.Name) + " on " + show(c.Snapshot.Host)
	}
	return show(c.Snapshot.Name)
}

// hostCount is how many hosts the services are on.
func hostCount(cs []engine.Classified) int {
	hosts := map[string]bool{}
	for _, c := range cs {
		hosts[c.Snapshot.Host] = true
	}
	return len(hosts)
}

// servicesText is "9 services", or "9 services on 3 hosts" in a fleet.
func servicesText(n, hosts int) string {
	if hosts > 1 {
		return plural(n, "service") + " on " + plural(hosts, "host")
	}
	return plural(n, "service")
}

// overview counts the services and lists the failing ones; in a fleet it counts the hosts
// and names each failing service's host. fleet says the whole fleet has several hosts, when
// cs is one host's services.
func overview(cs []engine.Classified, now time.Time, fleet bool) string {
	var b strings.Builder
	var failing, unmonitored []engine.Classified
	for _, c := range cs {
		switch {
		case c.Snapshot.Monitor == 0:
			unmonitored = append(unmonitored, c)
		case c.Snapshot.Failing():
			failing = append(failing, c)
		}
	}
	if len(cs) == 0 {
		return "No services known yet: monit-intel has not read Monit's status.\n"
	}
	ok := len(cs) - len(failing) - len(unmonitored)
	hosts := hostCount(cs)
	counted := servicesText(len(cs), hosts)
	if fleet && hosts == 1 {
		counted += " on " + show(cs[0].Snapshot.Host)
	}
	fleet = fleet || hosts > 1
	fmt.Fprintf(&b, "%s: %d OK, %d failing", counted, ok, len(failing))
	if len(unmonitored) > 0 {
		fmt.Fprintf(&b, ", %d not monitored", len(unmonitored))
	}
	b.WriteString(".\n")
	for _, c := range failing {
		b.WriteString("  " + statusLine(c, now, fleet) + "\n")
	}
	for _, c := range unmonitored {
		b.WriteString("  " + statusLine(c, now, fleet) + "\n")
	}
	return b.String()
}

// eventLine is one failure event: "2026-11-23 14:02  NEW        Connection failed".
func eventLine(e engine.Event, now time.Time, label eventLabel) string {
	svc := ""
	switch label {
	case labelService:
		svc = show(e.Service) + "  "
	case labelHost:
		svc = show(e.Service) + " on " + show(e.Host) + "  "
	}
	return fmt.Sprintf("%s  %s%-9s  %s", stamp(e.At, now), svc, e.Kind, show(e.Detail))
}

// eventLabel is what an event line names besides the event: nothing (in a list of one
// service's events), the service, or the service and its host (a list across hosts).
type eventLabel int

const (
	labelNone eventLabel = iota
	labelService
	labelHost
)

// labelOf is the label of a list of events of several services: with their hosts when the
// list spans more than one.
func labelOf(events []engine.Event) eventLabel {
	for _, e := range events {
		if e.Host != events[0].Host {
			return labelHost
		}
	}
	return labelService
}

// countKinds counts failures (NEW events) and recoveries. CHANGED and any other kind of event
// (Monit's own "changed" conditions, unmonitoring) are listed but count as neither.
func countKinds(es []engine.Event) (failures, recoveries int) {
	for _, e := range es {
		switch e.Kind {
		case engine.StateRecovered:
			recoveries++
		case engine.StateNew:
			failures++
		}
	}
	return failures, recoveries
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// orList joins names for a question: "a, b or c".
func orList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = show(n)
	}
	if len(quoted) <= 1 {
		return strings.Join(quoted, "")
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
}

// helpText is the answer to "help".
func helpText(known, hosts int) string {
	return fmt.Sprintf(`I answer questions about the %s monit-intel watches, from its data:
  status                          how every service is (or: is nginx ok?)
  why is system_backup failing?   the rules' findings, stored analyses and logs, explained
  show me the last 5 failures of nordvpn_status
  show logs for gamma_conn        the last log lines (secrets redacted)
  what changed since yesterday?   failure events of every service
  restart nordvpnd                a proposal that runs only after you approve it
Service names may be written loosely: "nordvpn status", "backup", a unit name, a typo.
`, servicesText(known, hosts))
}

// suggestions are the known names close to an unknown word, for "did you mean": the whole
// word within three edits, or one of its words within two edits of a name or one of a name's
// words ("nginz_proxy" suggests nginx).
func suggestions(word string, known []string) []string {
	var out []string
	w := joined(word)
	for _, k := range known {
		low := strings.ToLower(k)
		if distance(w, joined(low), 3) >= 0 || closeWord(word, low) {
			out = append(out, k)
		}
	}
	return out
}

func closeWord(word, name string) bool {
	for _, p := range parts(word) {
		if len(p) < 3 {
			continue
		}
		if distance(p, joined(name), 2) >= 0 {
			return true
		}
		for _, np := range parts(name) {
			if len(np) >= 4 && distance(p, np, 1) >= 0 {
				return true
			}
		}
	}
	return false
}

// unknownNote says which words name no service, with the closest names.
func unknownNote(unknown, known []string) string {
	var b strings.Builder
	for _, u := range unknown {
		fmt.Fprintf(&b, "I know no service called %q.", show(u))
		if s := suggestions(u, known); len(s) > 0 {
			fmt.Fprintf(&b, " Did you mean %s?", orList(s))
		}
		b.WriteString("\n")
	}
	if len(known) > 0 && len(known) <= 30 {
		fmt.Fprintf(&b, "Known services: %s.\n", strings.Join(showAll(known), ", "))
	}
	return b.String()
}

func showAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = show(n)
	}
	return out
}
