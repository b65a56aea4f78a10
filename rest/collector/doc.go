// Package collector is the HTTP endpoint Monit pushes to when its control file says
// `set mmonit http://USER:PASS@HOST:PORT/collector`: POST /collector with a format 2 status
// document, plain or gzip, as Monit sends it to M/Monit (REFERENCE.md part 3).
//
// It authenticates with HTTP Basic against its own users (config collector.users), separate
// from the API token, caps the body before and after decompression, and hands the document to
// engine/fleet. Whatever is wrong with a message gets a 4xx with a one-line reason in plain
// text (Monit logs the status line); nothing of a refused message is stored. It never
// decodes, logs or keeps the <credentials> Monit puts in its messages, nor the Basic
// password.
package collector
