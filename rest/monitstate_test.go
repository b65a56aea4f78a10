package rest

import (
	"strings"
	"testing"

	"monit-intel/engine"
)

// TestStatusNamesTestsAndMonitStates: field cases 05, 09 and 12 as /status shows them, and
// Monit's clock in /health.
func TestStatusNamesTestsAndMonitStates(t *testing.T) {
	b := engine.NewBoard()
	b.Record(engine.CycleResult{Started: t0, Clock: engine.ClockCheck{OffsetSec: 420, Skewed: true,
		Detail: "Monit's clock on vm is 7m0s ahead of monit-intel's"}, Services: []engine.Classified{
		{Snapshot: engine.Snapshot{Host: "vm", Name: "webapp", Type: engine.TypeHost, Status: engine.BitConnection, Monitor: 1,
			CollectedAt: t0, Ports: []engine.PortCheck{
				{Hostname: "127.0.0.1", Port: 45185, Protocol: "HTTP", Type: "TCP", Request: "/healthz", ResponseSec: 0.000694},
				{Hostname: "127.0.0.1", Port: 45185, Protocol: "HTTP", Type: "TCP", Request: "/api/ready", ResponseSec: -1}},
			Sockets: []engine.SocketCheck{{Path: "/run/php/fpm.sock", Protocol: "DEFAULT", ResponseSec: 0.00002}}},
			State: engine.FailureState{State: engine.StateNew, Since: t0, Failures: 1}},
		{Snapshot: engine.Snapshot{Host: "vm", Name: "homer", Type: engine.TypeProcess, CollectedAt: t0},
			State: engine.FailureState{State: engine.StateUnmonitored, Failures: 1}},
		{Snapshot: engine.Snapshot{Host: "vm", Name: "app_config", Type: engine.TypeFile, Monitor: 1, CollectedAt: t0,
			Status: engine.BitChecksum, StatusHint: engine.BitChecksum}, State: engine.FailureState{State: engine.StateOK}},
	}}, nil)
	deps := testDeps()
	deps.Board = b
	_, api := newTestServer(t, Options{}, deps)

	body := api.Get("/status").Body.String()
	for _, want := range []string{
		`"count":3`, `"failing":1`,
		`"failed_tests":["HTTP GET /api/ready on 127.0.0.1:45185 failed"]`,
		`{"name":"HTTP GET /healthz on 127.0.0.1:45185","kind":"port","hostname":"127.0.0.1","port":45185,"protocol":"HTTP","request":"/healthz","response_sec":0.000694,"failed":false}`,
		`{"name":"unix socket /run/php/fpm.sock","kind":"unix","path":"/run/php/fpm.sock","protocol":"DEFAULT","response_sec":0.00002,"failed":false}`,
		`"failed":false}],"response_sec":-1}`,
		`"state":"UNMONITORED","status":0,"status_text":"Not monitored"`,
		`"status":1,"status_hint":1,"status_text":"Checksum changed"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/status lacks %s\n%s", want, body)
		}
	}
	health := api.Get("/health").Body.String()
	for _, want := range []string{`"monit_clock_offset_sec":420`, `"monit_clock_warning":"Monit's clock on vm is 7m0s ahead of monit-intel's"`} {
		if !strings.Contains(health, want) {
			t.Errorf("/health lacks %s\n%s", want, health)
		}
	}
}
