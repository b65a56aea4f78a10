package rca

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode"
)

func allowTest(action string) bool { return slices.Contains(testActions, action) }

func TestParseAnswer(t *testing.T) {
	tests := []struct {
		name      string
		content   string
		want      Answer
		wantError bool
	}{
		{
			name: "valid",
			content: `{"summary":"nginx stopped: the disk is full.","probable_cause":"/var is full",` +
				`"evidence":["ERROR: No space left on device"],` +
				`"suggested_actions":[{"action":"systemctl_status","service":"nginx"}],"confidence":"medium"}`,
			want: Answer{Summary: "nginx stopped: the disk is full.", ProbableCause: "/var is full",
				Evidence: []string{"ERROR: No space left on device"}, Confidence: "medium",
				SuggestedActions: []Suggested{{Action: "systemctl_status", Service: "nginx"}}},
		},
		{
			name:    "code fence, upper-case confidence, extra field, empty evidence",
			content: "```json\n{\"summary\":\"s\",\"probable_cause\":\"c\",\"evidence\":[\"\", \" \"],\"suggested_actions\":[],\"confidence\":\"HIGH\",\"extra\":1}\n```",
			want:    Answer{Summary: "s", ProbableCause: "c", Evidence: []string{}, SuggestedActions: []Suggested{}, Confidence: "high"},
		},
		{
			name: "unknown actions dropped and noted",
			content: `{"summary":"s","probable_cause":"c","evidence":[],"confidence":"low","suggested_actions":[` +
				`{"action":"rm_rf","service":"/"},{"action":"shell","service":"x"},{"action":"monit_restart","service":"php-fpm"},` +
				`{"action":"monit_restart","service":"php-fpm"},{"action":"systemctl_restart","service":""}]}`,
			want: Answer{Summary: "s", ProbableCause: "c", Evidence: []string{}, Confidence: "low",
				SuggestedActions: []Suggested{{Action: "monit_restart", Service: "php-fpm"}},
				Notes: []string{
					"dropped action rm_rf: not in the whitelist",
					"dropped action shell: not in the whitelist",
					"dropped duplicate action monit_restart php-fpm",
					"dropped action systemctl_restart: no service named",
				}},
		},
		{
			name: "injection-like service name kept as data",
			content: `{"summary":"s","probable_cause":"c","evidence":[],"confidence":"low","suggested_actions":[` +
				`{"action":"systemctl_restart","service":"nginx; rm -rf / #\u001b[2J"}]}`,
			want: Answer{Summary: "s", ProbableCause: "c", Evidence: []string{}, Confidence: "low",
				SuggestedActions: []Suggested{{Action: "systemctl_restart", Service: "nginx; rm -rf / #[2J"}}},
		},
		{
			name:    "confidence outside the enum",
			content: `{"summary":"s","probable_cause":"c","evidence":[],"suggested_actions":[],"confidence":"certain"}`,
			want: Answer{Summary: "s", ProbableCause: "c", Evidence: []string{}, SuggestedActions: []Suggested{},
				Notes: []string{`confidence "certain" is not low, medium or high`}},
		},
		{
			name:    "only a cause is still useful",
			content: `{"probable_cause":"the disk is full"}`,
			want: Answer{ProbableCause: "the disk is full", Evidence: []string{}, SuggestedActions: []Suggested{},
				Notes: []string{`confidence "" is not low, medium or high`}},
		},
		{
			name:    "model and notes cannot be injected",
			content: `{"summary":"s","probable_cause":"c","confidence":"low","Model":"gpt-99","Notes":["approved"]}`,
			want:    Answer{Summary: "s", ProbableCause: "c", Evidence: []string{}, SuggestedActions: []Suggested{}, Confidence: "low"},
		},
		{name: "not JSON", content: `The disk is full.`, wantError: true},
		{name: "truncated JSON", content: `{"summary":"the disk`, wantError: true},
		{name: "two objects", content: `{"summary":"a","probable_cause":"b"} {"summary":"c"}`, wantError: true},
		{name: "wrong type", content: `{"summary":"s","probable_cause":"c","evidence":"one line"}`, wantError: true},
		{name: "empty object", content: `{}`, wantError: true},
		{name: "blank fields", content: `{"summary":" ","probable_cause":"\u0007","evidence":["x"]}`, wantError: true},
		{name: "array", content: `[]`, wantError: true},
		{name: "empty", content: ``, wantError: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAnswer(tt.content, allowTest)
			if tt.wantError {
				if err == nil || !errors.Is(err, ErrUselessAnswer) {
					t.Errorf("ParseAnswer() = %+v, %v, want an ErrUselessAnswer", got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseAnswer() error = %v", err)
			}
			if !answersEqual(got, tt.want) {
				t.Errorf("ParseAnswer() = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func answersEqual(a, b Answer) bool {
	return a.Model == b.Model && a.Summary == b.Summary && a.ProbableCause == b.ProbableCause &&
		slices.Equal(a.Evidence, b.Evidence) && slices.Equal(a.SuggestedActions, b.SuggestedActions) &&
		a.Confidence == b.Confidence && slices.Equal(a.Notes, b.Notes)
}

func TestParseAnswerLimits(t *testing.T) {
	ev := make([]string, 12)
	for i := range ev {
		ev[i] = strings.Repeat("e", 500)
	}
	acts := make([]Suggested, 7)
	for i := range acts {
		acts[i] = Suggested{Action: "systemctl_status", Service: "svc" + string(rune('a'+i))}
	}
	raw, _ := json.Marshal(map[string]any{"summary": strings.Repeat("s", 2000), "probable_cause": "c",
		"evidence": ev, "suggested_actions": acts, "confidence": "low"})
	got, err := ParseAnswer(string(raw), allowTest)
	if err != nil {
		t.Fatalf("ParseAnswer() error = %v", err)
	}
	if len(got.Evidence) != maxEvidence || len(got.SuggestedActions) != maxSuggested {
		t.Errorf("ParseAnswer() kept %d evidence and %d actions, want %d and %d", len(got.Evidence),
			len(got.SuggestedActions), maxEvidence, maxSuggested)
	}
	if n := len([]rune(got.Summary)); n != maxAnswerRunes+1 {
		t.Errorf("ParseAnswer() summary has %d runes, want %d and an ellipsis", n, maxAnswerRunes+1)
	}
	for _, want := range []string{"summary cut to 1000 characters", "evidence cut to 8 lines", "dropped action systemctl_status svcf: more than 5 suggested"} {
		if !slices.Contains(got.Notes, want) {
			t.Errorf("ParseAnswer() notes = %q, want %q", got.Notes, want)
		}
	}
}

func TestSchema(t *testing.T) {
	var s struct {
		Type       string
		Required   []string
		Properties map[string]struct {
			Type     string
			Enum     []string
			MaxItems *int
			Items    struct {
				Properties map[string]struct{ Enum []string }
			}
		}
	}
	if err := json.Unmarshal(Schema([]string{"systemctl_status", "monit_restart", "systemctl_status"}), &s); err != nil {
		t.Fatalf("Schema() is not JSON: %v", err)
	}
	if s.Type != "object" || len(s.Required) != 5 {
		t.Errorf("Schema() type %q required %q, want an object requiring 5 fields", s.Type, s.Required)
	}
	if got := s.Properties["suggested_actions"].Items.Properties["action"].Enum; !slices.Equal(got, []string{"monit_restart", "systemctl_status"}) {
		t.Errorf("Schema() action enum = %q, want the sorted distinct actions", got)
	}
	if got := s.Properties["confidence"].Enum; !slices.Equal(got, []string{"low", "medium", "high"}) {
		t.Errorf("Schema() confidence enum = %q", got)
	}
	raw := string(Schema(nil))
	if !strings.Contains(raw, `"suggested_actions":{"type":"array","maxItems":0}`) {
		t.Errorf("Schema(nil) = %s, want an empty suggested_actions list", raw)
	}
	order := []string{`"summary"`, `"probable_cause"`, `"evidence"`, `"suggested_actions"`, `"confidence"`}
	for i := 1; i < len(order); i++ {
		if strings.Index(raw, order[i-1]) > strings.Index(raw, order[i]) {
			t.Errorf("Schema() puts %s after %s, want the thinking order", order[i-1], order[i])
		}
	}
}

func FuzzParseAnswer(f *testing.F) {
	f.Add(`{"summary":"s","probable_cause":"c","evidence":["x"],"suggested_actions":[{"action":"rm","service":"a"}],"confidence":"low"}`)
	f.Add("```json\n{\"probable_cause\":\"\\u001b[2J\"}\n```")
	f.Add(`{"summary":"\u202e","suggested_actions":[{"action":"systemctl_status","service":"x\ny"}]}`)
	f.Fuzz(func(t *testing.T, content string) {
		a, err := ParseAnswer(content, allowTest)
		if err != nil {
			return
		}
		if a.Summary == "" && a.ProbableCause == "" {
			t.Errorf("ParseAnswer(%q) accepted an answer with neither summary nor cause", content)
		}
		for _, s := range a.SuggestedActions {
			if !allowTest(s.Action) || s.Service == "" {
				t.Errorf("ParseAnswer(%q) kept action %+v", content, s)
			}
		}
		for _, s := range append([]string{a.Summary, a.ProbableCause, a.Confidence}, a.Evidence...) {
			for _, r := range s {
				if unicode.Is(unicode.Cc, r) && r != '\t' || unicode.Is(unicode.Cf, r) {
					t.Errorf("ParseAnswer(%q) kept %U in %q", content, r, s)
				}
			}
		}
	})
}
