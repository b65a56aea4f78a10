package act

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestNames(t *testing.T) {
	want := []Name{
		"journalctl_view", "monit_monitor", "monit_restart", "monit_start", "monit_stop", "monit_unmonitor",
		"systemctl_restart", "systemctl_start", "systemctl_status", "systemctl_stop",
	}
	if got := Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	for _, n := range want {
		if !IsAllowed(string(n)) {
			t.Errorf("IsAllowed(%q) = false, want true", n)
		}
	}
	for _, s := range []string{"", "rm", "SYSTEMCTL_RESTART", "Monit_Stop", "systemctl_restart ", "monit_status", "systemctl_enable", "restart"} {
		if IsAllowed(s) {
			t.Errorf("IsAllowed(%q) = true, want false", s)
		}
	}
}

func testTargets() Targets {
	return Targets{
		Services: map[string]bool{
			"sleeper": true, "nordvpn_status": true, "my service": true,
			// Names Monit might report that must still be refused.
			"-x": true, "_runtime": true, "all": true, "a\nb": true, "a/b": true, "..": true,
			"bidi\u202egnp.exe": true, strings.Repeat("s", 129): true, "bad\xffutf8": true,
		},
		Units: map[string]string{
			"nordvpn_status": "nordvpnd.service",
			"plain":          "nordvpnd",
			"tmpl":           "getty@tty1.service",
			"dash":           "-x.service",
			"dotdot":         "../../etc/passwd",
			"semi":           "foo.service;reboot",
			"device":         "sda.device",
			"slice":          "user.slice",
			"newline":        "a\n.service",
			"long":           strings.Repeat("u", 121) + ".service",
			"space":          "foo bar.service",
			"-evil":          "shared.service",
		},
	}
}

