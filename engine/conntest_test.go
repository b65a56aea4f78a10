package engine

import "testing"

func TestConnTestNames(t *testing.T) {
	tests := []struct {
		test ConnTest
		want string
	}{
		{ConnTest{Kind: TestPort, Hostname: "127.0.0.1", Port: 8080, Type: "TCP", Protocol: "HTTP", Request: "/api/ready"},
			"HTTP GET /api/ready on 127.0.0.1:8080"},
		{ConnTest{Kind: TestPort, Hostname: "web", Port: 443, Type: "TCP", Protocol: "HTTPS", Request: "/"}, "HTTPS GET / on web:443"},
		{ConnTest{Kind: TestPort, Hostname: "db", Port: 3306, Type: "TCP", Protocol: "MYSQL"}, "MYSQL on db:3306"},
		{ConnTest{Kind: TestPort, Hostname: "127.0.0.1", Port: 22, Type: "TCP", Protocol: "DEFAULT"}, "port 127.0.0.1:22 (TCP)"},
		{ConnTest{Kind: TestPort, Hostname: "1.1.1.1", Port: 53, Type: "UDP", Protocol: "DNS"}, "DNS on 1.1.1.1:53 (UDP)"},
		{ConnTest{Kind: TestPort, Hostname: "ntp", Port: 123, Type: "UDP", Protocol: "DEFAULT"}, "port ntp:123 (UDP)"},
		{ConnTest{Kind: TestPort, Hostname: "h", Port: 1, Type: "TCP", Protocol: "GENERIC", Request: "/x"}, "GENERIC /x on h:1"},
		{ConnTest{Kind: TestUnix, Path: "/run/php/fpm.sock", Protocol: "DEFAULT"}, "unix socket /run/php/fpm.sock"},
		{ConnTest{Kind: TestUnix, Path: "/run/php/fpm.sock", Protocol: "FASTCGI"}, "FASTCGI on unix socket /run/php/fpm.sock"},
		{ConnTest{Kind: TestIcmp, Type: "Ping"}, "ping (Ping)"},
		{ConnTest{Kind: TestIcmp}, "ping"},
	}
	for _, tt := range tests {
		if got := tt.test.Name(); got != tt.want {
			t.Errorf("Name() = %q, want %q", got, tt.want)
		}
	}
}

func TestSnapshotTests(t *testing.T) {
	ports := []PortCheck{
		{Hostname: "h", Port: 80, Type: "TCP", Protocol: "HTTP", Request: "/a", ResponseSec: 0.002},
		{Hostname: "h", Port: 80, Type: "TCP", Protocol: "HTTP", Request: "/b", ResponseSec: -1},
	}
	sock := []SocketCheck{{Path: "/s", Protocol: "DEFAULT", ResponseSec: -1}}
	ping := []IcmpCheck{{Type: "Ping", ResponseSec: -1}}
	tests := []struct {
		name        string
		snap        Snapshot
		wantFailed  []string
		wantSummary float64
		wantOK      bool
	}{
		{"one of two http tests fails: the summary is -1", Snapshot{Monitor: 1, Status: BitConnection, Ports: ports},
			[]string{"HTTP GET /b on h:80 failed"}, -1, true},
		{"-1 without the connection bit is not tested yet", Snapshot{Monitor: 1, Ports: ports}, nil, 0.002, true},
		{"unix socket and ping fail", Snapshot{Monitor: 1, Status: BitConnection | BitIcmp, Sockets: sock, Icmp: ping},
			[]string{"unix socket /s failed", "ping (Ping) failed"}, -1, true},
		{"ping fails, the socket only has not answered yet", Snapshot{Monitor: 1, Status: BitIcmp, Sockets: sock, Icmp: ping},
			[]string{"ping (Ping) failed"}, -1, true},
		{"not monitored: nothing failed, nothing answered", Snapshot{Status: BitConnection, Ports: ports[1:]}, nil, -1, false},
		{"no tests", Snapshot{Monitor: 1}, nil, -1, false},
	}
	for _, tt := range tests {
		var failed []string
		for _, c := range tt.snap.FailedTests() {
			failed = append(failed, c.Result())
		}
		if len(failed) != len(tt.wantFailed) {
			t.Errorf("%s: FailedTests() = %q, want %q", tt.name, failed, tt.wantFailed)
		}
		for i := range min(len(failed), len(tt.wantFailed)) {
			if failed[i] != tt.wantFailed[i] {
				t.Errorf("%s: FailedTests()[%d] = %q, want %q", tt.name, i, failed[i], tt.wantFailed[i])
			}
		}
		if sec, ok := tt.snap.ResponseSummary(); sec != tt.wantSummary || ok != tt.wantOK {
			t.Errorf("%s: ResponseSummary() = %v, %v, want %v, %v", tt.name, sec, ok, tt.wantSummary, tt.wantOK)
		}
	}
}
