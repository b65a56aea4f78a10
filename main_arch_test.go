package main

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

type listedPackage struct {
	ImportPath string
	Doc        string
	Imports    []string
}

func listPackages(t *testing.T) []listedPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p listedPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// TestDependencyDirection keeps the layering of STYLE.md: main wires everything; engine never
// reaches for the stores, the API or the terminal; the REPL talks to the daemon, never to a
// database; logs and act are leaves on the standard library.
func TestDependencyDirection(t *testing.T) {
	const mod = "monit-intel"
	rules := []struct {
		pkgPrefix  string
		forbidden  []string
		stdlibOnly bool
		allow      []string // imports a stdlibOnly package may have all the same
	}{
		{pkgPrefix: mod + "/engine", forbidden: []string{mod + "/rest", mod + "/repl", mod + "/bolt", mod + "/sqliteexport"}},
		{pkgPrefix: mod + "/bolt", forbidden: []string{mod + "/sqliteexport", mod + "/rest", mod + "/repl"}},
		{pkgPrefix: mod + "/sqliteexport", forbidden: []string{mod + "/bolt", mod + "/rest", mod + "/repl"}},
		{pkgPrefix: mod + "/repl", forbidden: []string{mod + "/bolt", mod + "/sqliteexport", "go.etcd.io/bbolt", "github.com/mattn/go-sqlite3", mod + "/engine"}},
		{pkgPrefix: mod + "/rest", forbidden: []string{mod + "/bolt", mod + "/sqliteexport"}},
		// logs/redact applies gitleaks' rule set: its configuration package, the TOML reader
		// it is parsed with and the keyword automaton it comes with, nothing else.
		// redacttest hands tests the one redactor.
		{pkgPrefix: mod + "/logs", stdlibOnly: true, allow: []string{"github.com/zricethezav/gitleaks/v8/config",
			"github.com/spf13/viper", "github.com/BobuSumisu/aho-corasick", mod + "/logs/redact"}},
		{pkgPrefix: mod + "/act", stdlibOnly: true},
	}
	for _, p := range listPackages(t) {
		if !strings.HasSuffix(p.ImportPath, "_test") && p.ImportPath != mod && p.Doc == "" {
			t.Errorf("%s has no package doc comment (doc.go)", p.ImportPath)
		}
		for _, r := range rules {
			if p.ImportPath != r.pkgPrefix && !strings.HasPrefix(p.ImportPath, r.pkgPrefix+"/") {
				continue
			}
			for _, imp := range p.Imports {
				if slices.Contains(r.allow, imp) && strings.HasPrefix(p.ImportPath, mod+"/logs/redact") {
					continue
				}
				for _, f := range r.forbidden {
					if imp == f || strings.HasPrefix(imp, f+"/") {
						t.Errorf("%s imports %s", p.ImportPath, imp)
					}
				}
				if r.stdlibOnly && strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
					t.Errorf("%s must use only the standard library, imports %s", p.ImportPath, imp)
				}
				if r.stdlibOnly && strings.HasPrefix(imp, mod+"/") {
					t.Errorf("%s is a leaf, imports %s", p.ImportPath, imp)
				}
			}
		}
	}
}
