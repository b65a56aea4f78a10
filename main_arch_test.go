package main

import (
	"encoding/json"
	"os/exec"
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
	}{
		{pkgPrefix: mod + "/engine", forbidden: []string{mod + "/rest", mod + "/repl", mod + "/bolt", mod + "/sqliteexport"}},
		{pkgPrefix: mod + "/bolt", forbidden: []string{mod + "/sqliteexport", mod + "/rest", mod + "/repl"}},
		{pkgPrefix: mod + "/sqliteexport", forbidden: []string{mod + "/bolt", mod + "/rest", mod + "/repl"}},
		{pkgPrefix: mod + "/repl", forbidden: []string{mod + "/bolt", mod + "/sqliteexport", "go.etcd.io/bbolt", "github.com/mattn/go-sqlite3", mod + "/engine"}},
		{pkgPrefix: mod + "/rest", forbidden: []string{mod + "/bolt", mod + "/sqliteexport"}},
		{pkgPrefix: mod + "/logs", stdlibOnly: true},
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
