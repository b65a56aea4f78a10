package deploy_test

import (
	"os"
	"path/filepath"
	"testing"

	"monit-intel/engine/config"
	"monit-intel/engine/deploy"
)

// TestSampleConfigLoads feeds the sample configuration install writes to the real loader,
// which decodes strictly (an unknown key is an error) and validates every field, so the
// sample cannot drift from the configuration format.
func TestSampleConfigLoads(t *testing.T) {
	files, err := deploy.Plan(deploy.Options{BinaryPath: deploy.DefaultBinaryPath})
	if err != nil {
		t.Fatal(err)
	}
	var sample []byte
	for _, f := range files {
		if f.Path == deploy.DefaultConfigPath {
			sample = f.Content
		}
	}
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, sample, 0o640); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(p, func(string) string { return "" })
	if err != nil {
		t.Fatalf("config.Load(sample) error = %v", err)
	}
	if cfg.DataDir != deploy.StateDir {
		t.Errorf("data_dir = %q, want the unit's state directory %q", cfg.DataDir, deploy.StateDir)
	}
	if cfg.Monit.Password != "" || cfg.API.Token != "" {
		t.Error("the sample configuration holds a credential; they belong in the env file")
	}
	if len(cfg.Logs) != 3 {
		t.Errorf("logs = %v, want the seed's three entries", cfg.Logs)
	}
	acts, err := deploy.LoadActions("", p)
	if err != nil {
		t.Fatal(err)
	}
	for svc, unit := range cfg.Actions.Units {
		if len(acts.Units) != 1 || acts.Units[0] != unit {
			t.Errorf("LoadActions() units = %v, config.Load() maps %s to %s", acts.Units, svc, unit)
		}
	}
}
