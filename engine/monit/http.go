package monit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// get requests path on Monit's httpd and returns the body of a 200 answer, at most the cap.
func (c *Client) get(ctx context.Context, path, query string) ([]byte, error) {
	reqCtx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	u := c.base.JoinPath(path)
	u.RawQuery = query
	req, err := http.NewRequestWithContext(reqCtx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("monit request %s: %w", c.display, err)
	}
	if c.username != "" || c.password != "" {
		req.SetBasicAuth(c.username, c.password)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.requestError(ctx, reqCtx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &HTTPError{URL: c.display, StatusCode: resp.StatusCode, Status: statusText(resp)}
	}
	if resp.ContentLength > c.maxBytes {
		return nil, c.tooLarge()
	}
	body, err := c.readCapped(resp.Body)
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return nil, err
		}
		return nil, c.requestError(ctx, reqCtx, err)
	}
	return body, nil
}

// requestError names why a request or its body failed: the caller gave up, the timeout
// passed, or Monit could not be reached.
func (c *Client) requestError(ctx, reqCtx context.Context, err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err // its text repeats the URL
	}
	if fe := c.transportProblem(err); fe != nil && ctx.Err() == nil {
		return fe
	}
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("monit request %s: %w", c.display, context.Cause(ctx))
	case errors.Is(reqCtx.Err(), context.DeadlineExceeded):
		return &fetchError{msg: fmt.Sprintf("monit at %s did not answer within %s", c.display, c.timeout), kind: ErrTimeout, cause: err}
	default:
		return &fetchError{msg: fmt.Sprintf("monit at %s is unreachable", c.display), kind: ErrUnreachable, cause: err}
	}
}
