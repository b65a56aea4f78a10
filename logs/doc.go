// Package logs is monit-intel's log registry: it maps a Monit service name to the one place its
// logs live (a file, the newest file matching a glob, or a systemd unit's journal) and reads the
// last lines from there.
//
// It owns three guarantees:
//   - Only what the configuration names is ever read. A request supplies a service name and a
//     line count, never a path, a pattern or a unit; a service without an entry has no logs
//     (ErrNoSource).
//   - Reading is cheap: the last N lines of a file are found by reading backwards from its end
//     in fixed blocks, so the cost depends on N and line length, not on the size of the file.
//     A window read (ReadWindow) passes --since/--until to journalctl and places a file's
//     lines by the time they start with, among its last lines.
//   - Every line that leaves is sanitised (length cap, valid UTF-8, no NUL bytes) and redacted
//     by the injected Redactor (logs/redact), because lines go to the REST API and to the LLM.
//
// It is Linux-only, as journalctl is: journalctl runs in its own process group, killed whole at
// the timeout.
//
// It must not: import anything outside the standard library, run any command other than the
// fixed, read-only journalctl argument vector (never through a shell), follow a path that came
// from a request, follow a symbolic link where a log file should be (a glob match that is a
// link is skipped), read a FIFO, device or directory (ErrNotLogFile), or panic on a missing,
// unreadable, rotating or hostile log.
package logs
