package rca_test

import (
	"crypto/rand"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/llm"
	"monit-intel/engine/rca"
)

// modelResult is one scenario's outcome with the model: hit when its summary or probable
// cause names one of the scenario's keywords.
type modelResult struct {
	hit   bool
	cause string // the model's probable cause, or why there is none
}

// scoreModel runs the scenarios through a real Ollama when OLLAMA_URL is set (never in CI:
// it takes minutes and depends on the model). OLLAMA_MODEL picks the model (llm's default
// otherwise) and OLLAMA_NUM_CTX the context (8192). It returns nil when OLLAMA_URL is unset.
// Run it with a long -timeout, e.g.
//
//	OLLAMA_URL=http://127.0.0.1:11434 OLLAMA_MODEL=qwen2.5:7b go test ./engine/rca -run TestScenarios -v -timeout 60m
func scoreModel(t *testing.T, scs []scenario) map[string]modelResult {
	t.Helper()
	url := os.Getenv("OLLAMA_URL")
	if url == "" {
		t.Log("OLLAMA_URL not set: scoring the rules only")
		return nil
	}
	client, err := llm.New(llm.Options{URL: url, Model: os.Getenv("OLLAMA_MODEL"), Timeout: 10 * time.Minute})
	if err != nil {
		t.Fatalf("llm.New(%s): %v", url, err)
	}
	if err := client.Ping(t.Context()); err != nil {
		t.Fatalf("OLLAMA_URL=%s: %v", url, err)
	}
	numCtx := 8192
	if v := os.Getenv("OLLAMA_NUM_CTX"); v != "" {
		if numCtx, err = strconv.Atoi(v); err != nil {
			t.Fatalf("OLLAMA_NUM_CTX=%q: %v", v, err)
		}
	}
	t.Logf("scoring model %s at %s with num_ctx %d", client.Model(), url, numCtx)
	return scoreWith(t, client, scs, rca.Budget{NumCtx: numCtx})
}

// scoreWith asks m about every scenario as the engine would: rules first, then the fenced
// prompt with the schema, then ParseAnswer.
func scoreWith(t *testing.T, m engine.LLM, scs []scenario, budget rca.Budget) map[string]modelResult {
	t.Helper()
	out := make(map[string]modelResult, len(scs))
	temp := 0.0
	allowed := func(a string) bool { return slices.Contains(whitelist, a) }
	for _, sc := range scs {
		nonce, err := rca.NewNonce(rand.Reader)
		if err != nil {
			t.Fatalf("nonce: %v", err)
		}
		f := rca.Analyze(sc.input)
		reply, err := m.Chat(t.Context(), engine.LLMRequest{
			Messages: rca.BuildPrompt(sc.input, f, budget, nonce), Schema: rca.Schema(sc.input.Actions),
			NumCtx: budget.NumCtx, NumPredict: budget.Predict(), Temperature: &temp,
		})
		if err != nil {
			out[sc.name] = modelResult{cause: "no answer: " + err.Error()}
			continue
		}
		a, err := rca.ParseAnswer(reply.Content, allowed)
		if err != nil {
			out[sc.name] = modelResult{cause: "unusable: " + err.Error()}
			continue
		}
		out[sc.name] = modelResult{hit: hasKeyword(a.Summary+" "+a.ProbableCause, sc.expect.Keywords), cause: a.ProbableCause}
	}
	return out
}

func modelScore(results map[string]modelResult) int {
	n := 0
	for _, r := range results {
		if r.hit {
			n++
		}
	}
	return n
}
