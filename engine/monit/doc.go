// Package monit reads Monit's status: ParseStatus decodes a status document (format 1 from
// /_status?format=xml, format 2 from /_status2 and M/Monit collector messages, in every
// layout from Monit 5.3 to 5.35) into engine.Status, and Client fetches one over HTTP(S),
// over Monit's unix socket, or from a saved file to replay.
//
// Parsing is pure and tolerant of what Monit really sends (a mislabelled encoding, control
// characters in program output, unescaped names, figures with units, elements it does not
// know), but never returns a partial status from a truncated document. One figure that
// cannot be read costs only that figure: it is nil, with an engine.ParseNote on its
// snapshot. Monit's <credentials> (its admin password in clear) are never decoded.
//
// It must not act on Monit (no POSTs: actions belong to package act), log, or keep state
// between fetches. Errors name the cause (certificate, socket, refusal, credentials, not a
// Monit) and never contain the password; credentials never follow a redirect to another
// origin.
package monit
