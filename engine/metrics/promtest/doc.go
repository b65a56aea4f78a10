// Package promtest runs Prometheus's own tools for tests: promtool, and a real Prometheus
// server that scrapes the daemon and answers PromQL over its HTTP API.
//
// Tool skips the test when a tool is not installed (Debian's prometheus package brings both),
// and fails it when CI=true. Start listens on 127.0.0.1 only, keeps its data in the test's
// temporary directory and is stopped with t.Cleanup.
//
// It is test support: it must not be imported by non-test code.
package promtest
