package engine

import "time"

// Analysis sources.
const (
	SourceLLM   = "llm"   // the model answered; the rules' findings are part of the text too
	SourceRules = "rules" // the deterministic analysis alone
)

// SuggestedAction is an action the model proposed for a service. It is data: nothing runs
// until a person approves it, and the action package checks it again then.
type SuggestedAction struct {
	Action string `json:"action"`
	// Host is the service's host as the board or the analysis has it; empty means the host
	// that has the service (refused when several have it). Never what a model writes.
	Host    string `json:"host,omitempty"`
	Service string `json:"service"`
}

// Analysis is one root-cause analysis of a failing service, as stored in the analyses table.
// Text is what a person reads: the rules' part and the model's part, each labelled.
type Analysis struct {
	ID               int64
	At               time.Time
	Host             string
	Service          string
	EventID          int64 // the failure event it explains; 0 for an on-demand analysis
	Source           string
	Model            string // set when the model was asked
	Duration         time.Duration
	PromptTokens     int
	ResponseTokens   int
	Truncated        bool   // the server cut the prompt to fit num_ctx
	Fingerprint      string // status bits + normalised error lines
	PromptVersion    string
	Summary          string
	Causes           []string // the rules' cause IDs, most specific first
	ProbableCause    string   // the model's, when it answered
	SuggestedActions []SuggestedAction
	LLMError         string // why the model's part is missing, in plain words
	Cached           bool   // the model's part was reused from an earlier identical failure
	Text             string
}
