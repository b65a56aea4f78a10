package deploy

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func rootOpts(t *testing.T) Options {
	t.Helper()
	return Options{
		Root:       t.TempDir(),
		BinaryPath: DefaultBinaryPath,
		Units:      testUnits(),
		Now:        func() time.Time { return time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC) },
	}
}

// wantIDs is the documented owner rule under Root: as root, names that exist here resolve,
// others fall back to the current user; not as root, nothing is chowned.
func wantIDs(t *testing.T, owner, group string) (uint32, uint32) {
	t.Helper()
	uid, gid := os.Getuid(), os.Getgid()
	if os.Geteuid() != 0 {
		return uint32(uid), uint32(gid)
	}
	if u, err := user.Lookup(owner); err == nil {
		uid, _ = strconv.Atoi(u.Uid)
	}
	if g, err := user.LookupGroup(group); err == nil {
		gid, _ = strconv.Atoi(g.Gid)
	}
	return uint32(uid), uint32(gid)
}

// tree lists every path under root, relative, with its mode.
func tree(t *testing.T, root string) map[string]fs.FileMode {
	t.Helper()
	out := map[string]fs.FileMode{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out["/"+filepath.ToSlash(strings.TrimPrefix(p, root+"/"))] = info.Mode()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestInstallWritesPlanWithModesAndOwners(t *testing.T) {
	for _, sudo := range []bool{false, true} {
		t.Run(map[bool]string{false: "polkit", true: "sudo"}[sudo], func(t *testing.T) {
			opts := rootOpts(t)
			opts.Sudo = sudo
			rep, err := Install(t.Context(), opts)
			if err != nil {
				t.Fatalf("Install() error = %v", err)
			}
			files, _ := Plan(opts)
			rule := map[bool]string{false: PolkitPath, true: SudoersPath}[sudo]
			want := map[string]fs.FileMode{
				EtcDir: fs.ModeDir | 0o750, UnitPath: 0o644, EnvPath: 0o600,
				DefaultConfigPath: 0o640, rule: 0o644, ManifestPath: 0o644,
			}
			if sudo {
				want[rule] = 0o440
			}
			got := tree(t, opts.Root)
			for p, mode := range want {
				if got[p] != mode {
					t.Errorf("%s mode = %v, want %v", p, got[p], mode)
				}
			}
			for _, f := range files {
				st, err := os.Stat(onRoot(opts.Root, f.Path))
				if err != nil {
					t.Fatal(err)
				}
				sys := st.Sys().(*syscall.Stat_t)
				if uid, gid := wantIDs(t, f.Owner, f.Group); sys.Uid != uid || sys.Gid != gid {
					t.Errorf("%s owner = %d:%d, want %d:%d (%s:%s)", f.Path, sys.Uid, sys.Gid, uid, gid, f.Owner, f.Group)
				}
				if f.IsDir() {
					continue
				}
				if b, _ := os.ReadFile(onRoot(opts.Root, f.Path)); !bytes.Equal(b, f.Content) {
					t.Errorf("%s content differs from Plan()", f.Path)
				}
			}
			if w := rep.Changed(OpWrite); len(w) != len(files)-1 {
				t.Errorf("Report written = %v, want the %d planned files", w, len(files)-1)
			}
		})
	}
}

func TestInstallTwiceIsIdempotentAndKeepsEditedConfig(t *testing.T) {
	opts := rootOpts(t)
	if _, err := Install(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	cfg := onRoot(opts.Root, DefaultConfigPath)
	edited := []byte("monit: {url: http://10.0.0.2:2812}\n")
	if err := os.WriteFile(cfg, edited, 0o640); err != nil {
		t.Fatal(err)
	}
	before := tree(t, opts.Root)
	rep, err := Install(t.Context(), opts)
	if err != nil {
		t.Fatalf("second Install() error = %v", err)
	}
	if w := slices.Concat(rep.Changed(OpWrite), rep.Changed(OpMkdir), rep.Changed(OpRemove)); len(w) != 0 {
		t.Errorf("second Install() changed %v, want nothing", w)
	}
	if k := rep.Changed(OpKeep); !slices.Equal(k, []string{EtcDir, EnvPath, DefaultConfigPath}) {
		t.Errorf("second Install() kept %v, want the directory, env and config", k)
	}
	if b, _ := os.ReadFile(cfg); !bytes.Equal(b, edited) {
		t.Errorf("config = %q after the second install, want the edit %q", b, edited)
	}
	if after := tree(t, opts.Root); !maps.Equal(before, after) {
		t.Errorf("tree changed: before %v, after %v", before, after)
	}
}

func TestUninstallRemovesExactlyWhatInstallWrote(t *testing.T) {
	tests := []struct {
		name     string
		prepare  func(t *testing.T, root string) // before install
		edit     func(t *testing.T, root string) // after install
		wantLeft []string
		wantKept []string
	}{
		{name: "fresh root ends empty"},
		{
			name: "an edited env file is kept, with its directory",
			edit: func(t *testing.T, root string) {
				writeFile(t, onRoot(root, EnvPath), "MONIT_PASSWORD=s3cret\n")
			},
			wantLeft: []string{"/etc", EtcDir, EnvPath},
			wantKept: []string{EnvPath, EtcDir, "/etc"},
		},
		{
			name: "files install did not create stay",
			prepare: func(t *testing.T, root string) {
				writeFile(t, onRoot(root, DefaultConfigPath), "listen: 127.0.0.1:9000\n")
				writeFile(t, onRoot(root, "/etc/systemd/system/other.service"), "[Service]\n")
			},
			wantLeft: []string{"/etc", EtcDir, DefaultConfigPath, "/etc/systemd", "/etc/systemd/system", "/etc/systemd/system/other.service"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := rootOpts(t)
			if tt.prepare != nil {
				tt.prepare(t, opts.Root)
			}
			if _, err := Install(t.Context(), opts); err != nil {
				t.Fatal(err)
			}
			if tt.edit != nil {
				tt.edit(t, opts.Root)
			}
			rep, err := Uninstall(t.Context(), opts)
			if err != nil {
				t.Fatalf("Uninstall() error = %v", err)
			}
			var left []string
			for p := range tree(t, opts.Root) {
				left = append(left, p)
			}
			slices.Sort(left)
			slices.Sort(tt.wantLeft)
			if !slices.Equal(left, tt.wantLeft) {
				t.Errorf("left after Uninstall() = %v, want %v", left, tt.wantLeft)
			}
			if k := rep.Changed(OpKeep); !slices.Equal(k, tt.wantKept) {
				t.Errorf("Uninstall() kept %v, want %v", k, tt.wantKept)
			}
			if _, err := Uninstall(t.Context(), opts); !errors.Is(err, ErrNotInstalled) {
				t.Errorf("second Uninstall() error = %v, want ErrNotInstalled", err)
			}
		})
	}
}

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReinstallWithSudoReplacesThePolkitRule(t *testing.T) {
	opts := rootOpts(t)
	if _, err := Install(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	opts.Sudo = true
	rep, err := Install(t.Context(), opts)
	if err != nil {
		t.Fatalf("Install(Sudo) error = %v", err)
	}
	if r := rep.Changed(OpRemove); !slices.Equal(r, []string{PolkitPath}) {
		t.Errorf("removed %v, want the polkit rule", r)
	}
	got := tree(t, opts.Root)
	if _, ok := got[PolkitPath]; ok {
		t.Error("polkit rule still there")
	}
	if got[SudoersPath] != 0o440 {
		t.Errorf("sudoers mode = %v, want 0440", got[SudoersPath])
	}
	if _, err := Uninstall(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	if left := tree(t, opts.Root); len(left) != 0 {
		t.Errorf("left after Uninstall() = %v, want nothing", left)
	}
}

func TestDryRunWritesNothingAndPrintsEverything(t *testing.T) {
	opts := rootOpts(t)
	var out bytes.Buffer
	opts.DryRun, opts.Out = true, &out
	rep, err := Install(t.Context(), opts)
	if err != nil {
		t.Fatalf("Install(DryRun) error = %v", err)
	}
	if left := tree(t, opts.Root); len(left) != 0 {
		t.Errorf("dry run wrote %v", left)
	}
	files, _ := Plan(opts)
	for _, f := range files {
		if !strings.Contains(out.String(), f.Path) || !bytes.Contains(out.Bytes(), f.Content) {
			t.Errorf("dry-run output lacks %s or its content:\n%s", f.Path, out.String())
		}
	}
	if m := rep.Changed(OpMkdir); len(m) != len(slices.Compact(m)) {
		t.Errorf("dry run lists a directory twice: %v", m)
	}
}

func TestReinstallRestoresModes(t *testing.T) {
	opts := rootOpts(t)
	opts.Sudo = true
	if _, err := Install(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	got := onRoot(opts.Root, SudoersPath)
	if err := os.Chmod(got, 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := Install(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(got); st.Mode() != 0o440 {
		t.Errorf("sudoers mode = %v after reinstall, want 0440", st.Mode())
	}
}

func TestVisudoCheckKeepsABrokenSudoersOutOfPlace(t *testing.T) {
	requireTool(t, "visudo", "sudo")
	good := planned(t, Options{BinaryPath: DefaultBinaryPath, Sudo: true, Units: testUnits()}, SudoersPath).Content
	tests := []struct {
		name    string
		content []byte
		wantErr bool
	}{
		{"generated", good, false},
		{"broken", []byte("monit-intel ALL = (root) NOPASSWD: /usr/bin/systemctl start a:b\n"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &installer{p: printer{&Report{}, io.Discard}}
			dir := t.TempDir()
			target := filepath.Join(dir, "monit-intel")
			noChown := func(string) error { return nil }
			err := writeAtomic(target, tt.content, 0o440, noChown, in.visudo(t.Context()))
			if (err != nil) != tt.wantErr {
				t.Fatalf("writeAtomic() error = %v, wantErr %v", err, tt.wantErr)
			}
			entries, _ := os.ReadDir(dir)
			if wantFiles := map[bool]int{false: 1, true: 0}[tt.wantErr]; len(entries) != wantFiles {
				t.Errorf("directory holds %d entries, want %d (no temporary file left behind)", len(entries), wantFiles)
			}
		})
	}
}

// TestDryRunOnTheRealSystem takes the path a real install takes (account, groups, binary
// checks against this machine) without writing anything.
func TestDryRunOnTheRealSystem(t *testing.T) {
	before := tree(t, "/etc/systemd/system")
	var out bytes.Buffer
	rep, err := Install(t.Context(), Options{BinaryPath: "/bin/true", Units: testUnits(), DryRun: true, Out: &out})
	if err != nil {
		t.Fatalf("Install(DryRun) error = %v", err)
	}
	_, lookupErr := user.Lookup(DefaultUser)
	if rep.UserCreated != (lookupErr != nil) {
		t.Errorf("UserCreated = %v, but the account exists = %v", rep.UserCreated, lookupErr == nil)
	}
	if rep.UserCreated && !strings.Contains(out.String(), "would run: useradd --system --no-create-home --shell /usr/sbin/nologin --user-group") {
		t.Errorf("dry run does not show the useradd command:\n%s", out.String())
	}
	if after := tree(t, "/etc/systemd/system"); !maps.Equal(before, after) {
		t.Errorf("a dry run changed /etc/systemd/system")
	}
}

// TestFailedInstallStaysUninstallable: install stops at the polkit rule (a file stands where
// its directory should be); the manifest still lists what it wrote before, so uninstall
// removes that and leaves the obstacle.
func TestFailedInstallStaysUninstallable(t *testing.T) {
	opts := rootOpts(t)
	writeFile(t, onRoot(opts.Root, "/etc/polkit-1"), "not a directory\n")
	if _, err := Install(t.Context(), opts); err == nil {
		t.Fatal("Install() error = nil, want one for the blocked polkit directory")
	}
	if _, err := os.Stat(onRoot(opts.Root, UnitPath)); err != nil {
		t.Fatalf("the unit should have been written before the failure: %v", err)
	}
	if _, err := Uninstall(t.Context(), opts); err != nil {
		t.Fatalf("Uninstall() error = %v", err)
	}
	var left []string
	for p := range tree(t, opts.Root) {
		left = append(left, p)
	}
	slices.Sort(left)
	if want := []string{"/etc", "/etc/polkit-1"}; !slices.Equal(left, want) {
		t.Errorf("left after Uninstall() = %v, want %v", left, want)
	}
}
