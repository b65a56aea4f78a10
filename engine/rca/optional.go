package rca

import "fmt"

// fig words an optional figure with verb ("%.1f"), or "unknown" when Monit did not report it
// or it could not be read.
func fig[T any](verb string, p *T) string {
	if p == nil {
		return "unknown"
	}
	return fmt.Sprintf(verb, *p)
}
