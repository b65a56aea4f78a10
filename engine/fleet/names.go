package fleet

import (
	"slices"
	"strings"
)

// KnownHosts are the names of the hosts a board has (board) and the fleet's registry holds
// (registered, nil without a fleet), sorted, each once.
func KnownHosts(board []string, registered []Host) []string {
	names := slices.Clone(board)
	for _, h := range registered {
		names = append(names, h.Name)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// CaseSlip returns the known host that host names but for its case, or "" when none does:
// host names are matched exactly, as Monit writes them, so "BETA" is no host but a slip for
// "beta".
func CaseSlip(host string, known []string) string {
	for _, k := range known {
		if strings.EqualFold(k, host) {
			return k
		}
	}
	return ""
}
