package deploy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
)

// ErrNeedRoot is returned by Install and Uninstall on the real system (no Root, no DryRun)
// when the process is not root.
var ErrNeedRoot = errors.New("installing into / needs root (or use --root DIR or --dry-run)")

// owners turns owner and group names into ids for chown.
type owners struct {
	root string // Options.Root: names missing on this machine fall back to the current user
	euid int
}

// ids returns the ids to chown to; ok is false when nothing should be chowned because the
// process is not root (its files are its own anyway).
func (o owners) ids(owner, group string) (uid, gid int, ok bool, err error) {
	if o.euid != 0 {
		return 0, 0, false, nil
	}
	uid, err = lookupID(owner, func(n string) (string, error) {
		u, err := user.Lookup(n)
		if err != nil {
			return "", err
		}
		return u.Uid, nil
	})
	if err != nil {
		if o.root == "" {
			return 0, 0, false, fmt.Errorf("owner %s: %w", owner, err)
		}
		uid = os.Getuid()
	}
	gid, err = lookupID(group, func(n string) (string, error) {
		g, err := user.LookupGroup(n)
		if err != nil {
			return "", err
		}
		return g.Gid, nil
	})
	if err != nil {
		if o.root == "" {
			return 0, 0, false, fmt.Errorf("group %s: %w", group, err)
		}
		gid = os.Getgid()
	}
	return uid, gid, true, nil
}

func lookupID(name string, lookup func(string) (string, error)) (int, error) {
	s, err := lookup(name)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(s)
}

func (o owners) chown(path, owner, group string) error {
	uid, gid, ok, err := o.ids(owner, group)
	if err != nil || !ok {
		return err
	}
	if err := os.Lchown(path, uid, gid); err != nil {
		return fmt.Errorf("chown %s: %w", path, err)
	}
	return nil
}

// useraddArgs is the argv that creates the service account: a system account without a home
// or a login shell, with a group of its own name, in the log-reading groups.
func useraddArgs(name string, groups []string) []string {
	args := []string{"useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "--user-group"}
	if len(groups) > 0 {
		args = append(args, "--groups", strings.Join(groups, ","))
	}
	return append(args, name)
}

func runUseradd(ctx context.Context, argv []string) error {
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// existingGroups splits groups into those that exist on this machine and those that do not.
// A missing group in SupplementaryGroups= would stop the service from starting.
func existingGroups(groups []string) (have, missing []string) {
	for _, g := range groups {
		if _, err := user.LookupGroup(g); err != nil {
			missing = append(missing, g)
			continue
		}
		have = append(have, g)
	}
	return have, missing
}

// primaryGroup returns the name of the user's primary group, if the user exists.
func primaryGroup(name string) (string, bool) {
	u, err := user.Lookup(name)
	if err != nil {
		return "", false
	}
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		return "", false
	}
	return g.Name, true
}
