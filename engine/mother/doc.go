// Package mother is the brain of Mother, monit-intel's chat assistant: how one chat turn is
// understood and answered, and what a conversation remembers.
//
// Mother is a router, not an agent loop, because small local models call tools badly. A turn
// is: recognise the intent, the services and the window with rules (Recognise: exact,
// multi-word, unit, alias, abbreviated and fuzzy service names, a vague word asking which;
// time words through rules and olebedev/when; status, history, logs, why, action, changes,
// figures, uptime, audit, pending, cannot, help), carry the previous turns' service, intent and
// window into a follow-up (followUp), and ask the model one schema-constrained question only
// when the rules cannot tell (with the model down: "I did not understand" and the closest
// questions); fetch the data
// deterministically through Data; render the facts from the data and stream them first; then
// make at most one streamed prose call with the data fenced (nonce markers, rca's service
// blocks) and bounded by a token budget. Never more than two model calls per turn. Every
// number a person reads in the facts comes from the data; the model is told not to repeat
// them, and its part is labelled "Model (name):".
//
// An action request ("restart nordvpnd") becomes a pending proposal through Options.Actions
// (an identical pending one is reused), never a run; the reply says what was proposed, reused
// or refused, and what of the message was ignored. Proposals come only from the rules reading
// the operator's own words, never from the model. "Why" reads the log lines around the
// failure's time.
//
// When the model is down the factual intents are still answered from the data, and
// Reply.ModelNote says so. A turn cancelled mid-answer is not remembered. Conversations live
// in a Memory (bbolt, exported to SQLite); the prompt carries the last turns that fit.
//
// It must not: run commands, import the stores (bolt, sqliteexport) or the REST layer, or
// read a clock other than Options.Now.
package mother
