package act

import (
	"testing"

	"monit-intel/engine"
	"monit-intel/engine/monit/monittest"
)

// TestMonitActionsOverSocketAndTLS: an action reaches a real Monit the way its status is
// read, over Monit's unix socket and over HTTPS with a self-signed certificate, through the
// status client's transport.
func TestMonitActionsOverSocketAndTLS(t *testing.T) {
	for _, listen := range []monittest.Listen{monittest.ListenUnix, monittest.ListenTLS} {
		m := monittest.New(t)
		m.Listen = listen
		d := m.Daemon(t, "sleeper")
		m.Start(t, d.Check())
		st := m.WaitFor(t, monitWait, func(st engine.Status) bool { return sleeperPID(st) > 0 })
		opts := Options{MonitURL: m.URL, MonitUser: m.Username, MonitPassword: m.Password,
			MonitControlFile: m.ControlFile, MonitTransport: m.Client.Transport()}
		c, err := Resolve("monit_stop", "sleeper", targetsOf(st), opts)
		if err != nil {
			t.Fatalf("Resolve() error = %v", err)
		}
		res, err := NewRunner(opts).Run(t.Context(), c)
		if err != nil || res.Via != ViaMonitHTTP || res.ExitCode != 0 {
			t.Fatalf("%s: Run(monit_stop) = %+v, %v; want success via monit-http", m.URL, res, err)
		}
		m.WaitFor(t, monitWait, func(st engine.Status) bool {
			s, ok := monittest.Find(st, "sleeper")
			return ok && s.Monitor == 0
		})
	}
}
