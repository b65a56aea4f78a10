package repl

import (
	"fmt"
	"strconv"
	"strings"
)

// stateColor colours a failure state: failing red or yellow, healthy green.
func stateColor(state string) string {
	switch state {
	case "NEW", "ONGOING":
		return ansiRed
	case "CHANGED", "CHANGE_DETECTED", "UNMONITORED", "INITIALIZING":
		return ansiYellow
	case "OK", "RECOVERED", "MONITORED":
		return ansiGreen
	}
	return ""
}

// statusTable prints services; the HOST column appears when there are several hosts (in
// the list, or in the fleet: /failing with failures on one host still says which), MONITOR
// only when some service is not plainly monitored.
func (p *printer) statusTable(sts []ServiceStatus, failingOnly, fleet bool) {
	if len(sts) == 0 {
		if failingOnly {
			p.line("No failing services.")
		} else {
			p.line("No services.")
		}
		return
	}
	hosts, monitor := map[string]bool{}, false
	for _, s := range sts {
		hosts[s.Host] = true
		monitor = monitor || (s.Monitor != "" && s.Monitor != "monitored")
	}
	header := []string{"SERVICE", "TYPE", "STATE", "STATUS", "FAILING FOR", "FAILS"}
	if monitor {
		header = append(header, "MONITOR")
	}
	fleet = fleet || len(hosts) > 1
	if fleet {
		header = append([]string{"HOST"}, header...)
	}
	rows := make([][]cell, 0, len(sts))
	failing := 0
	for _, s := range sts {
		if s.Status != 0 {
			failing++
		}
		r := []cell{plain(s.Service), plain(s.Type), {text: sanitizeLine(s.State), color: stateColor(s.State)},
			plain(s.StatusText), plain(p.age(s.FailingSince)), plain(strconv.Itoa(s.Failures))}
		if monitor {
			r = append(r, plain(s.Monitor))
		}
		if fleet {
			host := cell{text: sanitizeLine(s.Host)}
			if s.HostStale {
				host = cell{text: sanitizeLine(s.Host) + " (STALE)", color: ansiYellow}
			}
			r = append([]cell{host}, r...)
		}
		rows = append(rows, r)
	}
	p.table(header, rows)
	p.note("%s, %d failing", count(len(sts), "service"), failing)
}

// events prints a service's events; the HOST column appears when they are of several hosts
// (a service name several hosts have, asked without a host), or when fleet says the daemon
// watches several and no host was named.
func (p *printer) events(service string, evs []Event, fleet bool) {
	if len(evs) == 0 {
		p.line("No events for " + sanitizeLine(service) + ".")
		return
	}
	hosts := map[string]bool{}
	for _, e := range evs {
		hosts[e.Host] = true
	}
	fleet = fleet || len(hosts) > 1
	header := []string{"AT", "KIND", "DETAIL"}
	if fleet {
		header = append([]string{"HOST"}, header...)
	}
	rows := make([][]cell, 0, len(evs))
	for _, e := range evs {
		r := []cell{plain(p.stamp(e.At)), {text: sanitizeLine(e.Kind), color: stateColor(e.Kind)}, plain(e.Detail)}
		if fleet {
			r = append([]cell{plain(e.Host)}, r...)
		}
		rows = append(rows, r)
	}
	p.table(header, rows)
}

func (p *printer) logs(l Logs) {
	if len(l.Lines) == 0 {
		p.line(fmt.Sprintf("No log lines for %s (%s).", sanitizeLine(l.Service), sanitizeLine(l.Source)))
		return
	}
	p.note("%s · %s · %s", sanitizeLine(l.Service), sanitizeLine(l.Source), count(len(l.Lines), "line"))
	for _, ln := range l.Lines {
		p.line(sanitizeLine(ln))
	}
}

// analyses prints analyses; in a fleet each names its service's host.
func (p *printer) analyses(service string, as []Analysis, fleet bool) {
	if len(as) == 0 {
		p.line("No analysis for " + sanitizeLine(service) + ".")
		return
	}
	for i, a := range as {
		if i > 0 {
			p.line("")
		}
		name := sanitizeLine(a.Service)
		if fleet && a.Host != "" {
			name += " on " + sanitizeLine(a.Host)
		}
		if a.Healthy {
			p.line(name + " is healthy: Monit reports no failure, so there is nothing to analyse.")
			continue
		}
		source := sanitizeLine(a.Source)
		if a.Source == "llm" && a.Model != "" {
			// Only an answer names its model: a rules analysis was written without one.
			source += " (" + sanitizeLine(a.Model) + ")"
		}
		p.line(p.paint(ansiBold, fmt.Sprintf("%s · %s · %s", name, source, p.stamp(a.At))))
		p.line(strings.TrimRight(sanitize(a.Text), "\n"))
	}
}

