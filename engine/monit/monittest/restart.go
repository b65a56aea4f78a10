package monittest

import "testing"

// Restart stops the daemon, as Stop does, and starts it again with the same control file,
// port and id: a Monit that was down and comes back.
func (m *Monit) Restart(t testing.TB) {
	t.Helper()
	if err := m.stop(); err != nil {
		t.Fatalf("monittest: %v", err)
	}
	m.launch(t)
	if err := m.waitReady(t); err != nil {
		t.Fatalf("monittest: monit did not come back: %v\n%s", err, m.Output())
	}
}
