// Package rca is the pure half of a failure's root-cause analysis: what Monit's status bits
// mean for a service, which known causes its logs and figures point to (Analyze), the failure's
// fingerprint for the analysis cache (Fingerprint), the bounded, fenced prompt for the model
// (BuildPrompt, Schema), the checked reading of the model's structured answer (ParseAnswer) and
// the text a human reads (Render).
//
// It does no I/O and reads no clock: the caller fetches snapshots, events and logs, makes the
// prompt's nonce with crypto/rand (NewNonce), calls the model and stores the result. Nothing
// the model says is executed here: ParseAnswer only returns data, with any action that is not
// in the caller's whitelist dropped and noted. Log lines are data, never instructions: every
// piece of outside text in the prompt is sanitised and fenced between markers that carry the
// per-request nonce.
package rca
