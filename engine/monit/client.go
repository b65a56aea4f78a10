package monit

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"monit-intel/engine"
)

// Defaults for Options.
const (
	DefaultTimeout  = 10 * time.Second
	DefaultMaxBytes = 32 << 20
)

// Options configure a Client.
type Options struct {
	// URL is Monit's httpd base URL (http://127.0.0.1:2812), or a file path (absolute,
	// relative, or file://…) of a saved status document to replay.
	URL      string
	Username string
	Password string
	// Timeout bounds one request, body included. Zero means DefaultTimeout.
	Timeout time.Duration
	// MaxBytes caps the document size. Zero means DefaultMaxBytes.
	MaxBytes int64
}

// Client fetches and parses Monit's status. It is safe for concurrent use.
type Client struct {
	base     *url.URL // nil in file mode
	file     string
	display  string // the URL or path for messages, never with a password
	username string
	password string
	timeout  time.Duration
	maxBytes int64
	http     *http.Client
}

// New checks opts and returns a client. It does no I/O.
func New(opts Options) (*Client, error) {
	if opts.Timeout < 0 || opts.MaxBytes < 0 {
		return nil, errors.New("new monit client: timeout and max bytes must not be negative")
	}
	c := &Client{
		username: opts.Username,
		password: opts.Password,
		timeout:  cmp.Or(opts.Timeout, DefaultTimeout),
		maxBytes: cmp.Or(opts.MaxBytes, DefaultMaxBytes),
	}
	raw := strings.TrimSpace(opts.URL)
	if raw == "" {
		return nil, errors.New("new monit client: no URL or file")
	}
	u, err := url.Parse(raw)
	switch {
	case err == nil && (u.Scheme == "http" || u.Scheme == "https"):
		if u.Host == "" {
			return nil, fmt.Errorf("new monit client: URL %s has no host", u.Redacted())
		}
		c.useHTTP(u)
	case err == nil && u.Scheme == "file":
		c.file = u.Path
		c.display = u.Path
	case err == nil && u.Scheme != "" && len(u.Scheme) > 1:
		return nil, fmt.Errorf("new monit client: URL scheme %q: want http, https or file", u.Scheme)
	default: // a plain path (Windows drive letters parse as one-letter schemes)
		c.file = raw
		c.display = raw
	}
	if c.file == "" && c.base == nil {
		return nil, errors.New("new monit client: file URL without a path")
	}
	return c, nil
}

// useHTTP sets up HTTP mode. Credentials written into the URL are used when Options carry
// none, and are removed from the URL so that no message can show them.
func (c *Client) useHTTP(u *url.URL) {
	if u.User != nil {
		if c.username == "" {
			c.username = u.User.Username()
			c.password, _ = u.User.Password()
		}
		u.User = nil
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	c.base = u
	c.display = u.String()
	// A transport of its own: Monit answers HTTP/1.0 with Connection: close, and sharing
	// http.DefaultTransport would tie this client to global state.
	c.http = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
}

// Source returns the URL or file the client reads, without credentials.
func (c *Client) Source() string { return c.display }

// Fetch reads and parses one status document (GET /_status?format=xml, or the file).
func (c *Client) Fetch(ctx context.Context) (engine.Status, error) {
	doc, err := c.read(ctx)
	if err != nil {
		return engine.Status{}, err
	}
	st, err := ParseStatus(bytes.NewReader(doc))
	if err != nil {
		return engine.Status{}, fmt.Errorf("monit status from %s: %w", c.display, err)
	}
	return st, nil
}

// Ping checks that Monit answers and accepts the credentials (GET /_ping, which Monit
// guards like every other page), or that the replay file is readable.
func (c *Client) Ping(ctx context.Context) error {
	if c.base == nil {
		f, err := os.Open(c.file)
		if err != nil {
			return fmt.Errorf("monit status file: %w", err)
		}
		return f.Close()
	}
	_, err := c.get(ctx, "/_ping", "")
	return err
}

func (c *Client) read(ctx context.Context) ([]byte, error) {
	if c.base == nil {
		return c.readFile(ctx)
	}
	return c.get(ctx, "/_status", "format=xml")
}

func (c *Client) readFile(ctx context.Context) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("read monit status from %s: %w", c.display, err)
	}
	f, err := os.Open(c.file)
	if err != nil {
		return nil, fmt.Errorf("read monit status: %w", err)
	}
	defer f.Close()
	doc, err := c.readCapped(f)
	if err != nil {
		return nil, fmt.Errorf("read monit status: %w", err)
	}
	return doc, nil
}

// readCapped reads r up to the cap, stopping at cap+1 bytes to tell a full read from one
// that was cut.
func (c *Client) readCapped(r io.Reader) ([]byte, error) {
	doc, err := io.ReadAll(io.LimitReader(r, c.maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(doc)) > c.maxBytes {
		return nil, c.tooLarge()
	}
	return doc, nil
}
