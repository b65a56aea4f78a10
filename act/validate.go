package act

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxName bounds service and unit names. Monit allows longer names, but no real one needs it.
const maxName = 128

// unitPattern: systemd's unit name characters; the first character may not be '-' or '.',
// so a unit can never be read as an option ("-x") or a hidden/relative path ("..").
var unitPattern = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9@._:-]*$`)

// CheckUnit reports whether unit is acceptable as a systemd unit name: a plain name
// ("nordvpnd", which systemctl completes to .service) or one ending in .service, .timer,
// .socket, .mount, .target or .path; at most 128 bytes. The error wraps ErrRefused. The
// configuration can call it to reject a bad actions.units entry at startup.
func CheckUnit(unit string) error {
	if unit == "" || len(unit) > maxName || !unitPattern.MatchString(unit) {
		return fmt.Errorf("%w: unit %s fails the unit name pattern %s (at most %d bytes)",
			ErrRefused, quote(unit), unitPattern, maxName)
	}
	if i := strings.LastIndexByte(unit, '.'); i >= 0 {
		switch suffix := unit[i+1:]; suffix {
		case "service", "timer", "socket", "mount", "target", "path":
		case "device", "swap", "automount", "slice", "scope":
			return fmt.Errorf("%w: unit %s: .%s units are not allowed", ErrRefused, quote(unit), suffix)
		}
	}
	return nil
}

// checkService applies the rules every service name must pass, whether or not it is known.
// Monit accepts almost anything as a name, so this guards what matters once the name is an
// argument or a URL path segment: option injection (a leading '-'), control characters and
// invisible format characters (newlines, bidi overrides), paths ('/', "."/".."), names that
// would hit Monit's own endpoints (a leading '_': /_runtime, /_doaction) and "all", which the
// monit CLI treats as every service.
func checkService(name string) error {
	bad := func(why string) error {
		return fmt.Errorf("%w: service name %s %s", ErrRefused, quote(name), why)
	}
	switch {
	case name == "":
		return bad("is empty")
	case len(name) > maxName:
		return bad(fmt.Sprintf("is longer than %d bytes", maxName))
	case !utf8.ValidString(name):
		return bad("is not valid UTF-8")
	case name[0] == '-':
		return bad("starts with '-' (it would be read as an option)")
	case name[0] == '_':
		return bad("starts with '_' (Monit's own endpoints do)")
	case name == "." || name == "..":
		return bad("is a path element")
	case strings.EqualFold(name, "all"):
		return bad("means every service to the monit CLI")
	case strings.ContainsAny(name, `/\`):
		return bad("contains a path separator")
	}
	for _, r := range name {
		if r != ' ' && !unicode.IsPrint(r) {
			return bad(fmt.Sprintf("contains the non-printing character %U", r))
		}
	}
	return nil
}

// argv builds the argument vector for c from the whitelist template. c's target fields must
// already be checked.
func argv(sp spec, c Command, o Options) []string {
	switch sp.kind {
	case kindSystemctl:
		if o.Sudo {
			return []string{o.SudoPath, "-n", o.SystemctlPath, sp.verb, c.Unit}
		}
		return []string{o.SystemctlPath, sp.verb, c.Unit}
	case kindJournal:
		return []string{o.JournalctlPath, "-u", c.Unit, "-n", fmt.Sprint(o.JournalLines), "--no-pager"}
	case kindMonit:
		if o.MonitControlFile != "" {
			return []string{o.MonitPath, "-c", o.MonitControlFile, sp.verb, c.Service}
		}
		return []string{o.MonitPath, sp.verb, c.Service}
	}
	return nil
}

// display joins argv for reading, single-quoting anything a shell reader might misread.
// It is never given to a shell.
func display(argv []string) string {
	parts := make([]string, len(argv))
	for i, a := range argv {
		parts[i] = shellQuote(a)
	}
	return strings.Join(parts, " ")
}

var plainWord = regexp.MustCompile(`^[A-Za-z0-9@%_+=:,./-]+$`)

func shellQuote(s string) string {
	if plainWord.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
