// Package loadgen writes the collector messages of a synthetic fleet: for host i of a fleet,
// a format 2 document as Monit 5.33 sends it to M/Monit (one system, processes and programs,
// each with its figures), at a given time. The fleet benchmarks (BENCHMARKS.md, "Fleet")
// push these through the real collector, ingest path and stores.
package loadgen
