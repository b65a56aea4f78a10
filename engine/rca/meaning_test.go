package rca

import (
	"strings"
	"testing"

	"monit-intel/engine"
)

func TestMeaning(t *testing.T) {
	tests := []struct {
		name string
		snap engine.Snapshot
		want []string // substrings, each in some line, in this order of lines
	}{
		{
			name: "missing process",
			snap: process("sleeper", engine.BitNonExist),
			want: []string{"Does not exist: no running process matches the pidfile or pattern"},
		},
		{
			name: "missing filesystem",
			snap: engine.Snapshot{Type: engine.TypeFilesystem, Status: engine.BitNonExist, Monitor: 1},
			want: []string{"Does not exist: the filesystem is not mounted"},
		},
		{
			name: "missing file",
			snap: engine.Snapshot{Type: engine.TypeFile, Status: engine.BitNonExist, Monitor: 1},
			want: []string{"Does not exist: the checked path is missing."},
		},
		{
			name: "program exit status",
			snap: program("failing", 3, "boom"),
			want: []string{"Status failed: the check program exited with status 3"},
		},
		{
			name: "full filesystem",
			snap: filesystem("data", 97.8),
			want: []string{"Resource limit matched: the filesystem's space or inode usage passed its limit (space 97.8%"},
		},
		{
			name: "busy process",
			snap: process("worker", engine.BitResource),
			want: []string{"Resource limit matched: the process passed a CPU, memory", "cpu 97.5%"},
		},
		{
			name: "host port without answer",
			snap: host("localhost-closed", engine.BitConnection,
				engine.PortCheck{Hostname: "127.0.0.1", Port: 2812, Request: "/_ping", Protocol: "HTTP", Type: "TCP", ResponseSec: -1}),
			want: []string{"Connection failed: a port, socket or protocol test", "HTTP GET /_ping on 127.0.0.1:2812 failed"},
		},
		{
			name: "certificate close to expiry",
			snap: host("web", engine.BitConnection,
				engine.PortCheck{Hostname: "web", Port: 443, Protocol: "HTTP", Type: "TCP", ResponseSec: 0.01, CertDays: ptr(5)}),
			want: []string{"certificate is valid 5 more days"},
		},
		{
			name: "restart limit",
			snap: process("php-fpm", engine.BitTimeout),
			want: []string{"Timeout: Monit restarted the service more often than its restart limit allows"},
		},
		{
			name: "several bits in bit order",
			snap: file("secrets", engine.BitChecksum|engine.BitPermission|bitUID),
			want: []string{"Checksum failed: the file's checksum changed", "Permission failed: the path's permission bits", "UID failed: the path's owner"},
		},
		{
			name: "change hint, unmonitored, pending action",
			snap: engine.Snapshot{Type: engine.TypeFile, Status: engine.BitChecksum, StatusHint: engine.BitChecksum, PendingAction: 2},
			want: []string{"Monit does not monitor the service now", `A "restart" action is pending`, "Monit marks this bit as a change"},
		},
		{
			name: "initialising",
			snap: engine.Snapshot{Type: engine.TypeProgram, Status: engine.BitStatus, Monitor: engine.MonitorInit},
			want: []string{"Monit is still initialising", "Status failed: the check program's exit status failed its test."},
		},
		{
			name: "unknown bit shown in hex",
			snap: engine.Snapshot{Type: engine.TypeHost, Status: 0x80000000, Monitor: 1},
			want: []string{"Unknown status 0x80000000: Monit reports this test as failed."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := meaning(tt.snap)
			i := 0
			for _, w := range tt.want {
				for i < len(got) && !strings.Contains(got[i], w) {
					i++
				}
				if i == len(got) {
					t.Fatalf("meaning() = %q, want a line containing %q (in order)", got, w)
				}
			}
		})
	}
}

func TestMeaningNamesEveryKnownBit(t *testing.T) {
	for bit := engine.StatusBits(1); bit <= 0x40000000; bit <<= 1 {
		got := bitMeaning(bit, engine.Snapshot{Type: engine.TypeFile})
		if !strings.HasPrefix(got, bit.Text()+": ") || len(got) < len(bit.Text())+10 {
			t.Errorf("bitMeaning(%#x) = %q, want the label and an explanation", uint32(bit), got)
		}
	}
}
