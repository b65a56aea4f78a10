package mother

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"monit-intel/engine"
)

// KindWhichHost is a turn that asks back: a service named in it is on several hosts and the
// message did not say which ("restart job" with job on alpha and gamma).
const KindWhichHost Kind = "which_host"

// scopeHost reads "on HOST" (or "on host HOST") for a known host: the turn then sees that
// host's services only, and the phrase is taken out of the message so that the host's name
// is not read as a service.
func (tr *turnState) scopeHost() {
	var hosts []string
	for _, c := range tr.services {
		if !slices.Contains(hosts, c.Snapshot.Host) {
			hosts = append(hosts, c.Snapshot.Host)
		}
	}
	if len(hosts) < 2 {
		return
	}
	for _, h := range hosts {
		re := regexp.MustCompile(`(?i)\bon\s+(?:host\s+)?` + regexp.QuoteMeta(h) + `\b`)
		if !re.MatchString(tr.message) {
			continue
		}
		tr.host = h
		tr.message = strings.TrimSpace(re.ReplaceAllString(tr.message, ""))
		var scoped []engine.Classified
		for _, c := range tr.services {
			if c.Snapshot.Host == h {
				scoped = append(scoped, c)
			}
		}
		tr.services = scoped
		return
	}
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
			return fmt.Sprintf("%s is on several hosts: %s. Which one? Say \"%s on %s\", for example.\n",
				name, strings.Join(on, ", "), tr.message, on[0])
		}
	}
	return ""
}
