package rca

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Limits on what ParseAnswer keeps of a model's answer.
const (
	maxAnswerRunes  = 1000 // summary, probable cause
	maxEvidence     = 8
	maxSuggested    = 5
	maxServiceRunes = 128
)

// ErrUselessAnswer wraps every answer ParseAnswer cannot use.
var ErrUselessAnswer = errors.New("unusable model answer")

// Suggested is one action the model proposes. It is data: a human approves it and the act
// package checks it again before anything runs.
type Suggested struct {
	Action  string `json:"action"`
	Service string `json:"service"`
}

// Answer is the model's checked, sanitised analysis. Model is not part of the model's JSON:
// the caller sets it from the reply, for Render.
type Answer struct {
	Model            string      `json:"-"`
	Summary          string      `json:"summary"`
	ProbableCause    string      `json:"probable_cause"`
	Evidence         []string    `json:"evidence"`
	SuggestedActions []Suggested `json:"suggested_actions"`
	Confidence       string      `json:"confidence"` // "low", "medium", "high" or "" when the model gave something else
	Notes            []string    `json:"-"`          // what ParseAnswer dropped or changed, and why
}

// Schema returns the JSON schema sent as Ollama's format: the answer's object, with the
// action names limited to actions (no actions: the list must stay empty). Properties are in
// the order the model should think: summary and cause before evidence, confidence last.
func Schema(actions []string) json.RawMessage {
	act := `{"type":"array","maxItems":0}`
	if names := sortedUnique(actions); len(names) > 0 {
		enum, _ := json.Marshal(names) // a []string always marshals
		act = `{"type":"array","maxItems":` + fmt.Sprint(maxSuggested) + `,"items":{"type":"object",` +
			`"properties":{"action":{"type":"string","enum":` + string(enum) + `},"service":{"type":"string"}},` +
			`"required":["action","service"]}}`
	}
	return json.RawMessage(`{"type":"object","properties":{` +
		`"summary":{"type":"string","minLength":1},` +
		`"probable_cause":{"type":"string","minLength":1},` +
		`"evidence":{"type":"array","maxItems":` + fmt.Sprint(maxEvidence) + `,"items":{"type":"string"}},` +
		`"suggested_actions":` + act + `,` +
		`"confidence":{"type":"string","enum":["low","medium","high"]}},` +
		`"required":["summary","probable_cause","evidence","suggested_actions","confidence"]}`)
}

// ParseAnswer reads the model's JSON answer. It fails (wrapping ErrUselessAnswer) when the
// content is not one JSON object of the schema's shape or says neither a summary nor a cause.
// Everything else is kept, sanitised for display, with a note for each thing it drops or
// changes: an action allowed rejects, a duplicate, a confidence outside low/medium/high, text
// cut to its limit. It never acts on anything the model says.
func ParseAnswer(content string, allowed func(action string) bool) (Answer, error) {
	var a Answer
	dec := json.NewDecoder(strings.NewReader(stripCodeFence(content)))
	if err := dec.Decode(&a); err != nil {
		return Answer{}, fmt.Errorf("%w: %w", ErrUselessAnswer, err)
	}
	if dec.More() {
		return Answer{}, fmt.Errorf("%w: text after the JSON object", ErrUselessAnswer)
	}
	a.Model, a.Notes = "", nil
	a.Summary = a.text("summary", a.Summary, maxAnswerRunes)
	a.ProbableCause = a.text("probable_cause", a.ProbableCause, maxAnswerRunes)
	if a.Summary == "" && a.ProbableCause == "" {
		return Answer{}, fmt.Errorf("%w: neither summary nor probable_cause", ErrUselessAnswer)
	}
	a.Evidence = a.evidence(a.Evidence)
	a.SuggestedActions = a.actions(a.SuggestedActions, allowed)
	switch c := strings.ToLower(strings.TrimSpace(a.Confidence)); c {
	case "low", "medium", "high":
		a.Confidence = c
	default:
		a.note("confidence %q is not low, medium or high", a.Confidence)
		a.Confidence = ""
	}
	return a, nil
}

// stripCodeFence removes a Markdown code fence some models wrap JSON in.
func stripCodeFence(s string) string {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "```"); ok {
		rest = strings.TrimPrefix(rest, "json")
		s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "```"))
	}
	return s
}

// text sanitises one field and notes a cut.
func (a *Answer) text(field, s string, max int) string {
	out := strings.TrimSpace(sanitize(s, "", max))
	if strings.HasSuffix(out, "…") && !strings.HasSuffix(strings.TrimSpace(s), "…") {
		a.note("%s cut to %d characters", field, max)
	}
	return out
}

// evidence keeps the first maxEvidence non-empty quotes.
func (a *Answer) evidence(in []string) []string {
	out := make([]string, 0, min(len(in), maxEvidence))
	for _, e := range in {
		if e = a.text("evidence", e, maxLineRunes); e == "" {
			continue
		}
		if len(out) == maxEvidence {
			a.note("evidence cut to %d lines", maxEvidence)
			break
		}
		out = append(out, e)
	}
	return out
}

// actions keeps the allowed, distinct suggestions. The service name is kept as it was given
// (sanitised for display): it is data that act checks against the known services.
func (a *Answer) actions(in []Suggested, allowed func(string) bool) []Suggested {
	out := make([]Suggested, 0, min(len(in), maxSuggested))
	for _, s := range in {
		s.Action = strings.TrimSpace(s.Action)
		s.Service = sanitize(strings.TrimSpace(s.Service), "", maxServiceRunes)
		switch {
		case allowed == nil || !allowed(s.Action):
			a.note("dropped action %s: not in the whitelist", quoteShort(s.Action))
		case s.Service == "":
			a.note("dropped action %s: no service named", s.Action)
		case slices.Contains(out, s):
			a.note("dropped duplicate action %s %s", s.Action, quoteShort(s.Service))
		case len(out) == maxSuggested:
			a.note("dropped action %s %s: more than %d suggested", s.Action, quoteShort(s.Service), maxSuggested)
		default:
			out = append(out, s)
		}
	}
	return out
}

// quoteShort shows a model-chosen name safely in a note: sanitised, cut, and quoted only when
// it is not a plain word.
func quoteShort(s string) string {
	s = sanitize(s, "", 64)
	for _, r := range s {
		if !(r == '_' || r == '-' || r == '.' || r == '@' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return fmt.Sprintf("%q", s)
		}
	}
	if s == "" {
		return `""`
	}
	return s
}

func (a *Answer) note(format string, args ...any) {
	a.Notes = append(a.Notes, fmt.Sprintf(format, args...))
}
