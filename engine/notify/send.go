package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/nicholas-fedor/shoutrrr/pkg/types"
)

// service is what notify needs of a shoutrrr service.
type service interface {
	Send(message string, params *types.Params) error
}

// Sender delivers one message to one target URL.
type Sender interface {
	Send(ctx context.Context, targetURL string, m Message) error
}

// URLSender sends to webhooks itself and to every other URL through shoutrrr.
type URLSender struct {
	// Client posts to webhooks; nil means a client without redirects.
	Client *http.Client
}

// Send delivers m. Errors never carry the URL's secrets.
func (s URLSender) Send(ctx context.Context, targetURL string, m Message) error {
	var err error
	if IsWebhook(targetURL) {
		err = s.webhook(ctx, targetURL, m)
	} else {
		err = sendService(ctx, targetURL, m)
	}
	if err != nil {
		return errors.New(scrub(err.Error(), targetURL))
	}
	return nil
}

func (s URLSender) webhook(ctx context.Context, targetURL string, m Message) error {
	body, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode message: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, targetURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", m.ID)
	req.Header.Set("User-Agent", "monit-intel")
	c := s.Client
	if c == nil {
		// A notify URL is the user's; a redirect would be someone else's.
		c = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("post webhook %s: %w", Redact(targetURL), err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("post webhook %s: %s", Redact(targetURL), resp.Status)
	}
	return nil
}

// sendService sends through shoutrrr. Its services take no context, so the send runs in a
// goroutine and ctx's end abandons it (the services' own clients time out as well).
func sendService(ctx context.Context, targetURL string, m Message) error {
	svc, err := newService(targetURL)
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() {
		done <- svc.Send(m.Text, &types.Params{"title": m.Title})
	}()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("send to %s: %w", Redact(targetURL), err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("send to %s: %w", Redact(targetURL), ctx.Err())
	}
}

// sendTimeout bounds one delivery attempt.
const sendTimeout = 20 * time.Second
