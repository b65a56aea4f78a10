package mother

import "monit-intel/engine/rca"

// clean prepares outside text (a log line, a stored answer, the operator's message) for a
// prompt or a terminal, with rca's rules: control and format characters dropped (newlines
// kept only when multiline), cut at max runes, the nonce removed and runs of '<' or '>'
// shortened, so no text can pose as a fence line.
func clean(s, nonce string, max int, multiline bool) string {
	return rca.Sanitize(s, nonce, max, multiline)
}

// show makes outside text safe to print on one line of an answer.
func show(s string) string { return clean(s, "", 1000, false) }
