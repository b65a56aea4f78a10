package deploy

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// directives returns the unit's Key=value lines, comments left out.
func directives(unit []byte) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(string(unit), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			out[k] = v
		}
	}
	return out
}

// TestSudoUnitKeepsNoNewPrivsOff guards the trap the sudo variant avoids: for a User= service
// systemd sets no_new_privs when any of these options is used, whatever NoNewPrivileges= says,
// and sudo then refuses to run. The polkit variant uses the ones that apply to it.
func TestSudoUnitKeepsNoNewPrivsOff(t *testing.T) {
	impliesNNP := []string{
		"SystemCallFilter", "SystemCallArchitectures", "RestrictAddressFamilies",
		"RestrictNamespaces", "RestrictRealtime", "RestrictSUIDSGID", "LockPersonality",
		"MemoryDenyWriteExecute", "PrivateDevices", "ProtectClock", "ProtectHostname",
		"ProtectKernelTunables", "ProtectKernelModules", "ProtectKernelLogs",
	}
	tests := []struct {
		name    string
		sudo    bool
		wantNNP string
		wantSet bool // whether the impliesNNP options are set
	}{
		{"sudo", true, "no", false},
		{"polkit", false, "yes", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := directives(planned(t, Options{BinaryPath: DefaultBinaryPath, Units: testUnits(), Sudo: tt.sudo}, UnitPath).Content)
			if d["NoNewPrivileges"] != tt.wantNNP {
				t.Errorf("NoNewPrivileges = %q, want %q", d["NoNewPrivileges"], tt.wantNNP)
			}
			for _, k := range append(impliesNNP, "SystemCallLog", "DynamicUser") {
				_, set := d[k]
				want := tt.wantSet && slices.Contains(impliesNNP, k)
				if set != want {
					t.Errorf("%s set = %v, want %v", k, set, want)
				}
			}
		})
	}
}

func TestVisudoAcceptsSudoers(t *testing.T) {
	visudo := requireTool(t, "visudo", "sudo")
	good := string(planned(t, Options{BinaryPath: DefaultBinaryPath, Sudo: true, Units: append(testUnits(), "a:b.service")}, SudoersPath).Content)
	tests := []struct {
		name   string
		file   []byte
		wantOK bool
	}{
		{"generated, with an escaped ':'", []byte(good), true},
		{"':' left unescaped", mustReplace(t, good, `a\:b.service`, "a:b.service"), false},
		{"missing line continuation", mustReplace(t, good, ", \\\n", ",\n"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "monit-intel")
			if err := os.WriteFile(p, tt.file, 0o440); err != nil {
				t.Fatal(err)
			}
			out, err := exec.CommandContext(t.Context(), visudo, "-c", "-f", p).CombinedOutput()
			if got := err == nil; got != tt.wantOK {
				t.Errorf("visudo -c ok = %v, want %v: %s", got, tt.wantOK, out)
			}
		})
	}
}

// polkitHarness loads a rules file the way polkitd does (a script calling polkit.addRule) and
// prints the rule's answer for each case: "yes" or null (NOT_HANDLED).
const polkitHarness = `
const fs = require("fs");
let rule;
const polkit = {Result: {YES: "yes", NO: "no", NOT_HANDLED: null}, addRule: (f) => { rule = f; }};
new Function("polkit", fs.readFileSync(process.argv[1], "utf8"))(polkit);
const cases = JSON.parse(process.argv[2]);
console.log(JSON.stringify(cases.map((c) =>
  rule({id: c.id, lookup: (k) => c.details[k]}, {user: c.user}))));
`

func TestPolkitRule(t *testing.T) {
	node := requireTool(t, "node", "nodejs")
	rule := planned(t, Options{BinaryPath: DefaultBinaryPath, Units: testUnits()}, PolkitPath).Content
	p := filepath.Join(t.TempDir(), "50-monit-intel.rules")
	if err := os.WriteFile(p, rule, 0o644); err != nil {
		t.Fatal(err)
	}
	const manage = "org.freedesktop.systemd1.manage-units"
	type c struct {
		ID      string            `json:"id"`
		User    string            `json:"user"`
		Details map[string]string `json:"details"`
	}
	tests := []struct {
		name string
		c    c
		want any // "yes" or nil
	}{
		{"restart a mapped unit", c{manage, "monit-intel", map[string]string{"unit": "nordvpnd.service", "verb": "restart"}}, "yes"},
		{"stop a template instance", c{manage, "monit-intel", map[string]string{"unit": "wg-quick@wg0.service", "verb": "stop"}}, "yes"},
		{"start a bare name, as systemctl completes it", c{manage, "monit-intel", map[string]string{"unit": "backup.service", "verb": "start"}}, "yes"},
		{"another user", c{manage, "mallory", map[string]string{"unit": "nordvpnd.service", "verb": "restart"}}, nil},
		{"an unmapped unit", c{manage, "monit-intel", map[string]string{"unit": "ssh.service", "verb": "restart"}}, nil},
		{"a verb outside start/stop/restart", c{manage, "monit-intel", map[string]string{"unit": "nordvpnd.service", "verb": "reload"}}, nil},
		{"another action", c{"org.freedesktop.systemd1.manage-unit-files", "monit-intel", map[string]string{}}, nil},
	}
	cases := make([]c, len(tests))
	for i, tt := range tests {
		cases[i] = tt.c
	}
	arg, _ := json.Marshal(cases)
	out, err := exec.CommandContext(t.Context(), node, "-e", polkitHarness, p, string(arg)).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v: %s", err, out)
	}
	var got []any
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(tests) {
		t.Fatalf("node printed %q (%v)", out, err)
	}
	for i, tt := range tests {
		if got[i] != tt.want {
			t.Errorf("%s: rule() = %v, want %v", tt.name, got[i], tt.want)
		}
	}
	if !slices.Contains(got, any("yes")) {
		t.Error("the rule allowed nothing")
	}
}
