package ui

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	enginefleet "monit-intel/engine/fleet"
)

// Fleet knows every Monit host, pushing or polled, and which are STALE (engine/fleet.Fleet).
type Fleet interface {
	Hosts() []enginefleet.Host
}

// staleHosts are the hosts that are STALE now, by name; empty without a fleet.
func (u *UI) staleHosts() map[string]enginefleet.Host {
	out := map[string]enginefleet.Host{}
	if u.deps.Fleet == nil {
		return out
	}
	for _, h := range u.deps.Fleet.Hosts() {
		if h.Stale {
			out[h.Name] = h
		}
	}
	return out
}

// staleKey names the STALE hosts in one string, to see when the set changes.
func (u *UI) staleKey() string {
	return strings.Join(slices.Sorted(maps.Keys(u.staleHosts())), "\n")
}

// staleBanner says which hosts are silent, in words: what the pages show of them is their
// last report.
func staleBanner(h enginefleet.Host) string {
	return fmt.Sprintf("Host %s is STALE: its Monit has been silent since %s (%s); what is shown of it is its last report.",
		h.Name, stamp(h.LastSeen), ago(h.LastSeen))
}

// knownHosts are the hosts the board or the fleet knows, sorted.
func (u *UI) knownHosts() []string {
	var registered []enginefleet.Host
	if u.deps.Fleet != nil {
		registered = u.deps.Fleet.Hosts()
	}
	return enginefleet.KnownHosts(u.deps.Board.Hosts(), registered)
}

// unknownHost words a ?host= that names no known host: the one meant when only the case
// differs (host names are matched exactly, as Monit writes them), else the known ones. It
// returns "" for a known host.
func (u *UI) unknownHost(host string) string {
	known := u.knownHosts()
	if slices.Contains(known, host) {
		return ""
	}
	msg := "Unknown host “" + host + "”"
	if k := enginefleet.CaseSlip(host, known); k != "" {
		return msg + ": did you mean “" + k + "”? Host names are matched exactly."
	}
	if len(known) == 0 {
		return msg + ": no host is known yet."
	}
	return msg + ": the known hosts are " + strings.Join(known, ", ") + "."
}

// logsHere refuses the logs of a service of another host: logs are read on this machine only.
func (u *UI) logsHere(host, service string) error {
	local := ""
	if u.deps.LocalHost != nil {
		local = u.deps.LocalHost()
	}
	return enginefleet.LogsHere(local, host, service)
}
