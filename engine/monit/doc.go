// Package monit reads Monit's status: ParseStatus decodes a status document (format 1 from
// /_status?format=xml, format 2 from /_status2 and M/Monit collector messages) into
// engine.Status, and Client fetches one over HTTP, or from a saved file to replay.
//
// Parsing is pure and tolerant of what Monit really sends (a mislabelled encoding, control
// characters in program output, unescaped names), but never returns a partial status from a
// truncated document. Monit's <credentials> (its admin password in clear) are never decoded.
//
// It must not act on Monit (no POSTs: actions belong to package act), log, or keep state
// between fetches. Errors never contain the password.
package monit
