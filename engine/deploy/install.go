package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// installer carries one Install run.
type installer struct {
	opts Options
	own  owners
	p    printer
	old  manifest        // the previous install's manifest (zero when none)
	next manifest        // what this install owns
	made map[string]bool // directories created (in a dry run: that would be created)
	// dropped holds the previous manifest's files this run removed, or stopped owning
	// because they were edited.
	dropped map[string]bool
}

// Install writes what Plan returns, creating the service account first when it is missing
// (only on the real system: not with Root or DryRun). It is idempotent: generated files are
// rewritten only when their content differs, the configuration and env file are never
// overwritten, and files a previous install wrote that are no longer planned (the polkit
// rule after switching to sudo, say) are removed unless edited since. When it fails part-way
// the manifest still lists what it wrote, so Uninstall can undo it.
func Install(ctx context.Context, opts Options) (Report, error) {
	callerGroup := opts.Group != ""
	opts = opts.withDefaults()
	rep := Report{DryRun: opts.DryRun}
	in := &installer{opts: opts, own: owners{root: opts.Root, euid: os.Geteuid()}, p: printer{&rep, opts.Out}, made: map[string]bool{}, dropped: map[string]bool{}}
	if err := in.prepare(ctx, callerGroup); err != nil {
		return rep, err
	}
	files, err := Plan(in.opts)
	if err != nil {
		return rep, err
	}
	old, _, err := readManifest(opts.Root)
	if err != nil {
		return rep, err
	}
	in.old = old
	in.next = manifest{Version: manifestVersion, User: in.opts.User,
		UserCreated: old.UserCreated || rep.UserCreated, Dirs: slices.Clone(old.Dirs)}
	err = in.applyAll(ctx, files)
	if !opts.DryRun {
		// Also after a failure: what this run already wrote must stay uninstallable.
		err = errors.Join(err, in.writeManifest())
	}
	if err != nil {
		return rep, err
	}
	in.nextSteps()
	return rep, nil
}

func (in *installer) applyAll(ctx context.Context, files []File) error {
	for _, f := range files {
		if err := in.apply(ctx, f); err != nil {
			return err
		}
	}
	return in.removeStale(files)
}

// writeManifest records what this run wrote, plus the previous manifest's entries this run
// did not get to (after a failure) and did not deliberately drop.
func (in *installer) writeManifest() error {
	for _, m := range in.old.Files {
		if _, ok := in.next.file(m.Path); !ok && !in.dropped[m.Path] {
			in.next.Files = append(in.next.Files, m)
		}
	}
	if len(in.next.Files) == 0 && len(in.next.Dirs) == 0 && !in.next.UserCreated {
		return nil // nothing happened that uninstall would undo
	}
	in.next.InstalledAt = in.opts.Now().UTC()
	return in.writeFile(File{Path: ManifestPath, Mode: 0o644, Owner: "root", Group: "root", Content: in.next.encode()}, nil)
}

// prepare fills in the binary path, the account and its group before planning.
func (in *installer) prepare(ctx context.Context, callerGroup bool) error {
	o := &in.opts
	real := o.Root == ""
	if real && !o.DryRun && in.own.euid != 0 {
		return ErrNeedRoot
	}
	if o.BinaryPath == "" {
		exe, err := os.Executable()
		if err == nil {
			exe, err = filepath.EvalSymlinks(exe)
		}
		if err != nil {
			return fmt.Errorf("find the monit-intel binary: %w", err)
		}
		o.BinaryPath = exe
	}
	if err := o.validate(); err != nil {
		return fmt.Errorf("install options: %w", err)
	}
	if real {
		have, missing := existingGroups(o.Groups)
		if len(missing) > 0 {
			in.p.note("group %s does not exist here: left out of SupplementaryGroups", strings.Join(missing, ", "))
		}
		o.Groups = have
		if err := checkBinary(o.BinaryPath); err != nil && !o.DryRun {
			return err
		} else if err != nil {
			in.p.note("%v", err)
		}
		if err := in.ensureAccount(ctx); err != nil {
			return err
		}
	}
	if g, ok := primaryGroup(o.User); ok && !callerGroup {
		o.Group = g
	}
	return nil
}

// checkBinary makes sure ExecStart will find an executable file.
func checkBinary(p string) error {
	st, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("binary for ExecStart: %w", err)
	}
	if !st.Mode().IsRegular() || st.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("binary for ExecStart: %s is not an executable file", p)
	}
	return nil
}

func (in *installer) ensureAccount(ctx context.Context) error {
	if _, err := user.Lookup(in.opts.User); err == nil {
		return nil
	}
	argv := useraddArgs(in.opts.User, in.opts.Groups)
	in.p.rep.UserCreated = true
	if in.opts.DryRun {
		fmt.Fprintln(in.p.out, "would run:", strings.Join(argv, " "))
		return nil
	}
	if err := runUseradd(ctx, argv); err != nil {
		return fmt.Errorf("create the service account: %w", err)
	}
	fmt.Fprintln(in.p.out, "created account", in.opts.User)
	return nil
}

