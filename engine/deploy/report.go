package deploy

import (
	"fmt"
	"io"
	"strings"
)

// Op is what Install or Uninstall did (or, in a dry run, would do) to one path.
type Op string

// The operations, as printed.
const (
	OpMkdir     Op = "mkdir"     // created a directory
	OpWrite     Op = "write"     // wrote a file (new, or replacing different content)
	OpUnchanged Op = "unchanged" // the file already had this content
	OpKeep      Op = "keep"      // left alone: the user's file, or edited since install
	OpRemove    Op = "remove"    // removed a file or an empty directory install had created
)

// Change is one line of a Report.
type Change struct {
	Op   Op
	Path string // on the target system, without Options.Root
	Mode string // "0644 root:root" for what is written; empty otherwise
	Note string // why, for keep and remove
}

// Report says what Install or Uninstall did, in order.
type Report struct {
	DryRun      bool
	UserCreated bool     // Install ran useradd (in a dry run: would run it)
	Changes     []Change // one per path
	Notes       []string // warnings and next steps for the operator
}

// Changed returns the paths whose Op is op.
func (r Report) Changed(op Op) []string {
	var out []string
	for _, c := range r.Changes {
		if c.Op == op {
			out = append(out, c.Path)
		}
	}
	return out
}

// printer records changes in a Report and prints them as they happen.
type printer struct {
	rep *Report
	out io.Writer
}

func (p printer) change(c Change) {
	p.rep.Changes = append(p.rep.Changes, c)
	var b strings.Builder
	if p.rep.DryRun {
		b.WriteString("would ")
	}
	fmt.Fprintf(&b, "%-9s %s", c.Op, c.Path)
	if c.Mode != "" {
		fmt.Fprintf(&b, " (%s)", c.Mode)
	}
	if c.Note != "" {
		fmt.Fprintf(&b, ": %s", c.Note)
	}
	fmt.Fprintln(p.out, b.String())
}

// content prints a file's content in a dry run, between markers.
func (p printer) content(f File) {
	fmt.Fprintf(p.out, "----- begin %s -----\n%s", f.Path, f.Content)
	if len(f.Content) > 0 && f.Content[len(f.Content)-1] != '\n' {
		fmt.Fprintln(p.out)
	}
	fmt.Fprintf(p.out, "----- end %s -----\n", f.Path)
}

func (p printer) note(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	p.rep.Notes = append(p.rep.Notes, s)
	fmt.Fprintln(p.out, "note:", s)
}

func modeString(f File) string {
	return fmt.Sprintf("%04o %s:%s", f.Mode.Perm(), f.Owner, f.Group)
}
