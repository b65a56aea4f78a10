package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/ollama/ollama/api"

	"monit-intel/engine"
)

// unavailable turns a failed call into an error that wraps engine.ErrLLMUnavailable and says
// what happened in plain words. parent is the caller's context, call the one bounded by
// Timeout: the caller giving up, our timeout and the server's own failures read differently.
func (c *Client) unavailable(parent, call context.Context, err error) error {
	down := engine.ErrLLMUnavailable
	if perr := parent.Err(); perr != nil {
		if errors.Is(perr, context.Canceled) {
			return fmt.Errorf("%w: call to ollama at %s cancelled: %w", down, c.url, perr)
		}
		return fmt.Errorf("%w: ollama at %s did not answer before the caller's deadline: %w",
			down, c.url, perr)
	}
	if call.Err() != nil {
		return fmt.Errorf("%w: ollama did not answer within %s: %w", down, c.timeout,
			context.DeadlineExceeded)
	}
	var status api.StatusError
	var auth api.AuthorizationError
	var netErr net.Error
	switch {
	case errors.As(err, &status):
		return c.statusError(status)
	case errors.As(err, &auth):
		return fmt.Errorf("%w: ollama at %s requires authorization (HTTP %d)", down, c.url,
			auth.StatusCode)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%w: ollama at %s is not reachable: %w", down, c.url, syscall.ECONNREFUSED)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: ollama at %s broke off the reply before it finished: %w",
			down, c.url, io.ErrUnexpectedEOF)
	case errors.As(err, &netErr):
		return fmt.Errorf("%w: ollama at %s is not reachable: %w", down, c.url, err)
	default:
		// The api client turns an {"error": "..."} line in a stream (or a line that is not
		// JSON) into a plain error carrying the server's message.
		return fmt.Errorf("%w: ollama at %s reported an error: %w", down, c.url, err)
	}
}

// statusError explains an HTTP error status. Ollama answers an unknown model with
// 404 {"error":"model 'x' not found"}.
func (c *Client) statusError(e api.StatusError) error {
	down := engine.ErrLLMUnavailable
	text := fmt.Sprintf("HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	msg := e.ErrorMessage
	switch {
	case e.StatusCode == http.StatusNotFound && strings.HasPrefix(msg, "model "):
		return fmt.Errorf("%w: model '%s' not found at %s (ollama pull %s)", down, c.model, c.url,
			c.model)
	case e.StatusCode == http.StatusNotFound:
		return fmt.Errorf("%w: ollama at %s answered %s: %s (is it an Ollama server?)", down,
			c.url, text, msg)
	case e.StatusCode >= http.StatusInternalServerError:
		return fmt.Errorf("%w: ollama at %s failed with %s: %s", down, c.url, text, msg)
	default:
		return fmt.Errorf("%w: ollama at %s rejected the request with %s: %s", down, c.url, text,
			msg)
	}
}
