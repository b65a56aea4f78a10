// Package analyze runs the root-cause workflow the owner designed: detect (only NEW and
// CHANGED failures), fetch context (the snapshot, recent failure events, the registry's
// redacted logs), analyze (the deterministic rules always, then the model when it answers).
//
// Queue keeps the model off the ingest path: a cycle's new failures get the rules' analysis at
// once and wait in a bounded queue for the model, whose answer is stored as a newer analysis.
//
// It decides when the model is asked and what is stored; the content of an analysis (rules,
// prompt, schema, rendering) belongs to engine/rca. A model that is down, slow or talks
// nonsense never hides the rules' analysis: it is stored with the reason. Nothing the model
// says runs anything.
package analyze
