package monit

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Sentinels for the ways a fetch fails, to check with errors.Is. The parse failure is
// ErrMalformed (parse.go).
var (
	ErrUnreachable  = errors.New("monit unreachable")
	ErrUnauthorized = errors.New("monit rejected the credentials")
	ErrTimeout      = errors.New("monit did not answer in time")
	ErrTooLarge     = errors.New("status document over the size cap")
	ErrTLS          = errors.New("monit's certificate was not accepted")
	ErrRedirect     = errors.New("monit redirected to another origin")
	ErrNotMonit     = errors.New("the answer is not Monit's")
)

// HTTPError is an answer other than 200 from Monit's httpd. A 401 matches ErrUnauthorized.
type HTTPError struct {
	URL        string // without credentials
	StatusCode int
	Status     string // "503 Service Unavailable"
}

func (e *HTTPError) Error() string {
	switch {
	case e.StatusCode == http.StatusUnauthorized:
		return fmt.Sprintf("monit at %s rejected the credentials (401): check monit.username / monit.password "+
			"(or MONIT_USER / MONIT_PASSWORD)", e.URL)
	case e.StatusCode == http.StatusNotFound:
		return fmt.Sprintf("monit at %s answered %s: is this the address of Monit's httpd?", e.URL, e.Status)
	default:
		return fmt.Sprintf("monit at %s answered %s", e.URL, e.Status)
	}
}

// Is makes a 401 match ErrUnauthorized.
func (e *HTTPError) Is(target error) bool {
	return target == ErrUnauthorized && e.StatusCode == http.StatusUnauthorized
}

// fetchError is a failed request: a category sentinel (kind) and the cause. Both unwrap.
type fetchError struct {
	msg   string
	kind  error
	cause error
}

func (e *fetchError) Error() string   { return e.msg + ": " + e.cause.Error() }
func (e *fetchError) Unwrap() []error { return []error{e.kind, e.cause} }

func (c *Client) tooLarge() error {
	return fmt.Errorf("monit status from %s is over the cap of %s: %w", c.display, byteSize(c.maxBytes), ErrTooLarge)
}

// byteSize words a byte count the way the configuration is usually written.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}

// statusText is resp.Status without a repeated code ("503 Service Unavailable").
func statusText(resp *http.Response) string {
	if strings.HasPrefix(resp.Status, fmt.Sprint(resp.StatusCode)) {
		return resp.Status
	}
	return fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
}
