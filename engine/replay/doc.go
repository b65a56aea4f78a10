// Package replay plays a timeline of Monit status documents as if a Monit were running now.
//
// A timeline is a directory with timeline.yaml and the documents it names, captured from a
// real Monit (testdata/demo/capture.sh). Its history steps stand for the day that ended at
// `end`; its live steps follow `end` and loop. A Source shifts every time in a document so
// that the history ends at the moment the Source was opened and each live step lands at the
// moment it is fetched: the timeline keeps working past any date. Log templates written
// against the same `end` are shifted the same way, step by step, into a directory the
// Source owns, so that the log registry reads lines whose times match the failures.
//
// It reads only the timeline and the templates, and writes only into its own log directory
// (one it created, marked with a file). It never starts a process or opens a connection.
package replay
