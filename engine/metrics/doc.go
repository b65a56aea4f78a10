// Package metrics exposes monit-intel to Prometheus: the state, Monit status bits and figures
// of every service on the board, read at scrape time by a custom Collector (a service that
// leaves Monit's status leaves /metrics with it), and the daemon's own work: ingest cycles,
// model calls, proposals and actions.
//
// Every metric lives in the Registry of one Metrics value: no globals, not Prometheus's
// default registry. Names follow Prometheus conventions: the monit_intel_ prefix, base units
// (seconds, bytes, ratios 0–1), _total on counters.
//
// Its wrappers (WrapLLM around the gated model, WrapAudit around the audit log) only observe:
// they must not change a call's outcome, retry or log. A scrape never reads a database (the
// board is in memory); its errors are logged once, in the handler. promtest, beside it, runs
// promtool and a real Prometheus for tests.
package metrics
