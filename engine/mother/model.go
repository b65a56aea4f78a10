package mother

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"monit-intel/engine"
	"monit-intel/engine/rca"
)

// The model is called at most twice per turn: classify (only when the rules cannot tell) and
// prose (only for intents that gain from an explanation).

// proseHeader opens the model's part of an answer.
func proseHeader(model string, afterFacts bool) string {
	h := fmt.Sprintf("Model (%s): ", show(model))
	if afterFacts {
		return "\n" + h
	}
	return h
}

// prose streams the model's explanation after the facts. A model that fails leaves the facts
// as the answer and a note; only the caller giving up (ctx, out) is an error.
func (tr *turnState) prose(ctx context.Context) error {
	nonce := tr.m.opts.Nonce()
	msgs, data := tr.buildPrompt(nonce)
	tr.context = data
	llm := tr.m.opts.LLM
	switch {
	case llm == nil:
		tr.note = append(tr.note, "no model configured: the answer comes from the data alone")
		return nil
	case tr.modelDown:
		return nil // the classification call already said why
	}
	budget := rca.Budget{NumCtx: tr.m.opts.NumCtx}
	temp := 0.0
	req := engine.LLMRequest{Messages: msgs, NumCtx: budget.NumCtx, NumPredict: budget.Predict(), Temperature: &temp}
	cctx, cancel := context.WithTimeout(ctx, tr.m.opts.Timeout)
	defer cancel()
	model := llm.Model()
	afterFacts := tr.text.Len() > 0
	started := false
	tr.llmCalls++
	reply, err := llm.ChatStream(cctx, req, func(chunk string) error {
		if !started {
			started = true
			tr.model = model
			if err := tr.emit(proseHeader(model, afterFacts)); err != nil {
				return err
			}
		}
		return tr.emit(chunk)
	})
	if stopErr := (errStopped{}); errors.As(err, &stopErr) {
		return fmt.Errorf("chat: %w", stopErr.err)
	}
	if err := stopped(ctx); err != nil {
		return err
	}
	if started && !strings.HasSuffix(tr.text.String(), "\n") {
		if err := tr.emit("\n"); err != nil {
			return fmt.Errorf("chat: %w", err)
		}
	}
	switch {
	case err != nil && started:
		tr.note = append(tr.note, "the model stopped mid-answer: "+modelError(err))
	case err != nil:
		tr.note = append(tr.note, modelError(err))
	case reply.DoneReason == "length":
		tr.note = append(tr.note, "the model's answer was cut at its length limit")
	}
	if reply.Truncated {
		tr.m.log.Warn("prompt cut by the model server", "prompt_tokens", reply.PromptTokens, "num_ctx", req.NumCtx)
	}
	return nil
}

// classifyKinds are the intents the model may choose. Actions are not among them: a proposal
// only ever comes from the rules reading the operator's own words.
var classifyKinds = []Kind{KindStatus, KindHistory, KindLogs, KindWhy, KindChanges, KindFigures, KindUptime,
	KindAudit, KindPending, KindHelp}

// maxSchemaNames bounds the service names listed in the schema's enum; beyond it any string
// is allowed and the answer is checked against the known names.
const maxSchemaNames = 200

const classifySystem = `You read one message sent to Mother, the assistant of monit-intel (a program that watches a Linux server with Monit), and say what it asks for.
Intents: "status" = how the services are now; "history" = past failures; "logs" = a service's log lines; "why" = why a service fails or what is wrong with it; "changes" = what changed recently across services; "figures" = load, CPU, memory, swap, disk or inode usage, response time, exit status; "uptime" = how long something has been running; "audit" = what actions were proposed or run; "pending" = actions waiting for approval; "help" = greetings, thanks, questions about Mother, anything else.
"services" = the known service names the message is about, copied exactly from the list; empty when it names none.
Answer with the JSON object only.`

// classify asks the model what an unclear message wants, with a schema. When it cannot
// answer, the intent stays unknown: the answer says Mother did not understand and offers the
// closest intents.
func (tr *turnState) classify(ctx context.Context) {
	tr.classified = true
	llm := tr.m.opts.LLM
	fallback := func(why string) {
		tr.in.Kind = KindUnknown
		tr.note = append(tr.note, why)
	}
	if llm == nil {
		tr.modelDown = true
		fallback("no model configured")
		return
	}
	known := names(tr.services)
	budget := rca.Budget{NumCtx: tr.m.opts.NumCtx}
	temp := 0.0
	req := engine.LLMRequest{Messages: classifyPrompt(tr.message, known, budget.Prompt()),
		Schema: classifySchema(known), NumCtx: budget.NumCtx, NumPredict: 128, Temperature: &temp}
	cctx, cancel := context.WithTimeout(ctx, tr.m.opts.Timeout)
	defer cancel()
	tr.llmCalls++
	reply, err := llm.Chat(cctx, req)
	if err != nil {
		tr.modelDown = reply.Content == "" // no answer at all: the server is down or stuck
		fallback(modelError(err))
		return
	}
	var got struct {
		Intent   string   `json:"intent"`
		Services []string `json:"services"`
	}
	if err := json.Unmarshal([]byte(reply.Content), &got); err != nil || !slices.Contains(classifyKinds, Kind(got.Intent)) {
		fallback("the model's reading of the message was unusable")
		return
	}
	tr.in.Kind = Kind(got.Intent)
	for _, s := range got.Services {
		if slices.Contains(known, s) && !slices.Contains(tr.in.Services, s) {
			tr.in.Services = append(tr.in.Services, s)
		}
	}
}

// classifyPrompt lists the known names that fit in half of budget tokens, and the message.
func classifyPrompt(message string, known []string, budget int) []engine.LLMMessage {
	var b strings.Builder
	b.WriteString("Known services:")
	used := rca.EstimateTokens(classifySystem) + 64
	for i, n := range known {
		n = clean(n, "", 100, false)
		used += rca.EstimateTokens(n) + 1
		if used > budget/2 {
			fmt.Fprintf(&b, " (and %d more)", len(known)-i)
			break
		}
		b.WriteString(" " + n)
	}
	if len(known) == 0 {
		b.WriteString(" none")
	}
	msg := clean(message, "", maxQuestionRunes, true)
	b.WriteString("\n\nMessage:\n" + msg)
	return []engine.LLMMessage{{Role: "system", Content: classifySystem}, {Role: "user", Content: b.String()}}
}

// classifySchema constrains the answer to an intent and known service names.
func classifySchema(known []string) json.RawMessage {
	items := map[string]any{"type": "string"}
	if len(known) > 0 && len(known) <= maxSchemaNames {
		items["enum"] = known
	}
	services := map[string]any{"type": "array", "items": items}
	if len(known) == 0 {
		services["maxItems"] = 0
	}
	schema := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"intent":   map[string]any{"type": "string", "enum": classifyKinds},
			"services": services,
		},
		"required": []string{"intent", "services"},
	}
	b, _ := json.Marshal(schema) // maps of strings and string slices always marshal
	return b
}
