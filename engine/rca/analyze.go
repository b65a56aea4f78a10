package rca

import (
	"fmt"
	"strings"

	"monit-intel/engine"
)

// Input is everything the analysis of one failing service sees. The caller fetches it; Analyze
// and BuildPrompt only read it.
type Input struct {
	Snapshot  engine.Snapshot
	Events    []engine.Event // recent failure events of the service, newest first
	Logs      []string       // the registry's lines for the service, redacted, oldest first
	LogSource string         // where the lines came from, e.g. "journalctl -u x.service"
	LogError  string         // why there are no lines, e.g. "no log source configured for x"
	// Actions are the whitelisted action names that apply to this service (the model may
	// only suggest these; see Schema and ParseAnswer).
	Actions []string
}

// Cause is one recognised cause. ID is stable ("disk_full", "connection_refused", …) and is
// what tests, caches and the API key on; Title is for humans.
type Cause struct {
	ID       string
	Title    string
	Evidence []string // figures and quoted lines (log lines prefixed as they were read)
}

// Findings is the deterministic analysis. Causes are ordered most specific first: Causes[0]
// is the rules' probable cause.
type Findings struct {
	Summary    string
	Meaning    []string // what each status bit (and the monitoring state) means here
	ExitStatus *int     // a program check's last exit status
	Output     string   // a program check's last output
	ErrorLines []string // log lines that look like errors, oldest first, at most maxErrorLines
	Causes     []Cause
}

// maxErrorLines bounds Findings.ErrorLines: the newest ones are kept.
const maxErrorLines = 30

// Analyze runs the deterministic analysis. It always succeeds: with no logs and no figures it
// still says what the status bits mean.
func Analyze(in Input) Findings {
	s := in.Snapshot
	f := Findings{Meaning: meaning(s)}
	if p := s.Program; p != nil {
		f.ExitStatus = p.ExitStatus
		f.Output = sanitize(p.Output, "", maxOutputRunes)
	}
	f.ErrorLines = errorLines(in.Logs)
	f.Causes = matchCauses(in, textLines(in))
	f.Summary = summary(in, f)
	return f
}

// textLines is the text the cause rules read: the program's output, then the log lines.
func textLines(in Input) []string {
	var lines []string
	if p := in.Snapshot.Program; p != nil {
		for l := range strings.SplitSeq(p.Output, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, "output: "+l)
			}
		}
	}
	return append(lines, in.Logs...)
}

// errorLines returns the newest lines that look like errors, oldest first.
func errorLines(logs []string) []string {
	var out []string
	for i := len(logs) - 1; i >= 0 && len(out) < maxErrorLines; i-- {
		if looksLikeError(logs[i]) {
			out = append(out, sanitize(logs[i], "", maxLineRunes))
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// summary is the one-paragraph verdict of the rules.
func summary(in Input, f Findings) string {
	s := in.Snapshot
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s.", s.Name, s.Type, s.Status.Text())
	if f.ExitStatus != nil {
		fmt.Fprintf(&b, " Exit status %d.", *f.ExitStatus)
	}
	switch {
	case len(f.Causes) > 0:
		fmt.Fprintf(&b, " Probable cause: %s [%s].", f.Causes[0].Title, f.Causes[0].ID)
		if len(f.Causes) > 1 {
			ids := make([]string, 0, len(f.Causes)-1)
			for _, c := range f.Causes[1:] {
				ids = append(ids, c.ID)
			}
			fmt.Fprintf(&b, " Also seen: %s.", strings.Join(ids, ", "))
		}
	default:
		fmt.Fprintf(&b, " No known cause recognised in %d log lines.", len(in.Logs))
	}
	if in.LogError != "" && len(in.Logs) == 0 {
		fmt.Fprintf(&b, " Logs unavailable: %s.", sanitize(in.LogError, "", maxLineRunes))
	}
	return b.String()
}
