package mother

import (
	"context"
	"fmt"
	"strings"

	"monit-intel/engine"
	"monit-intel/engine/rca"
)

// why explains one service's failure: its state, the rules' findings (rca.Analyze, no model),
// and the newest stored analysis when it belongs to the current failure. The model then gets
// the service block (facts, events, findings and logs, fenced) and that analysis.
func (tr *turnState) why(ctx context.Context, in Intent) answer {
	c, note, ok := tr.oneService(in)
	if !ok {
		return tr.askService()
	}
	name := c.Snapshot.Name
	lw, at := tr.failureWindow(ctx, c, in.Window)
	input, logNote := tr.serviceInput(ctx, c, lw)
	f := rca.Analyze(input)
	var b strings.Builder
	b.WriteString(note)
	b.WriteString(statusLine(c, tr.now, tr.fleet) + "\n")
	if !at.IsZero() {
		fmt.Fprintf(&b, "Failure at %s; log %s:\n", stamp(at, tr.now), windowText(lw, tr.now))
		b.WriteString(logNote)
		for _, l := range input.Logs[max(0, len(input.Logs)-whyLogLines):] {
			b.WriteString("  " + show(l) + "\n")
		}
	}
	fmt.Fprintf(&b, "Rules: %s\n", show(f.Summary)) // names the probable cause and the others seen
	a := answer{services: []string{name}, logs: input.Logs, prose: true, window: in.Window,
		task: fmt.Sprintf("Explain in plain words why %s is failing (or, if it is OK now, what its last failure was) and what to check next.", show(name))}
	if an, ok := tr.currentAnalysis(ctx, c); ok {
		writeAnalysis(&b, an, tr)
		a.sections = append(a.sections, section{heading: fmt.Sprintf("## Stored analysis #%d of %s", an.ID, show(name)),
			label: "ANALYSIS", lines: strings.Split(an.Text, "\n")})
	}
	a.facts = b.String()
	a.sections = append(a.sections, serviceSection(input, f))
	return a
}

// whyLogLines is how many of the lines around a failure the facts show.
const whyLogLines = 8

// currentAnalysis returns the newest stored analysis of the service when it is about the
// current failure (made at or after the failure started), or about the last one when the
// service is OK now.
func (tr *turnState) currentAnalysis(ctx context.Context, c engine.Classified) (engine.Analysis, bool) {
	ans, err := tr.m.data.Analyses(ctx, c.Snapshot.Host, c.Snapshot.Name, 1)
	if err != nil || len(ans) == 0 {
		return engine.Analysis{}, false
	}
	an := ans[0]
	if c.Snapshot.Failing() && !c.State.Since.IsZero() && an.At.Before(c.State.Since) {
		return engine.Analysis{}, false
	}
	return an, true
}

func writeAnalysis(b *strings.Builder, an engine.Analysis, tr *turnState) {
	by := "rules only"
	if an.Source == engine.SourceLLM {
		by = "model " + show(an.Model)
	}
	fmt.Fprintf(b, "Stored analysis #%d (%s, %s):", an.ID, stamp(an.At, tr.now), by)
	switch {
	case an.ProbableCause != "":
		fmt.Fprintf(b, " %s\n", show(an.ProbableCause))
	default:
		fmt.Fprintf(b, " %s\n", show(an.Summary))
	}
	for _, s := range an.SuggestedActions {
		fmt.Fprintf(b, "  it suggests: %s %s (ask me to, and approve it, to run it)\n", show(s.Action), show(s.Service))
	}
}

// logs shows a service's last lines; the model gets the service block with all the lines
// that fit.
func (tr *turnState) logs(ctx context.Context, in Intent) answer {
	c, note, ok := tr.oneService(in)
	if !ok {
		return tr.askService()
	}
	name := c.Snapshot.Name
	input, logNote := tr.serviceInput(ctx, c, in.Window)
	var b strings.Builder
	b.WriteString(note + logNote)
	if input.LogError != "" {
		fmt.Fprintf(&b, "No logs for %s: %s\n", show(name), show(input.LogError))
		return answer{facts: b.String(), services: []string{name}}
	}
	n := defaultLogLines
	if in.Count > 0 {
		n = min(in.Count, maxLogLines)
	}
	lines := input.Logs[max(0, len(input.Logs)-n):]
	scope := ""
	if in.Window.Said() && !strings.Contains(logNote, "carry no time") {
		scope = " " + windowText(in.Window, tr.now)
	}
	head := fmt.Sprintf("%s: last %s of %s%s (secrets redacted)", show(name), plural(len(lines), "line"),
		show(input.LogSource), scope)
	b.WriteString(head + ":\n")
	for _, l := range lines {
		b.WriteString("  " + show(l) + "\n")
	}
	if len(lines) == 0 {
		b.WriteString("  (the log is empty)\n")
	}
	return answer{facts: b.String(), modelFacts: note + head + " (the lines are in the LOGS block below)\n",
		services: []string{name}, logs: input.Logs, prose: len(lines) > 0, window: in.Window,
		sections: []section{serviceSection(input, rca.Analyze(input))},
		task:     fmt.Sprintf("Summarise in two to four sentences what these log lines show about %s; point out errors and what they suggest.", show(name))}
}

// serviceSection is the service block of rca's prompt: Monit's facts, the recent events, the
// rules' findings and the logs, sanitised, fenced and trimmed to the budget by rca itself.
func serviceSection(in rca.Input, f rca.Findings) section {
	return section{render: func(budget int, nonce string) string { return rcaBlock(in, f, budget, nonce) }}
}

// rcaBlock cuts rca's user message down to its data: the nonce line and the task (which asks
// for JSON) go; the blocks between them stay. The budget is passed on so that the blocks, the
// lines rca adds and rca's own system prompt's share are all counted.
func rcaBlock(in rca.Input, f rca.Findings, budget int, nonce string) string {
	if budget <= 0 {
		return ""
	}
	sys := rca.BuildPrompt(rca.Input{}, rca.Findings{}, rca.Budget{NumCtx: 1, NumPredict: 1}, nonce)[0]
	overhead := rca.PromptTokens([]engine.LLMMessage{sys, {Role: "user"}})
	msgs := rca.BuildPrompt(in, f, rca.Budget{NumCtx: budget + overhead + 1, NumPredict: 1}, nonce)
	user := msgs[1].Content
	if i := strings.Index(user, "\n\n"); i >= 0 {
		user = user[i+2:]
	}
	if i := strings.LastIndex(user, "\n\n## Task\n"); i >= 0 {
		user = user[:i]
	}
	return user
}
