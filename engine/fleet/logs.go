package fleet

import (
	"errors"
	"fmt"
)

// ErrLogsElsewhere means a service's logs are on another host: logs are read on this
// machine only (the log registry names local files and journal units), so a service of
// another host with the same name must not be given this machine's lines.
var ErrLogsElsewhere = errors.New("logs are local-only")

// LogsHere returns nil when the logs of a service of host can be read here: the host is this
// machine's (local, the first polled Monit's host), or which host is local is not known yet
// (before the first poll, or in a fleet that only pushes), where the registry is all there is.
func LogsHere(local, host, service string) error {
	if local == "" || host == "" || host == local {
		return nil
	}
	return fmt.Errorf("%w: %s is on %s, and this daemon reads the logs of %s", ErrLogsElsewhere, service, host, local)
}
