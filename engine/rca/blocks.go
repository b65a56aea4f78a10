package rca

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// block is one section of the user message: a heading, lines of our own, and outside text
// fenced under a label. Lines of our own that quote outside values are sanitised when built.
type block struct {
	heading string
	lines   []string
	label   string   // fence label; "" when the block has no fenced text
	fenced  []string // sanitised outside text, one line each
	note    string   // said after the fence, e.g. how much was left out
}

// write renders the block without a trailing newline.
func (bl *block) write(sb *strings.Builder, nonce string) {
	sb.WriteString(bl.heading)
	for _, l := range bl.lines {
		sb.WriteByte('\n')
		sb.WriteString(l)
	}
	if bl.label != "" {
		open, closing := fence(bl.label, nonce)
		sb.WriteByte('\n')
		sb.WriteString(open)
		for _, l := range bl.fenced {
			sb.WriteByte('\n')
			sb.WriteString(l)
		}
		sb.WriteByte('\n')
		sb.WriteString(closing)
	}
	if bl.note != "" {
		sb.WriteByte('\n')
		sb.WriteString(bl.note)
	}
}

// tokens is EstimateTokens of what write renders (the estimate adds up line by line).
func (bl *block) tokens(nonce string) int {
	n := EstimateTokens(bl.heading)
	for _, l := range bl.lines {
		n += 1 + EstimateTokens(l)
	}
	if bl.label != "" {
		open, closing := fence(bl.label, nonce)
		n += 2 + EstimateTokens(open) + EstimateTokens(closing)
		for _, l := range bl.fenced {
			n += lineTokens(l)
		}
	}
	if bl.note != "" {
		n += lineTokens(bl.note)
	}
	return n
}

// fit trims the block to budget tokens: fenced text first, then its own lines, both from the
// end, and says how many lines went. Heading and fence lines always stay.
func (bl *block) fit(budget int, nonce string) {
	if bl.tokens(nonce) <= budget {
		return
	}
	cut := 0
	bl.note = "(some lines left out to fit the context)"
	for len(bl.fenced) > 0 && bl.tokens(nonce) > budget {
		bl.fenced = bl.fenced[:len(bl.fenced)-1]
		cut++
	}
	for len(bl.lines) > 0 && bl.tokens(nonce) > budget {
		bl.lines = bl.lines[:len(bl.lines)-1]
		cut++
	}
	bl.note = fmt.Sprintf("(%d lines left out to fit the context)", cut)
}

// factsBlock is what Monit says about the service.
func factsBlock(in Input, nonce string) *block {
	s := in.Snapshot
	q := func(v string) string { return sanitize(v, nonce, 200) }
	bl := &block{heading: "## Service (Monit's facts)", lines: []string{
		"service: " + q(s.Name),
		"host: " + q(s.Host),
		"type: " + s.Type.String(),
		"collected: " + s.CollectedAt.UTC().Format(time.RFC3339),
		"monitoring: " + s.Monitor.Text(),
		fmt.Sprintf("status: %s (bits %d)", s.Status.Text(), s.Status),
	}}
	if s.PendingAction != 0 {
		bl.lines = append(bl.lines, "pending action: "+s.PendingAction.String())
	}
	if fl := figureLine(s); fl != "" {
		bl.lines = append(bl.lines, "figures: "+fl)
	}
	for _, p := range s.Ports {
		if p.CertDays != nil {
			bl.lines = append(bl.lines, fmt.Sprintf("certificate of %s: valid %d days", q(portName(p)), *p.CertDays))
		}
	}
	for _, t := range s.Tests() {
		bl.lines = append(bl.lines, "connection test: "+q(t.Result()))
	}
	if fi := s.File; fi != nil {
		bl.lines = append(bl.lines, fmt.Sprintf("file: mode %s, uid %s, gid %s, modified %s",
			q(fi.Mode), fig("%d", fi.UID), fig("%d", fi.GID), fi.Modified.UTC().Format(time.RFC3339)))
	}
	if n := s.Net; n != nil {
		bl.lines = append(bl.lines, fmt.Sprintf("link: state %s (1 up, 0 down, -1 unknown)", fig("%d", n.LinkState)))
	}
	if p := s.Program; p != nil {
		bl.lines = append(bl.lines, fmt.Sprintf("program: started %s, exit status %s, output:",
			p.Started.UTC().Format(time.RFC3339), fig("%d", p.ExitStatus)))
		bl.label = "OUTPUT"
		for l := range strings.SplitSeq(p.Output, "\n") {
			if l = sanitize(l, nonce, maxLineRunes); strings.TrimSpace(l) != "" {
				bl.fenced = append(bl.fenced, l)
			}
		}
	}
	return bl
}

