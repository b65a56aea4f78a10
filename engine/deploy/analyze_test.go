package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// analyze runs systemd-analyze with args and the generated unit, saved under its real name.
// systemd-analyze verify works without a running systemd: it loads the unit, reports unknown
// keys and bad values as warnings (exit status 0!) and a missing ExecStart binary as an error.
// It does not check that User= exists, and it ignores an unknown address family silently.
func analyze(t *testing.T, unit []byte, args ...string) (string, error) {
	t.Helper()
	bin := requireTool(t, "systemd-analyze", "systemd")
	p := filepath.Join(t.TempDir(), "monit-intel.service")
	if err := os.WriteFile(p, unit, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), bin, append(args, p)...)
	cmd.Env = append(os.Environ(), "SYSTEMD_COLORS=0", "SYSTEMD_PAGER=")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func mustReplace(t *testing.T, s, old, new string) []byte {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("unit has no %q to break", old)
	}
	return []byte(strings.Replace(s, old, new, 1))
}

func TestSystemdAnalyzeVerify(t *testing.T) {
	// ExecStart must name an executable that exists here, so the tests use /bin/true.
	good := string(planned(t, Options{BinaryPath: "/bin/true", Units: testUnits()}, UnitPath).Content)
	sudo := string(planned(t, Options{BinaryPath: "/bin/true", Units: testUnits(), Sudo: true}, UnitPath).Content)
	missing := planned(t, Options{BinaryPath: "/nonexistent/monit-intel"}, UnitPath).Content
	tests := []struct {
		name    string
		unit    []byte
		wantBad string // "" when verify must pass silently
	}{
		{"polkit unit", []byte(good), ""},
		{"sudo unit", []byte(sudo), ""},
		{"missing binary", missing, "is not executable"},
		{"misspelt key", mustReplace(t, good, "ProtectSystem=", "ProtecSystem="), "Unknown key"},
		{"bad restart value", mustReplace(t, good, "Restart=on-failure", "Restart=sometimes"), "Failed to parse"},
		{"unknown syscall group", mustReplace(t, good, "@system-service", "@system-servce"), "Unknown system call group"},
		{"misspelt section", mustReplace(t, good, "[Service]", "[Servic]"), "bad unit file setting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := analyze(t, tt.unit, "verify", "--man=no")
			clean := err == nil && strings.TrimSpace(out) == ""
			switch {
			case tt.wantBad == "" && !clean:
				t.Errorf("systemd-analyze verify: err = %v, output:\n%s", err, out)
			case tt.wantBad != "" && (clean || !strings.Contains(out, tt.wantBad)):
				t.Errorf("systemd-analyze verify: err = %v, output %q, want a complaint containing %q", err, out, tt.wantBad)
			}
		})
	}
}

// TestSystemdAnalyzeSecurity keeps the sandbox from eroding: systemd-analyze security scores a
// unit's exposure from 0 (locked down) to 10 (no sandbox); --threshold is in tenths.
func TestSystemdAnalyzeSecurity(t *testing.T) {
	polkit := string(planned(t, Options{BinaryPath: "/bin/true", Units: testUnits()}, UnitPath).Content)
	sudo := planned(t, Options{BinaryPath: "/bin/true", Units: testUnits(), Sudo: true}, UnitPath).Content
	bare, _, _ := strings.Cut(polkit, "# Sandbox")
	tests := []struct {
		name      string
		unit      []byte
		threshold string
		wantPass  bool
	}{
		{"polkit unit at most 2.0", []byte(polkit), "20", true},
		{"sudo unit at most 6.5", sudo, "65", true},
		{"unit without its sandbox fails 6.5", []byte(bare + "\n[Install]\nWantedBy=multi-user.target\n"), "65", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := analyze(t, tt.unit, "security", "--offline=true", "--threshold="+tt.threshold)
			if got := err == nil; got != tt.wantPass {
				t.Errorf("systemd-analyze security --threshold=%s passed = %v, want %v:\n%s", tt.threshold, got, tt.wantPass, lastLine(out))
			}
		})
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
