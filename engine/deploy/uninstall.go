package deploy

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// Uninstall removes what the install manifest lists: each file whose content is still what
// install wrote (an edited file is kept and reported), then the manifest, then the
// directories install created, deepest first, when they are empty. It never touches a path
// the manifest does not list, so the service account and the state directory stay; the
// Report's notes say how to remove them. Without a manifest it returns ErrNotInstalled.
//
// Uninstall does not stop the service: run `systemctl disable --now monit-intel` first.
// Only Root, DryRun, Out and (for the notes) User are read from opts.
func Uninstall(ctx context.Context, opts Options) (Report, error) {
	opts = opts.withDefaults()
	rep := Report{DryRun: opts.DryRun}
	p := printer{&rep, opts.Out}
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	if opts.Root == "" && !opts.DryRun && os.Geteuid() != 0 {
		return rep, ErrNeedRoot
	}
	m, ok, err := readManifest(opts.Root)
	if err != nil {
		return rep, err
	}
	if !ok {
		return rep, ErrNotInstalled
	}
	for _, f := range m.Files {
		if err := uninstallFile(p, opts, f); err != nil {
			return rep, err
		}
	}
	p.change(Change{Op: OpRemove, Path: ManifestPath})
	if !opts.DryRun {
		if err := os.Remove(onRoot(opts.Root, ManifestPath)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return rep, fmt.Errorf("remove install manifest: %w", err)
		}
	}
	if err := removeDirs(p, opts, m.Dirs); err != nil {
		return rep, err
	}
	if m.UserCreated {
		p.note("kept the account %s that install created; remove it with: userdel %s", m.User, m.User)
	}
	if opts.Root == "" {
		p.note("kept %s (the service's data); remove it with: rm -r %s", StateDir, StateDir)
		p.note("then: systemctl daemon-reload")
	}
	return rep, nil
}

func uninstallFile(p printer, opts Options, f manifestFile) error {
	removed, why, err := removeIfUnchanged(onRoot(opts.Root, f.Path), f.SHA256, opts.DryRun)
	switch {
	case err != nil:
		return err
	case removed:
		p.change(Change{Op: OpRemove, Path: f.Path})
	default:
		p.change(Change{Op: OpKeep, Path: f.Path, Note: why})
	}
	return nil
}

// removeDirs removes the directories install created, deepest first, if they are empty.
func removeDirs(p printer, opts Options, dirs []string) error {
	dirs = slices.Clone(dirs)
	slices.SortFunc(dirs, func(a, b string) int { // deeper first; then reverse name order
		if d := strings.Count(b, "/") - strings.Count(a, "/"); d != 0 {
			return d
		}
		return strings.Compare(b, a)
	})
	dirs = slices.Compact(dirs)
	for _, d := range dirs {
		if opts.DryRun {
			p.change(Change{Op: OpRemove, Path: d, Note: "if empty"})
			continue
		}
		err := os.Remove(onRoot(opts.Root, d))
		switch {
		case err == nil:
			p.change(Change{Op: OpRemove, Path: d})
		case errors.Is(err, fs.ErrNotExist):
		case isNotEmpty(onRoot(opts.Root, d)):
			p.change(Change{Op: OpKeep, Path: d, Note: "not empty"})
		default:
			return fmt.Errorf("remove %s: %w", d, err)
		}
	}
	return nil
}

func isNotEmpty(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) > 0
}
