package rest

import (
	"context"
	"errors"
	"fmt"

	"github.com/danielgtaylor/huma/v2"

	"monit-intel/engine"
	enginefleet "monit-intel/engine/fleet"
	"monit-intel/logs"
)

// problem maps an engine error to an RFC 9457 problem document: the one place where
// errors become HTTP statuses. what names the handler's step; it is "" when the error already
// names it (the approval flow, Mother, the log registry), so that each step is named once.
func problem(err error, what string) error {
	detail := err.Error()
	if what != "" {
		detail = fmt.Sprintf("%s: %v", what, err)
	}
	switch {
	case errors.Is(err, engine.ErrUnknownService):
		return huma.Error404NotFound(detail)
	case errors.Is(err, logs.ErrNoSource), errors.Is(err, enginefleet.ErrLogsElsewhere):
		return huma.Error404NotFound(detail)
	case errors.Is(err, logs.ErrNotLogFile):
		// The request is fine; what the registry names is not a file it will read.
		return huma.Error409Conflict(detail)
	case errors.Is(err, context.DeadlineExceeded):
		return huma.Error504GatewayTimeout(detail)
	case errors.Is(err, context.Canceled):
		return huma.NewError(499, detail)
	}
	if e := actionProblem(err, detail); e != nil {
		return e
	}
	return huma.Error500InternalServerError(detail)
}

func unknownService(name string) error {
	return huma.Error404NotFound(fmt.Sprintf("unknown service %q: it is not in Monit's latest status (GET /status lists them)", name))
}

func quote(s string) string { return fmt.Sprintf("%q", s) }
