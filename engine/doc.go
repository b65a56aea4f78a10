// Package engine owns monit-intel's domain: what a Monit service snapshot is, how a failure is
// classified from Monit's whole state (NEW, ONGOING, CHANGED, RECOVERED, UNMONITORED, and
// Monit's own change events), the connection tests it names, the ingest cycle (which repairs
// a failure state that missed a cycle the history recorded), the analysis workflow,
// Mother's routing and the approval flow for actions.
//
// It declares the small interfaces it needs (StatusSource, StateStore, History, LogReader, LLM)
// and never imports the packages that implement them (bolt, sqliteexport, rest, repl). It does
// no I/O of its own except through those interfaces.
package engine
