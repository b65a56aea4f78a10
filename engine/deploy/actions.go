package deploy

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Actions is the part of the configuration install needs: the systemd units actions may
// touch and whether systemctl runs through sudo.
type Actions struct {
	Units []string // the values of actions.units, sorted, without duplicates
	Sudo  bool
}

// LoadActions reads actions.units and actions.sudo from the configuration at configPath
// (under root when root is set). Only that section is read, leniently: validating the whole
// file is the config package's job. When the file does not exist, install is about to write
// the sample configuration, so LoadActions returns the sample's actions and the polkit rule
// matches the file that lands on disk.
func LoadActions(root, configPath string) (Actions, error) {
	if configPath == "" {
		configPath = DefaultConfigPath
	}
	b, err := os.ReadFile(onRoot(root, configPath))
	if errors.Is(err, fs.ErrNotExist) {
		return Actions{Units: unitsOf(sampleUnits())}, nil
	}
	if err != nil {
		return Actions{}, fmt.Errorf("read config for install: %w", err)
	}
	var doc struct {
		Actions struct {
			Units map[string]string `yaml:"units"`
			Sudo  bool              `yaml:"sudo"`
		} `yaml:"actions"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return Actions{}, fmt.Errorf("config %s: actions: %w", configPath, err)
	}
	return Actions{Units: unitsOf(doc.Actions.Units), Sudo: doc.Actions.Sudo}, nil
}

func unitsOf(m map[string]string) []string {
	units := slices.Sorted(maps.Values(m))
	return slices.Compact(units)
}
