package deploy

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/deploy")

// goldenDir is the repository's testdata/deploy.
const goldenDir = "../../testdata/deploy"

// testUnits exercise the name forms: a full unit, a template instance, and a bare name that
// systemctl completes to .service.
func testUnits() []string { return []string{"nordvpnd.service", "wg-quick@wg0.service", "backup"} }

// planned returns the file Plan plans at path for opts.
func planned(t *testing.T, opts Options, path string) File {
	t.Helper()
	files, err := Plan(opts)
	if err != nil {
		t.Fatalf("Plan() error = %v", err)
	}
	for _, f := range files {
		if f.Path == path {
			return f
		}
	}
	t.Fatalf("Plan() has no %s", path)
	return File{}
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden := filepath.Join(goldenDir, name)
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s (go test ./engine/deploy -update rewrites it):\n%s", name, golden, got)
	}
}

func TestGolden(t *testing.T) {
	base := Options{BinaryPath: DefaultBinaryPath, Units: []string{"nordvpnd.service"}}
	sudo := base
	sudo.Sudo = true
	many := Options{BinaryPath: DefaultBinaryPath, Units: testUnits()}
	manySudo := many
	manySudo.Sudo = true
	tests := []struct {
		name   string
		opts   Options
		path   string
		golden string
	}{
		{"unit with polkit", base, UnitPath, "monit-intel.service"},
		{"unit with sudo", sudo, UnitPath, "monit-intel-sudo.service"},
		{"polkit rule", many, PolkitPath, "50-monit-intel.rules"},
		{"sudoers", manySudo, SudoersPath, "sudoers"},
		{"env template", base, EnvPath, "env"},
		{"sample config", base, DefaultConfigPath, "config.sample.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkGolden(t, tt.golden, planned(t, tt.opts, tt.path).Content)
		})
	}
}