func TestResolveRefuses(t *testing.T) {
	tests := []struct {
		name    string
		action  string
		service string
		want    string // in the error
	}{
		{"rm", "rm", "sleeper", `unknown action "rm"`},
		{"kill", "kill", "sleeper", `unknown action "kill"`},
		{"reboot", "reboot", "", `unknown action "reboot"`},
		{"shutdown", "shutdown", "", `unknown action "shutdown"`},
		{"apt", "apt", "sleeper", `unknown action "apt"`},
		{"apt-get", "apt-get", "sleeper", `unknown action "apt-get"`},
		{"curl", "curl", "sleeper", `unknown action "curl"`},
		{"bare systemctl", "systemctl", "nordvpn_status", `unknown action "systemctl"`},
		{"not whitelisted systemctl verb", "systemctl_enable", "nordvpn_status", "unknown action"},
		{"monit has no status", "monit_status", "sleeper", "unknown action"},
		{"upper case name", "SYSTEMCTL_RESTART", "nordvpn_status", `did you mean "systemctl_restart"`},
		{"mixed case name", "Monit_Restart", "sleeper", `did you mean "monit_restart"`},
		{"upper case verb", "Restart", "sleeper", `did you mean "restart"`},
		{"trailing space", "restart ", "sleeper", "unknown action"},
		{"empty action", "", "sleeper", "unknown action"},
		{"action with newline", "monit_restart\nrm", "sleeper", `"monit_restart\nrm"`},
		{"status without unit", "status", "sleeper", "status needs a systemd unit"},
		{"shell separator", "monit_restart", "a;rm -rf /", "path separator"},
		{"command substitution", "monit_restart", "$(reboot)", `unknown Monit service "$(reboot)"`},
		{"backticks", "monit_restart", "`reboot`", "unknown Monit service"},
		{"path traversal", "monit_restart", "../etc/passwd", "path separator"},
		{"known name with slash", "monit_restart", "a/b", "path separator"},
		{"dot dot", "monit_restart", "..", "path element"},
		{"newline", "monit_restart", "sleeper\nreboot", "non-printing character U+000A"},
		{"known name with newline", "monit_stop", "a\nb", "non-printing"},
		{"option injection", "monit_restart", "-x", "starts with '-'"},
		{"long option injection", "restart", "--help", "starts with '-'"},
		{"monit endpoint", "monit_stop", "_runtime", "starts with '_'"},
		{"all services", "monit_stop", "all", "every service"},
		{"all services upper", "stop", "ALL", "every service"},
		{"very long", "monit_restart", strings.Repeat("s", 129), "longer than 128"},
		{"invalid utf8", "monit_restart", "bad\xffutf8", "not valid UTF-8"},
		{"bidi override", "monit_restart", "bidi\u202egnp.exe", "U+202E"},
		{"cyrillic lookalike", "monit_restart", "nordvpn_st\u0430tus", "unknown Monit service"},
		{"fullwidth lookalike", "monit_restart", "sl\uff45eper", "unknown Monit service"},
		{"empty service", "monit_restart", "", "is empty"},
		{"unknown service", "monit_start", "nosuch", `unknown Monit service "nosuch"`},
		{"case differs", "monit_start", "Sleeper", "unknown Monit service"},
		{"systemctl without unit", "systemctl_restart", "sleeper", "none is mapped"},
		{"journal without unit", "logs", "sleeper", "journalctl_view needs a systemd unit"},
		{"unit not in config", "systemctl_restart", "sshd.service", "none is mapped"},
		{"unit option injection", "systemctl_restart", "dash", "fails the unit name pattern"},
		{"unit path", "systemctl_stop", "dotdot", "fails the unit name pattern"},
		{"unit shell", "restart", "semi", "fails the unit name pattern"},
		{"unit newline", "logs", "newline", "fails the unit name pattern"},
		{"unit space", "systemctl_status", "space", "fails the unit name pattern"},
		{"unit too long", "systemctl_status", "long", "at most 128"},
		{"device unit", "systemctl_stop", "device", ".device units are not allowed"},
		{"slice unit", "systemctl_stop", "slice", ".slice units are not allowed"},
		{"unit whose service is bad", "restart", "shared.service", "starts with '-'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Resolve(tt.action, tt.service, testTargets(), Options{})
			if !errors.Is(err, ErrRefused) {
				t.Fatalf("Resolve(%q, %q) = %+v, %v; want ErrRefused", tt.action, tt.service, c, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Resolve(%q, %q) error = %q, want it to contain %q", tt.action, tt.service, err, tt.want)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Errorf("Resolve(%q, %q) error %q has a raw line break", tt.action, tt.service, err)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name    string
		action  string
		service string
		opts    Options
		want    Command
	}{
		{"systemctl restart", "systemctl_restart", "nordvpn_status", Options{}, Command{
			Action: SystemctlRestart, Service: "nordvpn_status", Unit: "nordvpnd.service",
			Argv: []string{"systemctl", "restart", "nordvpnd.service"}, Display: "systemctl restart nordvpnd.service",
		}},
		{"sudo", "systemctl_stop", "nordvpn_status", Options{Sudo: true}, Command{
			Action: SystemctlStop, Service: "nordvpn_status", Unit: "nordvpnd.service",
			Argv: []string{"sudo", "-n", "systemctl", "stop", "nordvpnd.service"}, Display: "sudo -n systemctl stop nordvpnd.service",
		}},
		{"binary paths", "systemctl_start", "tmpl", Options{Sudo: true, SudoPath: "/usr/bin/sudo", SystemctlPath: "/bin/systemctl"}, Command{
			Action: SystemctlStart, Service: "tmpl", Unit: "getty@tty1.service",
			Argv: []string{"/usr/bin/sudo", "-n", "/bin/systemctl", "start", "getty@tty1.service"}, Display: "/usr/bin/sudo -n /bin/systemctl start getty@tty1.service",
		}},
		{"verb with unit is systemctl", "restart", "nordvpn_status", Options{}, Command{
			Action: SystemctlRestart, Service: "nordvpn_status", Unit: "nordvpnd.service",
			Argv: []string{"systemctl", "restart", "nordvpnd.service"}, Display: "systemctl restart nordvpnd.service",
		}},
		{"plain unit", "status", "plain", Options{}, Command{
			Action: SystemctlStatus, Service: "plain", Unit: "nordvpnd",
			Argv: []string{"systemctl", "status", "nordvpnd"}, Display: "systemctl status nordvpnd",
		}},
		{"service given as its unit", "start", "nordvpnd.service", Options{}, Command{
			Action: SystemctlStart, Service: "nordvpn_status", Unit: "nordvpnd.service",
			Argv: []string{"systemctl", "start", "nordvpnd.service"}, Display: "systemctl start nordvpnd.service",
		}},
		{"verb without unit is monit", "restart", "sleeper", Options{}, Command{
			Action: MonitRestart, Service: "sleeper",
			Argv: []string{"monit", "restart", "sleeper"}, Display: "monit restart sleeper",
		}},
		{"stop without unit", "stop", "sleeper", Options{}, Command{
			Action: MonitStop, Service: "sleeper",
			Argv: []string{"monit", "stop", "sleeper"}, Display: "monit stop sleeper",
		}},
		{"monitor is always monit", "monitor", "nordvpn_status", Options{}, Command{
			Action: MonitMonitor, Service: "nordvpn_status",
			Argv: []string{"monit", "monitor", "nordvpn_status"}, Display: "monit monitor nordvpn_status",
		}},
		{"unmonitor with control file", "unmonitor", "sleeper", Options{MonitControlFile: "/etc/monit/monitrc"}, Command{
			Action: MonitUnmonitor, Service: "sleeper",
			Argv: []string{"monit", "-c", "/etc/monit/monitrc", "unmonitor", "sleeper"}, Display: "monit -c /etc/monit/monitrc unmonitor sleeper",
		}},
		{"full monit name", "monit_start", "my service", Options{}, Command{
			Action: MonitStart, Service: "my service",
			Argv: []string{"monit", "start", "my service"}, Display: "monit start 'my service'",
		}},
		{"logs", "logs", "nordvpn_status", Options{}, Command{
			Action: JournalctlView, Service: "nordvpn_status", Unit: "nordvpnd.service",
			Argv: []string{"journalctl", "-u", "nordvpnd.service", "-n", "50", "--no-pager"}, Display: "journalctl -u nordvpnd.service -n 50 --no-pager",
		}},
		{"journal lines, no sudo", "journal", "nordvpn_status", Options{JournalLines: 200, Sudo: true}, Command{
			Action: JournalctlView, Service: "nordvpn_status", Unit: "nordvpnd.service",
			Argv: []string{"journalctl", "-u", "nordvpnd.service", "-n", "200", "--no-pager"}, Display: "journalctl -u nordvpnd.service -n 200 --no-pager",
		}},
		{"journal lines capped", "journalctl_view", "nordvpn_status", Options{JournalLines: 1e6}, Command{
			Action: JournalctlView, Service: "nordvpn_status", Unit: "nordvpnd.service",
			Argv: []string{"journalctl", "-u", "nordvpnd.service", "-n", "10000", "--no-pager"}, Display: "journalctl -u nordvpnd.service -n 10000 --no-pager",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Resolve(tt.action, tt.service, testTargets(), tt.opts)
			if err != nil {
				t.Fatalf("Resolve(%q, %q) error = %v", tt.action, tt.service, err)
			}
			if got.Action != tt.want.Action || got.Service != tt.want.Service || got.Unit != tt.want.Unit ||
				!slices.Equal(got.Argv, tt.want.Argv) || got.Display != tt.want.Display {
				t.Errorf("Resolve(%q, %q) = %#v, want %#v", tt.action, tt.service, got, tt.want)
			}
		})
	}
}

func TestCheckUnit(t *testing.T) {
	for _, u := range []string{"nordvpnd.service", "nordvpnd", "php8.2-fpm", "getty@tty1.service", "backup.timer",
		"docker.socket", "home.mount", "multi-user.target", "watch.path", "systemd-fsck@sda1.service"} {
		if err := CheckUnit(u); err != nil {
			t.Errorf("CheckUnit(%q) = %v, want nil", u, err)
		}
	}
	for _, u := range []string{"", "-x.service", ".service", "a b.service", "a/b.service", "a\\x2d.service", "x.slice", "x.scope",
		"x.swap", "x.automount", "dev-sda.device", "a\x00.service", "ünit.service", strings.Repeat("a", 129)} {
		if err := CheckUnit(u); !errors.Is(err, ErrRefused) {
			t.Errorf("CheckUnit(%q) = %v, want ErrRefused", u, err)
		}
	}
}
