package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/ollama/ollama/api"

	"monit-intel/engine"
)

// Defaults for the zero values of Options.
const (
	DefaultURL     = "http://127.0.0.1:11434"
	DefaultModel   = "llama3.1:8b"
	DefaultTimeout = 60 * time.Second
	DefaultNumCtx  = 8192
)

// Options configures a Client. Zero values take the defaults above.
type Options struct {
	// URL is Ollama's base URL.
	URL string
	// Model is the model every call uses.
	Model string
	// Timeout bounds each call (Chat, ChatStream, Ping) as a whole, stream included.
	Timeout time.Duration
	// NumCtx is the num_ctx sent when a request leaves LLMRequest.NumCtx zero.
	NumCtx int
	// HTTPClient carries the requests; nil means a client without its own timeout (calls are
	// bounded by their context and Timeout).
	HTTPClient *http.Client
}

// Client talks to one Ollama server about one model. It is safe for concurrent use.
type Client struct {
	api     *api.Client
	url     string
	model   string
	timeout time.Duration
	numCtx  int
	// modelCtx is the model's trained context length, learnt by Ping from /api/show; 0 while
	// unknown. The server caps num_ctx to it, so truncation is judged against the smaller.
	modelCtx atomic.Int64
}

var _ engine.LLM = (*Client)(nil)

// New checks opts and returns a Client. It does not contact the server: call Ping for that.
func New(opts Options) (*Client, error) {
	if opts.URL == "" {
		opts.URL = DefaultURL
	}
	if opts.Model == "" {
		opts.Model = DefaultModel
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.NumCtx == 0 {
		opts.NumCtx = DefaultNumCtx
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{}
	}
	base, err := url.Parse(opts.URL)
	if err != nil {
		// url.Parse's error repeats the URL, and with it a password it may hold.
		return nil, errors.New("ollama url: want http://host:port; the value does not parse as a URL")
	}
	if (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("ollama url: want http://host:port, got scheme %q and host %q", base.Scheme, base.Host)
	}
	if opts.Timeout < 0 {
		return nil, fmt.Errorf("ollama timeout: must be positive, got %s", opts.Timeout)
	}
	if opts.NumCtx < 0 {
		return nil, fmt.Errorf("ollama num_ctx: must be positive, got %d", opts.NumCtx)
	}
	return &Client{
		api:     api.NewClient(base, opts.HTTPClient),
		url:     withoutUser(base),
		model:   opts.Model,
		timeout: opts.Timeout,
		numCtx:  opts.NumCtx,
	}, nil
}

// withoutUser is u for messages: a password in it (http://user:pw@host) is used by the
// requests but never shown.
func withoutUser(u *url.URL) string {
	c := *u
	c.User = nil
	return c.String()
}

// Source is the server's URL without credentials, for messages and /health.
func (c *Client) Source() string { return c.url }

// Model is the configured model name.
func (c *Client) Model() string { return c.model }

// Ping checks that the server answers (/api/version) and has the model (/api/show). It also
// learns the model's context length, which sharpens truncation detection.
func (c *Client) Ping(ctx context.Context) error {
	call, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if _, err := c.api.Version(call); err != nil {
		return c.unavailable(ctx, call, err)
	}
	show, err := c.api.Show(call, &api.ShowRequest{Model: c.model})
	if err != nil {
		return c.unavailable(ctx, call, err)
	}
	c.modelCtx.Store(int64(contextLength(show.ModelInfo)))
	return nil
}

// contextLength reads "<architecture>.context_length" from /api/show's model_info.
func contextLength(info map[string]any) int {
	arch, _ := info["general.architecture"].(string)
	n, _ := info[arch+".context_length"].(float64)
	return int(n)
}
