package rca

import (
	"fmt"
	"strings"
)

// Render writes the analysis for humans in two labelled parts: "Rules (deterministic)", always,
// and "Model (<model>)" with the model's answer, or "Model: not used" with llmNote (for example
// "model unavailable: ollama at http://127.0.0.1:11434 not reachable") when a is nil. A note
// given with an answer is shown under it. Every line of outside text was sanitised when the
// findings and the answer were made, and is sanitised again here for display.
func Render(f Findings, a *Answer, llmNote string) string {
	var b strings.Builder
	renderRules(&b, f)
	b.WriteString("\n")
	switch {
	case a == nil:
		note := "no answer"
		if llmNote != "" {
			note = show(llmNote)
		}
		fmt.Fprintf(&b, "Model: not used (%s)\n", note)
	default:
		renderModel(&b, a)
		if llmNote != "" {
			fmt.Fprintf(&b, "  Note: %s\n", show(llmNote))
		}
	}
	return b.String()
}

func renderRules(b *strings.Builder, f Findings) {
	b.WriteString("Rules (deterministic)\n")
	fmt.Fprintf(b, "  Summary: %s\n", show(f.Summary))
	if len(f.Meaning) > 0 {
		b.WriteString("  What Monit reports:\n")
		for _, m := range f.Meaning {
			fmt.Fprintf(b, "    - %s\n", show(m))
		}
	}
	if f.ExitStatus != nil {
		fmt.Fprintf(b, "  Exit status: %d\n", *f.ExitStatus)
	}
	if f.Output != "" {
		fmt.Fprintf(b, "  Output: %s\n", show(f.Output))
	}
	if len(f.Causes) == 0 {
		b.WriteString("  Recognised causes: none\n")
	} else {
		b.WriteString("  Recognised causes (most specific first):\n")
		for i, c := range f.Causes {
			fmt.Fprintf(b, "    %d. %s [%s]\n", i+1, c.Title, c.ID)
			for _, e := range c.Evidence {
				fmt.Fprintf(b, "       > %s\n", show(e))
			}
		}
	}
	if len(f.ErrorLines) > 0 {
		fmt.Fprintf(b, "  Error lines (%d, oldest first):\n", len(f.ErrorLines))
		for _, l := range f.ErrorLines {
			fmt.Fprintf(b, "    | %s\n", show(l))
		}
	}
}

func renderModel(b *strings.Builder, a *Answer) {
	model := a.Model
	if model == "" {
		model = "unknown model"
	}
	fmt.Fprintf(b, "Model (%s)\n", show(model))
	fmt.Fprintf(b, "  Summary: %s\n", show(a.Summary))
	fmt.Fprintf(b, "  Probable cause: %s\n", show(a.ProbableCause))
	if len(a.Evidence) > 0 {
		b.WriteString("  Evidence quoted by the model:\n")
		for _, e := range a.Evidence {
			fmt.Fprintf(b, "    > %s\n", show(e))
		}
	}
	if len(a.SuggestedActions) > 0 {
		b.WriteString("  Suggested actions (run only after approval):\n")
		for _, s := range a.SuggestedActions {
			fmt.Fprintf(b, "    - %s %s\n", show(s.Action), quoteShort(s.Service))
		}
	}
	confidence := a.Confidence
	if confidence == "" {
		confidence = "not given"
	}
	fmt.Fprintf(b, "  Confidence: %s\n", confidence)
	for _, n := range a.Notes {
		fmt.Fprintf(b, "  Note: %s\n", show(n))
	}
}

// show sanitises text for a terminal.
func show(s string) string { return sanitize(s, "", 2000) }
