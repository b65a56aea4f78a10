package fleet

import (
	"errors"
	"testing"
)

func TestLogsHere(t *testing.T) {
	for _, c := range []struct {
		name, local, host string
		want              bool
	}{
		{"this machine's service", "vm", "vm", true},
		{"local host not known yet", "", "web2", true},
		{"a host-less service (single Monit)", "vm", "", true},
		{"another host's service", "vm", "web2", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := LogsHere(c.local, c.host, "nginx")
			if (err == nil) != c.want || (err != nil && !errors.Is(err, ErrLogsElsewhere)) {
				t.Errorf("LogsHere(%q, %q) = %v, want allowed %v", c.local, c.host, err, c.want)
			}
		})
	}
}
