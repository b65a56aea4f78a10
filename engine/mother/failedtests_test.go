package mother

import (
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
)

func TestStatusLineNamesTheFailingTestAndChanges(t *testing.T) {
	now := time.Unix(1796026614, 0)
	tests := []struct {
		name string
		snap engine.Snapshot
		want string
	}{
		{"failing http test", engine.Snapshot{Name: "webapp", Type: engine.TypeHost, Monitor: 1, Status: engine.BitConnection,
			Ports: []engine.PortCheck{
				{Hostname: "127.0.0.1", Port: 8080, Protocol: "HTTP", Type: "TCP", Request: "/healthz", ResponseSec: 0.0007},
				{Hostname: "127.0.0.1", Port: 8080, Protocol: "HTTP", Type: "TCP", Request: "/api/ready", ResponseSec: -1}}},
			"failing (Connection failed), HTTP GET /api/ready on 127.0.0.1:8080 failed"},
		{"unix socket", engine.Snapshot{Name: "php", Type: engine.TypeProcess, Monitor: 1, Status: engine.BitConnection,
			Sockets: []engine.SocketCheck{{Path: "/run/php/fpm.sock", Protocol: "DEFAULT", ResponseSec: -1}}},
			"failing (Connection failed), unix socket /run/php/fpm.sock failed"},
		{"checksum changed is not a failure", engine.Snapshot{Name: "app_config", Type: engine.TypeFile, Monitor: 1,
			Status: engine.BitChecksum, StatusHint: engine.BitChecksum}, "OK (Checksum changed)"},
	}
	for _, tt := range tests {
		got := statusLine(engine.Classified{Snapshot: tt.snap}, now, false)
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s: statusLine() = %q, want it to contain %q", tt.name, got, tt.want)
		}
	}
}

func TestChangesAndUnmonitoringAreNotFailures(t *testing.T) {
	now := time.Unix(1796026614, 0)
	events := []engine.Event{
		{At: now, Service: "app_config", Kind: engine.StateChangeDetected, Detail: "Checksum changed"},
		{At: now, Service: "homer", Kind: engine.StateUnmonitored, Detail: "Not monitored (was: Does not exist)"},
		{At: now, Service: "homer", Kind: engine.StateNew, Detail: "Does not exist"},
		{At: now, Service: "web", Kind: engine.StateRecovered, Detail: "OK (was: Connection failed)"},
	}
	if f, r := countKinds(events); f != 1 || r != 1 {
		t.Errorf("countKinds() = %d failures, %d recoveries; want 1, 1", f, r)
	}
	var b strings.Builder
	writeFailures(&b, events, 5, Window{}, now, labelService)
	if got := b.String(); !strings.Contains(got, "Last 1 failure") || strings.Contains(got, "Checksum changed") {
		t.Errorf("writeFailures() = %q, want only the NEW event", got)
	}
}
