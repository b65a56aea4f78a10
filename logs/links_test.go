package logs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// shadowFile stands for /etc/shadow: a file outside the registry that a link may point at.
func shadowFile(t *testing.T) string {
	t.Helper()
	return writeFile(t, t.TempDir(), "shadow", "root:$6$rounds=5000$saltsalt$hashhashhash:19000:0:99999:7:::\n")
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// TestNeverFollowsLinks: a link where the registry expects a log is never read, whether it
// matches a glob entry, stands at a tail entry's path or replaces a file already tailed.
func TestNeverFollowsLinks(t *testing.T) {
	shadow := shadowFile(t)
	t.Run("glob match that is a link is skipped", func(t *testing.T) {
		dir := t.TempDir()
		old := writeFile(t, dir, "app-1.log", "an ordinary line\n")
		if err := os.Chtimes(old, time.Now().Add(-time.Hour), time.Now().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		symlink(t, shadow, filepath.Join(dir, "app-2.log")) // newer and greater: would win
		r := newTestRegistry(t, map[string]Source{"app": {Strategy: StrategyGlob, Path: filepath.Join(dir, "app-*.log")}}, Options{})
		res, err := r.Read(t.Context(), "app", 10)
		if err != nil || res.File != old || strings.Contains(strings.Join(res.Lines, "\n"), "root:") {
			t.Errorf("Read() = %+v, %v, want %s only", res, err, old)
		}
	})
	t.Run("glob matching only a link", func(t *testing.T) {
		dir := t.TempDir()
		symlink(t, shadow, filepath.Join(dir, "app-1.log"))
		r := newTestRegistry(t, map[string]Source{"app": {Strategy: StrategyGlob, Path: filepath.Join(dir, "app-*.log")}}, Options{})
		res, err := r.Read(t.Context(), "app", 10)
		if !errors.Is(err, ErrNotLogFile) || len(res.Lines) > 0 {
			t.Errorf("Read() = %+v, %v, want ErrNotLogFile", res, err)
		}
	})
	t.Run("tail path that is a link", func(t *testing.T) {
		link := filepath.Join(t.TempDir(), "app.log")
		symlink(t, shadow, link)
		r := newTestRegistry(t, map[string]Source{"app": {Strategy: StrategyTail, Path: link}}, Options{})
		res, err := r.Read(t.Context(), "app", 10)
		if !errors.Is(err, ErrNotLogFile) || !strings.Contains(err.Error(), "symbolic link") || len(res.Lines) > 0 {
			t.Errorf("Read() = %+v, %v, want ErrNotLogFile naming the link", res, err)
		}
	})
	t.Run("tailed file replaced by a link", func(t *testing.T) {
		dir := t.TempDir()
		path := writeFile(t, dir, "app.log", "before\n")
		r := newTestRegistry(t, map[string]Source{"app": {Strategy: StrategyTail, Path: path}}, Options{})
		if res, err := r.Read(t.Context(), "app", 10); err != nil || len(res.Lines) != 1 {
			t.Fatalf("Read() = %+v, %v, want the file's line", res, err)
		}
		tmp := filepath.Join(dir, "swap")
		symlink(t, shadow, tmp)
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
		res, err := r.Read(t.Context(), "app", 10)
		if !errors.Is(err, ErrNotLogFile) || len(res.Lines) > 0 {
			t.Errorf("Read() after the swap = %+v, %v, want ErrNotLogFile", res, err)
		}
	})
}

// TestRefusesSpecialFiles: a FIFO (which would block a reader), a device and a directory are
// refused at once with ErrNotLogFile, by tail and glob entries alike.
func TestRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.log")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	subdir := filepath.Join(dir, "sub.log")
	if err := os.Mkdir(subdir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]Source{
		"fifo":            {Strategy: StrategyTail, Path: fifo},
		"device":          {Strategy: StrategyTail, Path: os.DevNull},
		"directory":       {Strategy: StrategyTail, Path: subdir},
		"glob only fifo":  {Strategy: StrategyGlob, Path: filepath.Join(dir, "pipe*")},
		"glob only a dir": {Strategy: StrategyGlob, Path: filepath.Join(dir, "sub*")},
	} {
		t.Run(name, func(t *testing.T) {
			r := newTestRegistry(t, map[string]Source{"svc": src}, Options{})
			done := make(chan error, 1)
			go func() {
				_, err := r.Read(t.Context(), "svc", 5)
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, ErrNotLogFile) {
					t.Errorf("Read() error = %v, want ErrNotLogFile", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Read() blocked")
			}
		})
	}
}
