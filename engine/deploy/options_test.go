package deploy

import (
	"strings"
	"testing"
)

func TestPlanRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr string // "" for valid options
	}{
		{"defaults", Options{BinaryPath: DefaultBinaryPath}, ""},
		{"no binary", Options{}, "binary: must not be empty"},
		{"root user", Options{BinaryPath: DefaultBinaryPath, User: "root"}, "unprivileged"},
		{"user with a space", Options{BinaryPath: DefaultBinaryPath, User: "monit intel"}, "user:"},
		{"binary under /tmp", Options{BinaryPath: "/tmp/go-build1/exe/monit-intel"}, "PrivateTmp"},
		{"relative config", Options{BinaryPath: DefaultBinaryPath, ConfigPath: "config.yaml"}, "config:"},
		{"config with a specifier", Options{BinaryPath: DefaultBinaryPath, ConfigPath: "/etc/%n.yaml"}, "config:"},
		{"config path not clean", Options{BinaryPath: DefaultBinaryPath, ConfigPath: "/etc/../x.yaml"}, "config:"},
		{"unit starting with a dash", Options{BinaryPath: DefaultBinaryPath, Units: []string{"-x.service"}}, "actions.units"},
		{"unit with a space", Options{BinaryPath: DefaultBinaryPath, Units: []string{"a b.service"}}, "actions.units"},
		{"bad group", Options{BinaryPath: DefaultBinaryPath, Groups: []string{"adm", "Bad!"}}, "groups:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Plan(tt.opts)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Plan() error = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Plan() error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestPlanSkipsTheRuleWithoutUnits(t *testing.T) {
	for _, sudo := range []bool{false, true} {
		files, err := Plan(Options{BinaryPath: DefaultBinaryPath, Sudo: sudo})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if f.Path == PolkitPath || f.Path == SudoersPath {
				t.Errorf("Plan(sudo=%v, no units) plans %s, which would allow nothing", sudo, f.Path)
			}
		}
	}
}

func TestPlanPutsACustomConfigDirBeside(t *testing.T) {
	files, err := Plan(Options{BinaryPath: DefaultBinaryPath, ConfigPath: "/srv/monit-intel/config.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
	}
	got := strings.Join(paths, " ")
	for _, want := range []string{EtcDir, "/srv/monit-intel", "/srv/monit-intel/config.yaml", EnvPath} {
		if !strings.Contains(got, want) {
			t.Errorf("Plan() paths = %s, want %s among them", got, want)
		}
	}
	unit := string(planned(t, Options{BinaryPath: DefaultBinaryPath, ConfigPath: "/srv/monit-intel/config.yaml"}, UnitPath).Content)
	if !strings.Contains(unit, "ExecStart=/usr/local/bin/monit-intel serve --config /srv/monit-intel/config.yaml\n") {
		t.Errorf("unit ExecStart does not name the config:\n%s", unit)
	}
}
