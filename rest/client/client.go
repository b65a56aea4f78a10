package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"monit-intel/repl"
	"monit-intel/rest"
)

// Client is a REST client for the daemon.
type Client struct {
	base  *url.URL
	token string
	http  *http.Client
}

var _ repl.Backend = (*Client)(nil)

// New returns a client for the daemon at base (http://127.0.0.1:8000). token is sent as a
// bearer token when not empty.
func New(base, token string) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("daemon url %q: want http://host:port", base)
	}
	// No client timeout: chat streams last as long as the answer; every call has a context.
	return &Client{base: u, token: token, http: &http.Client{}}, nil
}

// Error is an answer other than 2xx, with the problem document's detail.
type Error struct {
	Status int
	Detail string
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return fmt.Sprintf("daemon answered %d %s", e.Status, http.StatusText(e.Status))
	}
	return e.Detail
}

func (c *Client) request(ctx context.Context, method, path string, query url.Values, body any) (*http.Request, error) {
	u := *c.base
	u.Path += path
	u.RawQuery = query.Encode()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), r)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return req, nil
}

// do sends a request and decodes a JSON answer into out.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	req, err := c.request(ctx, method, path, query, body)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("daemon at %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	if err := checkStatus(resp); err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(out); err != nil {
		return fmt.Errorf("%s %s: decode the answer: %w", method, path, err)
	}
	return nil
}

func checkStatus(resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	var p struct {
		Detail string `json:"detail"`
		Errors []struct {
			Message  string `json:"message"`
			Location string `json:"location"`
		} `json:"errors"`
	}
	json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&p)
	detail := p.Detail
	for _, e := range p.Errors {
		detail += fmt.Sprintf("; %s: %s", e.Location, e.Message)
	}
	return &Error{Status: resp.StatusCode, Detail: detail}
}

// Status lists the services (GET /status).
func (c *Client) Status(ctx context.Context, failingOnly bool) ([]repl.ServiceStatus, error) {
	var out struct{ Services []rest.Service }
	q := url.Values{}
	if failingOnly {
		q.Set("failing", "true")
	}
	if err := c.do(ctx, http.MethodGet, "/status", q, nil, &out); err != nil {
		return nil, err
	}
	list := make([]repl.ServiceStatus, 0, len(out.Services))
	for _, s := range out.Services {
		v := repl.ServiceStatus{Host: s.Host, Service: s.Service, Type: s.Type, State: s.State,
			StatusText: s.StatusText, Status: s.Status, Monitor: strings.ToLower(s.MonitorText),
			Failures: s.Failures, CollectedAt: s.CollectedAt, HostStale: s.HostStale}
		if s.FailingSince != nil {
			v.FailingSince = *s.FailingSince
		}
		list = append(list, v)
	}
	return list, nil
}

// History lists a service's failure events (GET /history).
func (c *Client) History(ctx context.Context, host, service string, n int) ([]repl.Event, error) {
	var out struct{ Events []rest.Event }
	q := url.Values{"service": {service}}
	if host != "" {
		q.Set("host", host)
	}
	if n > 0 {
		q.Set("limit", strconv.Itoa(n))
	}
	if err := c.do(ctx, http.MethodGet, "/history", q, nil, &out); err != nil {
		return nil, err
	}
	list := make([]repl.Event, 0, len(out.Events))
	for _, e := range out.Events {
		list = append(list, repl.Event{ID: e.ID, At: e.At, Host: e.Host, Service: e.Service, Kind: e.Kind, Detail: e.Detail,
			Status: e.Status})
	}
	return list, nil
}

// Logs reads a service's registry logs (GET /logs/{service}).
func (c *Client) Logs(ctx context.Context, host, service string, n int) (repl.Logs, error) {
	var out struct {
		Service, Source string
		Lines           []string
	}
	q := url.Values{}
	if host != "" {
		q.Set("host", host)
	}
	if n > 0 {
		q.Set("lines", strconv.Itoa(n))
	}
	if err := c.do(ctx, http.MethodGet, "/logs/"+url.PathEscape(service), q, nil, &out); err != nil {
		return repl.Logs{}, err
	}
	return repl.Logs{Service: out.Service, Source: out.Source, Lines: out.Lines}, nil
}

