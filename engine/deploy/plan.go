package deploy

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"text/template"
)

// File is one file or directory install puts on the target system.
type File struct {
	Path         string      // absolute, on the target system (Options.Root is not part of it)
	Mode         fs.FileMode // permission bits, plus fs.ModeDir for a directory
	Owner, Group string
	Content      []byte // nil for a directory
	// KeepIfExists marks the user's files (configuration, env, their directory): written
	// only when absent, never overwritten.
	KeepIfExists bool
}

// IsDir reports whether f is a directory.
func (f File) IsDir() bool { return f.Mode.IsDir() }

// sampleUnits is the seed server's actions.units, written into the sample configuration.
func sampleUnits() map[string]string {
	return map[string]string{"nordvpn_status": "nordvpnd.service"}
}

//go:embed templates/*.tmpl
var templateFS embed.FS

// view is what the templates see.
type view struct {
	Options
	EnvPath, StateDir string
	PolkitUnits       []string
	SudoCommands      []string
	SampleUnits       map[string]string
}

// Plan returns what install would write for opts, in the order it writes them: directories,
// the unit, the env template, the sample configuration, then the polkit rule (or, with Sudo,
// the sudoers file). No rule is planned when there are no units: it would allow nothing.
// Plan reads nothing and writes nothing.
func Plan(opts Options) ([]File, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return nil, fmt.Errorf("install options: %w", err)
	}
	tmpl, err := template.New("").Funcs(template.FuncMap{
		"join": strings.Join,
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
	}).ParseFS(templateFS, "templates/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	v := view{
		Options: opts, EnvPath: EnvPath, StateDir: StateDir, SampleUnits: sampleUnits(),
		PolkitUnits: polkitUnits(opts.Units), SudoCommands: sudoCommands(opts.Units),
	}
	render := func(name string) ([]byte, error) {
		var b bytes.Buffer
		if err := tmpl.ExecuteTemplate(&b, name+".tmpl", v); err != nil {
			return nil, fmt.Errorf("render %s: %w", name, err)
		}
		return b.Bytes(), nil
	}

	files := []File{{Path: EtcDir, Mode: fs.ModeDir | 0o750, Owner: "root", Group: opts.Group, KeepIfExists: true}}
	if dir := path.Dir(opts.ConfigPath); dir != EtcDir {
		files = append(files, File{Path: dir, Mode: fs.ModeDir | 0o750, Owner: "root", Group: opts.Group, KeepIfExists: true})
	}
	for _, f := range []File{
		{Path: UnitPath, Mode: 0o644, Owner: "root", Group: "root"},
		{Path: EnvPath, Mode: 0o600, Owner: "root", Group: "root", KeepIfExists: true},
		{Path: opts.ConfigPath, Mode: 0o640, Owner: "root", Group: opts.Group, KeepIfExists: true},
		{Path: PolkitPath, Mode: 0o644, Owner: "root", Group: "root"},
		{Path: SudoersPath, Mode: 0o440, Owner: "root", Group: "root"},
	} {
		switch {
		case f.Path == PolkitPath && (opts.Sudo || len(opts.Units) == 0),
			f.Path == SudoersPath && (!opts.Sudo || len(opts.Units) == 0):
			continue
		}
		if f.Content, err = render(templateName(f.Path, opts.ConfigPath)); err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

func templateName(p, configPath string) string {
	switch p {
	case EnvPath:
		return "env"
	case configPath:
		return "config.yaml"
	case SudoersPath:
		return "sudoers"
	}
	return path.Base(p)
}

// polkitUnits names the units as polkit sees them. systemctl completes a name without a unit
// type suffix with ".service" before it asks systemd, and the rule compares that full name.
func polkitUnits(units []string) []string {
	out := make([]string, 0, len(units))
	for _, u := range units {
		if !hasUnitSuffix(u) {
			u += ".service"
		}
		out = append(out, u)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func hasUnitSuffix(unit string) bool {
	switch path.Ext(unit) {
	case ".service", ".socket", ".device", ".mount", ".automount", ".swap", ".target",
		".path", ".timer", ".slice", ".scope":
		return true
	}
	return false
}

// sudoCommands lists the exact commands sudoers allows: the argv act builds with sudo, for
// each unit as written in actions.units (sudo compares arguments literally).
func sudoCommands(units []string) []string {
	var out []string
	for _, u := range units {
		for _, verb := range []string{"start", "stop", "restart", "status"} {
			out = append(out, systemctlPath+" "+verb+" "+sudoersEscape(u))
		}
	}
	return out
}

// sudoersEscape escapes the characters sudoers treats specially in a command's arguments.
// act.CheckUnit already limits units to [A-Za-z0-9@._:-], so only ':' can occur.
func sudoersEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `,`, `\,`, `:`, `\:`, `=`, `\=`).Replace(s)
}