// eventsBlock lists the recent failure events, newest first.
func eventsBlock(in Input, nonce string) *block {
	bl := &block{heading: "## Recent failure events (newest first)"}
	for _, e := range in.Events {
		bl.lines = append(bl.lines, fmt.Sprintf("- %s %s: %s", e.At.UTC().Format(time.RFC3339), e.Kind,
			sanitize(e.Detail, nonce, 200)))
	}
	if len(bl.lines) == 0 {
		bl.lines = []string{"none recorded"}
	}
	return bl
}

// findingsBlock is the rules' analysis; the evidence quotes are fenced.
func findingsBlock(f Findings, nonce string) *block {
	bl := &block{heading: "## Rules findings (deterministic heuristics)", label: "EVIDENCE"}
	bl.lines = append(bl.lines, "summary: "+sanitize(f.Summary, nonce, 600))
	for _, m := range f.Meaning {
		bl.lines = append(bl.lines, "meaning: "+sanitize(m, nonce, 600))
	}
	for _, c := range f.Causes {
		bl.lines = append(bl.lines, fmt.Sprintf("cause %s: %s", c.ID, c.Title))
		for _, e := range c.Evidence {
			bl.fenced = append(bl.fenced, "["+c.ID+"] "+sanitize(e, nonce, maxLineRunes))
		}
	}
	if len(f.Causes) == 0 {
		bl.lines = append(bl.lines, "cause: none recognised")
	}
	return bl
}

// logsBlock fences the log lines that fit budget tokens.
func logsBlock(in Input, budget int, nonce string) *block {
	if len(in.Logs) == 0 {
		why := "none"
		if in.LogError != "" {
			why = "unavailable: " + sanitize(in.LogError, nonce, 300)
		}
		return &block{heading: "## Logs", lines: []string{why}}
	}
	src := sanitize(in.LogSource, nonce, 200)
	if src == "" {
		src = "the log registry"
	}
	heading := func(kept int) string {
		h := fmt.Sprintf("## Logs from %s (%d of %d lines, oldest first", src, kept, len(in.Logs))
		if kept < len(in.Logs) {
			h += "; older lines left out first, error lines kept first; ⋯ marks a gap"
		}
		return h + ")"
	}
	// Sized with the longest heading a trimmed block can get: the count only shrinks.
	bl := &block{heading: heading(len(in.Logs) - 1), label: "LOGS"}
	budget -= bl.tokens(nonce)
	bl.fenced = fitLogs(in.Logs, budget, nonce)
	kept := 0
	for _, l := range bl.fenced {
		if l != gapMark {
			kept++
		}
	}
	bl.heading = heading(kept)
	return bl
}

// gapMark stands for left-out log lines (one token and its newline).
const gapMark = "⋯"

// fitLogs sanitises the log lines and keeps what fits budget tokens. When they do not all fit,
// it first keeps error lines, newest first, up to half the budget, then fills the rest with
// the newest lines; older lines are left out first. Gaps are marked with gapMark.
func fitLogs(logs []string, budget int, nonce string) []string {
	clean := make([]string, len(logs))
	cost := make([]int, len(logs))
	total := 0
	for i, l := range logs {
		clean[i] = sanitize(l, nonce, maxLineRunes)
		cost[i] = lineTokens(clean[i])
		total += cost[i]
	}
	if total <= budget {
		return clean
	}
	gap := lineTokens(gapMark)
	keep := make([]bool, len(logs))
	used := gap // the gap before the newest run of lines
	for i := len(clean) - 1; i >= 0; i-- {
		if c := cost[i] + gap; used+c <= budget/2 && looksLikeError(clean[i]) {
			keep[i] = true
			used += c
		}
	}
	for i := len(clean) - 1; i >= 0; i-- {
		if keep[i] {
			continue
		}
		if used+cost[i] > budget {
			break
		}
		keep[i] = true
		used += cost[i]
	}
	out := make([]string, 0, len(clean))
	for i, l := range clean {
		switch {
		case keep[i]:
			out = append(out, l)
		case i == 0 || keep[i-1]:
			out = append(out, gapMark)
		}
	}
	return out
}

// sortedUnique returns the distinct strings, sorted.
func sortedUnique(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}
