package rca

import (
	"testing"

	"monit-intel/engine"
)

func TestFingerprint(t *testing.T) {
	crash := func(ts, pid, addr string) Input {
		return Input{Snapshot: process("mosquitto", engine.BitNonExist), Logs: []string{
			"Nov 24 " + ts + " vm kernel: [98765.432100] mosquitto[" + pid + "]: segfault at 0 ip " + addr + " sp 00007ffd2b3c4d50 error 4",
			ts + " vm systemd[1]: mosquitto.service: Main process exited, code=dumped, status=11/SEGV",
			"2026-11-24T" + ts + "+0000 vm mosquitto[" + pid + "]: Client 3f2a9c1e-77b0-4d7e-9a55-0c1b2d3e4f50 closed its connection.",
		}}
	}
	base := crash("07:58:01", "991", "000055d0c0a1b2c3")
	tests := []struct {
		name string
		in   Input
		same bool
	}{
		{name: "same input", in: base, same: true},
		{name: "other timestamps, pids and addresses", in: crash("09:12:44", "15436", "00005611aa0b9f00"), same: true},
		{name: "the same errors repeated", in: func() Input {
			in := crash("07:58:01", "991", "000055d0c0a1b2c3")
			in.Logs = append(in.Logs, crash("08:01:30", "1203", "000055d0c0a1ffff").Logs...)
			return in
		}(), same: true},
		{name: "other bits", in: func() Input {
			in := crash("07:58:01", "991", "000055d0c0a1b2c3")
			in.Snapshot.Status |= engine.BitPID
			return in
		}(), same: false},
		{name: "other cause", in: Input{Snapshot: process("mosquitto", engine.BitNonExist), Logs: []string{
			"Nov 24 07:57:40 vm kernel: Out of memory: Killed process 991 (mosquitto) total-vm:812345kB",
		}}, same: false},
		{name: "no logs", in: Input{Snapshot: process("mosquitto", engine.BitNonExist)}, same: false},
	}
	want := Fingerprint(base, Analyze(base))
	if len(want) != 32 {
		t.Fatalf("Fingerprint() = %q, want 32 hex digits", want)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Fingerprint(tt.in, Analyze(tt.in))
			if (got == want) != tt.same {
				t.Errorf("Fingerprint() = %s, base %s, want same=%v", got, want, tt.same)
			}
		})
	}
}

func TestFingerprintExitStatus(t *testing.T) {
	a, b := Input{Snapshot: program("backup", 1, "done")}, Input{Snapshot: program("backup", 2, "done")}
	if Fingerprint(a, Analyze(a)) == Fingerprint(b, Analyze(b)) {
		t.Errorf("Fingerprint() equal for exit statuses 1 and 2, want different")
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"journald short-iso", "2026-11-24T07:58:12+0000 vm app[812]: retry 3 of 5", "<time> vm app[<pid>]: retry <n> of <n>"},
		{"syslog", "Nov  4 07:58:12 vm kernel: [123.456] eth0: link down", "<time> vm kernel: [<n>.<n>] eth<n>: link down"},
		{"hex and uuid", "req 3f2a9c1e-77b0-4d7e-9a55-0c1b2d3e4f50 at 0x7ffd2b3c ptr deadbeef01", "req <uuid> at <hex> ptr <hex>"},
		{"words kept", "dead cafe failed", "dead cafe failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := normalize(tt.in); got != tt.want {
				t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
