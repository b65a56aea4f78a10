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
		got := statusLine(engine.Classified{Snapshot: tt.snap}, now)
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s: statusLine() = %q, want it to contain %q", tt.name, got, tt.want)
		}
	}
}
