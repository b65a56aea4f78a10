// Package client talks to a running monit-intel daemon over its REST API. It implements the
// REPL's Backend, so Mother's terminal never opens a database (bbolt allows one process).
// Chat answers stream over server-sent events and stop when the caller's context is
// cancelled (Ctrl-C in the REPL).
package client
