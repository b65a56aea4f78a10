// Package mother is the brain of Mother, monit-intel's chat assistant: how one chat turn is
// understood and answered, and what a conversation remembers.
//
// Mother is a router, not an agent loop, because small local models call tools badly. A turn
// is: recognise the intent and the services with rules (Recognise: exact, multi-word, unit
// and fuzzy service names; status, history, logs, why, action, changes, help), and ask the
// model one schema-constrained question only when the rules cannot tell; fetch the data
// deterministically through Data; render the facts from the data and stream them first; then
// make at most one streamed prose call with the data fenced (nonce markers, rca's service
// blocks) and bounded by a token budget. Never more than two model calls per turn. Every
// number a person reads in the facts comes from the data; the model is told not to repeat
// them, and its part is labelled "Model (name):".
//
// An action request ("restart nordvpnd") becomes a proposal in the reply (Reply.Proposed),
// never a run: the caller hands it to the approval flow. Proposals come only from the rules
// reading the operator's own words, never from the model.
//
// When the model is down the factual intents are still answered from the data, and
// Reply.ModelNote says so. A turn cancelled mid-answer is not remembered. Conversations live
// in a Memory (bbolt, exported to SQLite); the prompt carries the last turns that fit.
//
// It must not: run commands, import the stores (bolt, sqliteexport) or the REST layer, or
// read a clock other than Options.Now.
package mother
