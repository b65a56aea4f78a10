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
	// URL is Monit's httpd base URL (http://127.0.0.1:2812, https://…), its unix socket
	// (unix:///run/monit.sock, or the socket's path), or a file path (absolute, relative, or
	// file://…) of a saved status document to replay.
	URL      string
	Username string
	Password string
	// TLS trusts an https:// Monit whose certificate the system does not know.
	TLS TLSOptions
	// Timeout bounds one request, body included. Zero means DefaultTimeout.
	Timeout time.Duration
	// MaxBytes caps the document size. Zero means DefaultMaxBytes.
	MaxBytes int64
}

// Client fetches and parses Monit's status. It is safe for concurrent use.
type Client struct {
	base     *url.URL // nil in file mode
	socket   string   // Monit's unix socket, or ""
	file     string
	display  string // the URL or path for messages, never with a password
	username string
	password string
	timeout  time.Duration
	maxBytes int64
	http     *http.Client
}

// New checks opts and returns a client. Its only I/O is looking at a bare path (is it a
// socket?) and reading TLS.CAFile.
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
	src, err := resolveSource(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("new monit client: %w", err)
	}
	if opts.TLS.set() && (src.kind != sourceHTTP || src.base.Scheme != "https") {
		return nil, errors.New("new monit client: TLS options apply to an https:// URL only")
	}
	switch src.kind {
	case sourceFile:
		c.file, c.display = src.path, src.path
		return c, nil
	case sourceUnix:
		c.socket, c.display = src.path, "unix://"+src.path
		// The host is only for the request line; the transport dials the socket.
		src.base = &url.URL{Scheme: "http", Host: "localhost"}
	}
	c.http, err = newHTTPClient(src, opts.TLS)
	if err != nil {
		return nil, fmt.Errorf("new monit client: %w", err)
	}
	c.useHTTP(src.base, src.kind == sourceHTTP)
	return c, nil
}

// useHTTP sets up HTTP mode. Credentials written into the URL are used when Options carry
// none, and are removed from the URL so that no message can show them.
func (c *Client) useHTTP(u *url.URL, display bool) {
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
	if display {
		c.display = u.String()
	}
}

// Source returns the URL or file the client reads, without credentials: unix://PATH for a
// socket, even when it was given as a bare path.
func (c *Client) Source() string { return c.display }

// Transport returns what reaches Monit's httpd (the socket dialer, the TLS trust), for other
// requests to the same Monit such as actions; nil when the client replays a file.
func (c *Client) Transport() http.RoundTripper {
	if c.http == nil {
		return nil
	}
	return c.http.Transport
}

// Fetch reads and parses one status document (GET /_status?format=xml, or the file).
func (c *Client) Fetch(ctx context.Context) (engine.Status, error) {
	doc, err := c.read(ctx)
	if err != nil {
		return engine.Status{}, err
	}
	st, err := ParseStatus(bytes.NewReader(doc))
	if err != nil && c.base != nil && !bytes.Contains(doc, []byte("<monit")) {
		return engine.Status{}, &fetchError{kind: ErrNotMonit, cause: err, msg: fmt.Sprintf(
			"%s answered, but not with Monit's status: is monit.url the address of Monit's httpd?", c.display)}
	}
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
