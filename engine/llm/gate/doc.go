// Package gate bounds the model calls of the whole daemon: at most N run at once
// (ollama.concurrency) and at most M more wait for a slot (ollama.queue). A call beyond that is
// refused at once with an error wrapping engine.ErrLLMBusy, so a caller answers from the data
// instead of piling connections and memory onto a model that is already busy.
//
// One Gate is shared by everything that calls the model (the analysis queue, on-demand
// analyses, Mother): main wraps the Ollama client once and hands the wrapped engine.LLM to
// each. It must not retry, reorder or log calls: callers decide what a busy model means.
package gate