// apply puts one planned file or directory in place.
func (in *installer) apply(ctx context.Context, f File) error {
	if f.IsDir() {
		return in.mkdirs(f.Path, f)
	}
	if err := in.mkdirs(path.Dir(f.Path), File{}); err != nil {
		return err
	}
	target := onRoot(in.opts.Root, f.Path)
	cur, err := os.ReadFile(target)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read %s: %w", target, err)
	}
	switch {
	case exists && f.KeepIfExists:
		if m, ok := in.old.file(f.Path); ok {
			in.next.Files = append(in.next.Files, m)
		}
		in.p.change(Change{Op: OpKeep, Path: f.Path, Note: "exists; install never overwrites it"})
		return nil
	case exists && bytes.Equal(cur, f.Content):
		in.next.Files = append(in.next.Files, manifestFile{f.Path, sum(f.Content)})
		in.p.change(Change{Op: OpUnchanged, Path: f.Path, Mode: modeString(f)})
		if in.opts.DryRun {
			return nil
		}
		if err := os.Chmod(target, f.Mode.Perm()); err != nil {
			return fmt.Errorf("chmod %s: %w", target, err)
		}
		return in.own.chown(target, f.Owner, f.Group)
	}
	var check func(string) error
	if f.Path == SudoersPath {
		check = in.visudo(ctx)
	}
	in.next.Files = append(in.next.Files, manifestFile{f.Path, sum(f.Content)})
	c := Change{Op: OpWrite, Path: f.Path, Mode: modeString(f)}
	if exists {
		c.Note = "replaces different content"
	}
	in.p.change(c)
	if in.opts.DryRun {
		in.p.content(f)
		return nil
	}
	return in.writeFile(f, check)
}

func (in *installer) writeFile(f File, check func(string) error) error {
	chown := func(p string) error { return in.own.chown(p, f.Owner, f.Group) }
	return writeAtomic(onRoot(in.opts.Root, f.Path), f.Content, f.Mode.Perm(), chown, check)
}

// mkdirs creates dir and its missing parents. A missing parent is 0755 root:root; dir itself
// gets spec's mode and owner when spec is a directory entry from the plan.
func (in *installer) mkdirs(dir string, spec File) error {
	missing, err := missingDirs(in.opts.Root, dir)
	if err != nil {
		return err
	}
	if len(missing) == 0 && spec.IsDir() {
		in.p.change(Change{Op: OpKeep, Path: dir, Note: "exists"})
	}
	if len(missing) > 0 && in.opts.Root != "" && !in.opts.DryRun {
		if err := os.MkdirAll(in.opts.Root, 0o755); err != nil {
			return fmt.Errorf("create root %s: %w", in.opts.Root, err)
		}
	}
	for _, d := range missing {
		if in.made[d] {
			continue
		}
		in.made[d] = true
		f := File{Path: d, Mode: fs.ModeDir | 0o755, Owner: "root", Group: "root"}
		if d == dir && spec.IsDir() {
			f = spec
		}
		in.next.Dirs = append(in.next.Dirs, d)
		in.p.change(Change{Op: OpMkdir, Path: d, Mode: modeString(f)})
		if in.opts.DryRun {
			continue
		}
		target := onRoot(in.opts.Root, d)
		if err := os.Mkdir(target, f.Mode.Perm()); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
		if err := os.Chmod(target, f.Mode.Perm()); err != nil { // the umask may have cut bits
			return fmt.Errorf("chmod %s: %w", d, err)
		}
		if err := in.own.chown(target, f.Owner, f.Group); err != nil {
			return err
		}
	}
	return nil
}

// removeStale removes files the previous install wrote that this plan no longer has, unless
// they were edited since.
func (in *installer) removeStale(files []File) error {
	planned := map[string]bool{ManifestPath: true}
	for _, f := range files {
		planned[f.Path] = true
	}
	for _, m := range in.old.Files {
		if planned[m.Path] {
			continue
		}
		in.dropped[m.Path] = true
		removed, why, err := removeIfUnchanged(onRoot(in.opts.Root, m.Path), m.SHA256, in.opts.DryRun)
		if err != nil {
			return err
		}
		if removed {
			in.p.change(Change{Op: OpRemove, Path: m.Path, Note: "no longer planned"})
		} else if why != "already gone" {
			in.p.change(Change{Op: OpKeep, Path: m.Path, Note: "no longer planned, but " + why})
		}
	}
	return nil
}

// visudo returns a check that runs `visudo -c -f FILE` on the sudoers file before it is put
// in place: a broken file in /etc/sudoers.d stops sudo from working for everyone. Without
// visudo (sudo is not installed) the file is written unchecked, with a note.
func (in *installer) visudo(ctx context.Context) func(string) error {
	bin, err := exec.LookPath("visudo")
	if err != nil {
		in.p.note("visudo not found (is sudo installed?): %s was not checked", SudoersPath)
		return nil
	}
	return func(p string) error {
		out, err := exec.CommandContext(ctx, bin, "-c", "-q", "-f", p).CombinedOutput()
		if err != nil {
			return fmt.Errorf("visudo rejected the generated sudoers file: %w: %s", err, strings.TrimSpace(string(out)))
		}
		return nil
	}
}

// nextSteps tells the operator what install leaves to them.
func (in *installer) nextSteps() {
	o := in.opts
	if len(o.Units) == 0 {
		rule := "polkit rule"
		if o.Sudo {
			rule = "sudoers file"
		}
		in.p.note("actions.units is empty: no %s written, so systemd will refuse systemctl actions; map units in %s and run install again",
			rule, o.ConfigPath)
	}
	if o.Root != "" || o.DryRun {
		return
	}
	for _, c := range in.p.rep.Changes {
		if c.Path == EnvPath && c.Op == OpWrite {
			in.p.note("set MONIT_PASSWORD and MONIT_INTEL_TOKEN in %s", EnvPath)
		}
	}
	in.p.note("then: systemctl daemon-reload && systemctl enable --now monit-intel (restart it if it was running)")
}
