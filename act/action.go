package act

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// ErrRefused is wrapped by every error that refuses an action before anything runs.
var ErrRefused = errors.New("action refused")

// Name is a whitelisted action name such as "systemctl_restart".
type Name string

// The whitelist.
const (
	SystemctlRestart Name = "systemctl_restart"
	SystemctlStart   Name = "systemctl_start"
	SystemctlStop    Name = "systemctl_stop"
	SystemctlStatus  Name = "systemctl_status"
	MonitMonitor     Name = "monit_monitor"
	MonitUnmonitor   Name = "monit_unmonitor"
	MonitStart       Name = "monit_start"
	MonitStop        Name = "monit_stop"
	MonitRestart     Name = "monit_restart"
	JournalctlView   Name = "journalctl_view"
)

// kind says which argv template an action uses and what target it needs.
type kind int

const (
	kindSystemctl kind = iota + 1 // needs a mapped unit
	kindMonit                     // needs a Monit service seen in the snapshots
	kindJournal                   // needs a mapped unit; read-only
)

type spec struct {
	kind kind
	verb string // the word placed in the argv: "restart", "monitor", …
}

// lookup is the whitelist as data: action name -> argv template.
func lookup(n Name) (spec, bool) {
	switch n {
	case SystemctlRestart, SystemctlStart, SystemctlStop, SystemctlStatus:
		return spec{kindSystemctl, strings.TrimPrefix(string(n), "systemctl_")}, true
	case MonitMonitor, MonitUnmonitor, MonitStart, MonitStop, MonitRestart:
		return spec{kindMonit, strings.TrimPrefix(string(n), "monit_")}, true
	case JournalctlView:
		return spec{kindJournal, ""}, true
	}
	return spec{}, false
}

// Names returns the whitelist, sorted.
func Names() []Name {
	names := []Name{
		SystemctlRestart, SystemctlStart, SystemctlStop, SystemctlStatus,
		MonitMonitor, MonitUnmonitor, MonitStart, MonitStop, MonitRestart,
		JournalctlView,
	}
	sort.Slice(names, func(i, j int) bool { return names[i] < names[j] })
	return names
}

// IsAllowed reports whether name is a whitelisted action name, exactly (case-sensitive).
func IsAllowed(name string) bool {
	_, ok := lookup(Name(name))
	return ok
}

// Targets is what the caller knows about: the Monit services seen in snapshots, and the
// systemd unit configured for a Monit service (actions.units).
type Targets struct {
	Services map[string]bool
	Units    map[string]string
	// Host is the Monit host the services are on, named in refusals.
	Host string
	// Remote marks another machine's Monit: only Monit actions reach it (through its HTTP
	// interface); systemctl and journalctl run on this machine only, and Units, which map this
	// machine's units, are not read.
	Remote bool
}

// Command is a resolved action, ready for approval and Run.
type Command struct {
	Action  Name
	Service string // the Monit service the action is about
	Unit    string // the systemd unit, for systemctl and journalctl actions
	// Argv is the exact argument vector shown to the user, audited and run. For Monit
	// actions it is the CLI equivalent of the HTTP call Run makes first (and the fallback).
	Argv []string
	// Display is Argv quoted for reading, e.g. "systemctl restart nordvpnd.service"; for
	// another host's Monit it says how the action gets there: "monit restart web (beta's
	// Monit HTTP interface, https://10.0.0.2:2812)", without credentials.
	Display string
}

