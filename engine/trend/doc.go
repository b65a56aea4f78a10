// Package trend owns the figures Mother and GET /trends report over a window: which figures a
// Monit service type has (load, CPU, memory, swap, filesystem and inode usage, process CPU and
// memory, host response time, program exit status), how a figure is read from a snapshot, and
// the summary of a series (latest, min, average, max and when the maximum was).
//
// It is pure: the samples come from the history (sqliteexport implements the reading); it must
// not do I/O.
package trend