func (p *printer) proposals(ps []Proposal) {
	if len(ps) == 0 {
		p.line("No pending proposals.")
		return
	}
	rows := make([][]cell, 0, len(ps))
	for _, pr := range ps {
		command := pr.Command
		if pr.Simulated {
			command += " (simulated)"
		}
		rows = append(rows, []cell{plain(pr.ID), plain(pr.Action), plain(pr.Service + onHost(pr)), plain(command),
			plain(p.expiry(pr)), plain(pr.ProposedBy)})
	}
	p.table([]string{"ID", "ACTION", "SERVICE", "COMMAND", "EXPIRES", "BY"}, rows)
}

// expiry says when a proposal expires: "in 4m30s", "expired" or "".
func (p *printer) expiry(pr Proposal) string {
	if pr.ExpiresAt.IsZero() {
		return ""
	}
	left := pr.ExpiresAt.Sub(p.now())
	if left <= 0 {
		return "expired"
	}
	return "in " + shortDuration(left)
}

// proposal prints one proposal offered by a chat answer or /suggest.
func (p *printer) proposal(pr Proposal) {
	head := fmt.Sprintf("Proposal %s: %s %s%s", sanitizeLine(pr.ID), sanitizeLine(pr.Action), sanitizeLine(pr.Service), onHost(pr))
	p.line(p.paint(ansiYellow, head))
	if pr.Command != "" {
		p.line("  command: " + sanitizeLine(pr.Command))
	}
	if pr.Simulated {
		p.line("  simulated: Monit is read from a file, so approving it runs nothing")
	}
	var tail []string
	if e := p.expiry(pr); e != "" {
		tail = append(tail, "expires "+e)
	}
	if pr.ProposedBy != "" {
		tail = append(tail, "proposed by "+sanitizeLine(pr.ProposedBy))
	}
	if len(tail) > 0 {
		p.line("  " + strings.Join(tail, ", "))
	}
}

func (p *printer) execResult(r ExecResult) {
	cmd := sanitizeLine(r.Command)
	if cmd == "" {
		cmd = sanitizeLine(r.ID)
	}
	switch r.Status {
	case "executed":
		color := ansiGreen
		if r.ExitCode != 0 || r.Error != "" {
			color = ansiRed
		}
		p.line(p.paint(color, fmt.Sprintf("executed: %s (exit %d)", cmd, r.ExitCode)))
	case "rejected":
		p.line("rejected: " + sanitizeLine(r.ID))
	case "dry_run":
		p.line("dry run, would run: " + cmd)
	case "simulated":
		p.line(p.paint(ansiYellow, "simulated, nothing ran: "+cmd))
	case "refused":
		p.line(p.paint(ansiRed, "refused: "+cmd))
	default:
		p.line(sanitizeLine(r.Status) + ": " + cmd)
	}
	if out := strings.TrimRight(sanitize(r.Output), "\n"); out != "" {
		p.line(out)
	}
	if r.Error != "" {
		p.line(p.paint(ansiRed, "error: "+sanitizeLine(r.Error)))
	}
}

func (p *printer) audit(es []AuditEntry) {
	if len(es) == 0 {
		p.line("No audit entries.")
		return
	}
	rows := make([][]cell, 0, len(es))
	for _, e := range es {
		result := e.Result
		if e.Simulated {
			result = "simulated, nothing ran"
		}
		if e.Error != "" {
			result += ": " + e.Error
		}
		approved := "no"
		if e.Approved {
			approved = "yes"
		}
		service := e.Service
		if e.Host != "" {
			service += " on " + e.Host
		}
		rows = append(rows, []cell{plain(p.stamp(e.At)), plain(e.Action), plain(service), plain(result),
			plain(approved), plain(e.Source), plain(e.Command)})
	}
	p.table([]string{"AT", "ACTION", "SERVICE", "RESULT", "APPROVED", "BY", "COMMAND"}, rows)
}

func (p *printer) help() {
	p.line("Free text goes to Mother. Ctrl-C cancels an answer; Ctrl-D or /quit leaves.")
	rows := make([][]cell, 0, len(commands))
	for _, c := range commands {
		rows = append(rows, []cell{{text: strings.TrimSpace(c.name + " " + c.usage)}, {text: c.help}})
	}
	p.table([]string{"COMMAND", "WHAT"}, rows)
}

// onHost is " on HOST" for a proposal that names its host, sanitized; "" otherwise.
func onHost(pr Proposal) string {
	if pr.Host == "" {
		return ""
	}
	return " on " + sanitizeLine(pr.Host)
}
