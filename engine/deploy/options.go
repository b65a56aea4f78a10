package deploy

import (
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"monit-intel/act"
)

// Defaults and fixed locations on the target system.
const (
	DefaultUser       = "monit-intel"
	DefaultConfigPath = "/etc/monit-intel/config.yaml"
	DefaultBinaryPath = "/usr/local/bin/monit-intel"

	UnitPath     = "/etc/systemd/system/monit-intel.service"
	EnvPath      = "/etc/monit-intel/env"
	EtcDir       = "/etc/monit-intel"
	PolkitPath   = "/etc/polkit-1/rules.d/50-monit-intel.rules"
	SudoersPath  = "/etc/sudoers.d/monit-intel"
	ManifestPath = "/etc/monit-intel/.install-manifest"
	StateDir     = "/var/lib/monit-intel"

	// systemctlPath is what sudoers names. act runs `sudo -n systemctl …`; sudo finds
	// systemctl through secure_path and matches it against this entry by path or, on a
	// merged-/usr system where /bin/systemctl is the same file, by device and inode.
	systemctlPath = "/usr/bin/systemctl"
)

// DefaultGroups are the supplementary groups the service needs to read its log registry:
// the journal (systemd-journal) and /var/log files (adm).
func DefaultGroups() []string { return []string{"systemd-journal", "adm"} }

// Options says what to install and where.
type Options struct {
	// Root, when set, is a directory every path is written under (Root/etc/systemd/system/…).
	// No account is created, and owners missing on this machine fall back to the current user.
	Root string
	// User is the unprivileged account the service runs as (DefaultUser).
	User string
	// Group may read the configuration (mode 0640 root:Group). Empty means the user's primary
	// group when the account exists, else User (useradd --user-group creates it).
	Group string
	// ConfigPath is the configuration the service reads (DefaultConfigPath).
	ConfigPath string
	// BinaryPath is the absolute path of the monit-intel binary for ExecStart. Install uses
	// the running executable when it is empty; Plan requires it.
	BinaryPath string
	// Sudo and Units come from the configuration's actions.sudo and the values of
	// actions.units (see LoadActions). They decide the polkit rule or the sudoers file.
	Sudo  bool
	Units []string
	// Groups are the unit's SupplementaryGroups (DefaultGroups when nil).
	Groups []string
	// DryRun prints what would be written and changes nothing.
	DryRun bool
	// Out receives the dry-run listing and a line per change; nil discards it.
	Out io.Writer
	// Now stamps the manifest; time.Now when nil.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.User == "" {
		o.User = DefaultUser
	}
	if o.Group == "" {
		o.Group = o.User
	}
	if o.ConfigPath == "" {
		o.ConfigPath = DefaultConfigPath
	}
	if o.Groups == nil {
		o.Groups = DefaultGroups()
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	units := slices.Clone(o.Units)
	slices.Sort(units)
	o.Units = slices.Compact(units)
	return o
}

var (
	// accountPattern is a conservative POSIX user or group name.
	accountPattern = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)
	// safePath is what goes into ExecStart unquoted: no spaces, quotes, '%' (a systemd
	// specifier) or '$' (a variable).
	safePath = regexp.MustCompile(`^(/[A-Za-z0-9._+@-]+)+$`)
)

// validate reports every problem, each with its option name.
func (o Options) validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	if !accountPattern.MatchString(o.User) {
		bad("user", "want a name such as monit-intel (lower case, at most 32 bytes), got %q", o.User)
	} else if o.User == "root" {
		bad("user", "the service must run as an unprivileged account, not root")
	}
	if !accountPattern.MatchString(o.Group) {
		bad("group", "want a group name, got %q", o.Group)
	}
	for _, g := range o.Groups {
		if !accountPattern.MatchString(g) {
			bad("groups", "want group names, got %q", g)
		}
	}
	if err := checkServicePath(o.BinaryPath); err != nil {
		bad("binary", "%v", err)
	}
	if err := checkServicePath(o.ConfigPath); err != nil {
		bad("config", "%v", err)
	}
	for _, u := range o.Units {
		if err := act.CheckUnit(u); err != nil {
			bad("actions.units", "%v", err)
		}
	}
	return errors.Join(errs...)
}

// checkServicePath accepts an absolute path the service can see: PrivateTmp=yes gives the
// service its own /tmp and /var/tmp, so a binary or config there would vanish.
func checkServicePath(p string) error {
	if p == "" {
		return errors.New("must not be empty")
	}
	if !safePath.MatchString(p) || path.Clean(p) != p {
		return fmt.Errorf("want a clean absolute path of letters, digits and ._+@- (no spaces or %%), got %q", p)
	}
	for _, hidden := range []string{"/tmp/", "/var/tmp/", "/dev/shm/"} {
		if strings.HasPrefix(p, hidden) {
			return fmt.Errorf("%s is under %s, which the service cannot see (PrivateTmp=yes)", p, hidden)
		}
	}
	return nil
}
