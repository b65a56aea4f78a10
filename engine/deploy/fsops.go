package deploy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// onRoot maps a target path to where it is written: under root when root is set.
func onRoot(root, p string) string {
	if root == "" {
		return p
	}
	return filepath.Join(root, filepath.FromSlash(p))
}

// missingDirs returns the directories from p upwards that do not exist yet, parents first,
// as target paths. It stops at "/" (which exists on the target by definition).
func missingDirs(root, p string) ([]string, error) {
	var missing []string
	for d := p; d != "/" && d != "."; d = path.Dir(d) {
		_, err := os.Lstat(onRoot(root, d))
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("stat %s: %w", d, err)
		}
		missing = append([]string{d}, missing...)
	}
	return missing, nil
}

// writeAtomic writes content to a temporary file beside target, gives it its mode and owner,
// runs check on it (when not nil), and renames it into place, so readers (systemd, polkit,
// sudo) never see a half-written or unchecked file. The temporary name starts with '.' and
// has no .service/.rules suffix, so none of them would load it.
func writeAtomic(target string, content []byte, mode fs.FileMode, chown func(string) error, check func(string) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", target, err)
	}
	name := tmp.Name()
	defer os.Remove(name) // a no-op once renamed
	_, err = tmp.Write(content)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(name, mode)
	}
	if err == nil {
		err = chown(name)
	}
	if err == nil && check != nil {
		err = check(name)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", target, err)
	}
	if err := os.Rename(name, target); err != nil {
		return fmt.Errorf("write %s: %w", target, err)
	}
	return nil
}

// removeIfUnchanged removes target when its content still has the recorded hash (in a dry
// run it only checks). It reports whether it removed the file and, if not, why.
func removeIfUnchanged(target, wantSum string, dryRun bool) (removed bool, why string, err error) {
	b, err := os.ReadFile(target)
	if errors.Is(err, fs.ErrNotExist) {
		return false, "already gone", nil
	}
	if err != nil {
		return false, "", fmt.Errorf("read %s: %w", target, err)
	}
	if sum(b) != wantSum {
		return false, "changed since install; remove it by hand if you no longer need it", nil
	}
	if dryRun {
		return true, "", nil
	}
	if err := os.Remove(target); err != nil {
		return false, "", fmt.Errorf("remove %s: %w", target, err)
	}
	return true, "", nil
}