// Analyze runs the analysis of a service now (POST /analyze).
func (c *Client) Analyze(ctx context.Context, host, service string) ([]repl.Analysis, error) {
	var out struct {
		Analyses []rest.Analysis
		Healthy  []string
	}
	body := map[string]any{"service": service}
	if host != "" {
		body["host"] = host
	}
	if err := c.do(ctx, http.MethodPost, "/analyze", nil, body, &out); err != nil {
		return nil, err
	}
	list := make([]repl.Analysis, 0, len(out.Analyses)+len(out.Healthy))
	for _, h := range out.Healthy {
		list = append(list, repl.Analysis{Host: host, Service: h, Healthy: true})
	}
	for _, a := range out.Analyses {
		list = append(list, repl.Analysis{Host: a.Host, Service: a.Service, Source: a.Source, Model: a.Model, Text: a.Text, At: a.At})
	}
	return list, nil
}

func toProposal(p rest.Proposal) repl.Proposal {
	return repl.Proposal{ID: p.ID, Action: p.Action, Host: p.Host, Service: p.Service, Command: p.Command,
		ExpiresAt: p.ExpiresAt, ProposedBy: p.Source, Simulated: p.Simulated}
}

// Suggest proposes an action (POST /mother/actions/suggest).
func (c *Client) Suggest(ctx context.Context, action, service, host string) (repl.Proposal, error) {
	var out rest.Proposal
	body := map[string]any{"action": action, "service": service}
	if host != "" {
		body["host"] = host
	}
	err := c.do(ctx, http.MethodPost, "/mother/actions/suggest", nil, body, &out)
	return toProposal(out), err
}

// Actions lists pending proposals (GET /mother/actions).
func (c *Client) Actions(ctx context.Context) ([]repl.Proposal, error) {
	var out struct{ Proposals []rest.Proposal }
	if err := c.do(ctx, http.MethodGet, "/mother/actions", nil, nil, &out); err != nil {
		return nil, err
	}
	list := make([]repl.Proposal, 0, len(out.Proposals))
	for _, p := range out.Proposals {
		list = append(list, toProposal(p))
	}
	return list, nil
}

// Execute approves, rejects or dry-runs a proposal (POST /mother/actions/execute).
func (c *Client) Execute(ctx context.Context, id string, approve, dryRun bool) (repl.ExecResult, error) {
	var out struct {
		ID, Status, Command, Output, Error string
		ExitCode                           int `json:"exit_code"`
	}
	err := c.do(ctx, http.MethodPost, "/mother/actions/execute", nil,
		map[string]any{"id": id, "approve": approve, "dry_run": dryRun}, &out)
	if err != nil {
		return repl.ExecResult{}, err
	}
	return repl.ExecResult{ID: out.ID, Command: out.Command, Status: out.Status, Output: out.Output,
		Error: out.Error, ExitCode: out.ExitCode}, nil
}

// Audit reads the action audit log (GET /mother/actions/audit).
func (c *Client) Audit(ctx context.Context, n int) ([]repl.AuditEntry, error) {
	var out struct{ Entries []rest.AuditEntry }
	q := url.Values{}
	if n > 0 {
		q.Set("limit", strconv.Itoa(n))
	}
	if err := c.do(ctx, http.MethodGet, "/mother/actions/audit", q, nil, &out); err != nil {
		return nil, err
	}
	list := make([]repl.AuditEntry, 0, len(out.Entries))
	for _, e := range out.Entries {
		list = append(list, repl.AuditEntry{ID: e.ID, At: e.At, Action: e.Action, Host: e.Host, Service: e.Service,
			Command: e.Command, Result: e.Result, Error: e.Error, Source: e.Source, Approved: e.UserApproved,
			Simulated: e.Simulated})
	}
	return list, nil
}

// pingTimeout bounds the reachability check a REPL makes at start.
const pingTimeout = 5 * time.Second

// Ping checks that the daemon answers and takes the token (GET /, which needs it: /health
// would answer without).
func (c *Client) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	return c.do(ctx, http.MethodGet, "/", nil, nil, nil)
}