// Resolve turns a requested action (a whitelisted name or a short verb) and a target into a
// Command. Every error wraps ErrRefused and says why.
//
// Short verbs: restart, start, stop and status become systemctl_* when the service has a unit
// mapped, else monit_* (Monit has no status action, so "status" needs a unit); monitor and
// unmonitor become monit_*; logs and journal become journalctl_view. The service may also
// be given as a unit that actions.units maps to.
func Resolve(action, service string, t Targets, opts Options) (Command, error) {
	if t.Remote {
		if err := localOnly(action, service, t.Host); err != nil {
			return Command{}, err
		}
		t.Units = nil
	}
	svc, unit, mapped := t.unitFor(service)
	name, err := resolveName(action, mapped)
	if err != nil {
		return Command{}, err
	}
	sp, _ := lookup(name)
	if err := checkService(service); err != nil {
		return Command{}, err
	}
	c := Command{Action: name, Service: svc}
	switch sp.kind {
	case kindSystemctl, kindJournal:
		if !mapped {
			return Command{}, fmt.Errorf("%w: %s needs a systemd unit, and none is mapped to %s in actions.units",
				ErrRefused, name, quote(service))
		}
		if err := CheckUnit(unit); err != nil {
			return Command{}, fmt.Errorf("%w (mapped to %s in actions.units)", err, quote(svc))
		}
		if err := checkService(svc); err != nil { // svc differs when service named the unit
			return Command{}, err
		}
		c.Unit = unit
	case kindMonit:
		if !t.Services[service] {
			if t.Host != "" {
				return Command{}, fmt.Errorf("%w: unknown Monit service %s on host %s (not in its latest status)",
					ErrRefused, quote(service), quote(t.Host))
			}
			return Command{}, fmt.Errorf("%w: unknown Monit service %s (not seen in any snapshot)", ErrRefused, quote(service))
		}
		c.Service = service
	}
	c.Argv = argv(sp, c, opts.withDefaults())
	c.Display = display(c.Argv)
	if opts.MonitRemote && sp.kind == kindMonit {
		c.Display += remoteVia(opts)
	}
	return c, nil
}

// localOnly refuses, on another host, the actions that run on this machine only: systemctl
// and journalctl (and the verbs status, logs and journal that become them).
func localOnly(action, service, host string) error {
	sp, ok := lookup(Name(action))
	switch {
	case ok && sp.kind == kindMonit:
		return nil
	case ok, action == "status", action == "logs", action == "journal":
		return fmt.Errorf("%w: %s is local-only (systemd, the journal and logs are this machine's), and %s is on host %s, "+
			"another machine: only Monit actions (start, stop, restart, monitor, unmonitor) reach it, through its Monit",
			ErrRefused, quote(action), quote(service), quote(host))
	}
	return nil
}

// unitFor finds the unit for service: either service is a key of Units, or it is a unit that
// Units maps some service to (the first such service in sorted order is reported).
func (t Targets) unitFor(service string) (svc, unit string, ok bool) {
	if u, ok := t.Units[service]; ok {
		return service, u, true
	}
	keys := make([]string, 0, len(t.Units))
	for k, u := range t.Units {
		if u == service {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return service, "", false
	}
	sort.Strings(keys)
	return keys[0], service, true
}

// resolveName maps a whitelisted name or a short verb to a Name.
func resolveName(action string, hasUnit bool) (Name, error) {
	if IsAllowed(action) {
		return Name(action), nil
	}
	switch action {
	case "restart", "start", "stop":
		if hasUnit {
			return Name("systemctl_" + action), nil
		}
		return Name("monit_" + action), nil
	case "status":
		if hasUnit {
			return SystemctlStatus, nil
		}
		return "", fmt.Errorf("%w: status needs a systemd unit mapped in actions.units (Monit has no status action)", ErrRefused)
	case "monitor", "unmonitor":
		return Name("monit_" + action), nil
	case "logs", "journal":
		return JournalctlView, nil
	}
	if low := strings.ToLower(action); low != action && (IsAllowed(low) || isShortVerb(low)) {
		return "", fmt.Errorf("%w: unknown action %s (names are case-sensitive; did you mean %q?)", ErrRefused, quote(action), low)
	}
	return "", fmt.Errorf("%w: unknown action %s; allowed: %s, or the verbs restart, start, stop, status, monitor, unmonitor, logs",
		ErrRefused, quote(action), joinNames(Names()))
}

func isShortVerb(s string) bool {
	switch s {
	case "restart", "start", "stop", "status", "monitor", "unmonitor", "logs", "journal":
		return true
	}
	return false
}

func joinNames(ns []Name) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = string(n)
	}
	return strings.Join(s, ", ")
}

// quote renders untrusted text for an error message: Go-quoted (control characters escaped)
// and cut to 64 bytes so a huge name does not flood logs.
func quote(s string) string {
	const max = 64
	if len(s) > max {
		return strconv.Quote(s[:max]) + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return strconv.Quote(s)
}
