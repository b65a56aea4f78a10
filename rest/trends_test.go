package rest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"monit-intel/engine/trend"
)

// fakeTrends serves sshd's CPU: 1, 5, 3 percent an hour apart ending at t0.
type fakeTrends struct {
	host         string // of the last read
	since, until time.Time
	err          error
}

func (f *fakeTrends) SamplesOn(_ context.Context, host, service string, fig trend.Figure, since, until time.Time) ([]trend.Sample, error) {
	f.host, f.since, f.until = host, since, until
	if f.err != nil || service != "sshd" || fig != trend.CPU {
		return nil, f.err
	}
	return []trend.Sample{{At: t0.Add(-2 * time.Hour), Value: 1}, {At: t0.Add(-time.Hour), Value: 5}, {At: t0, Value: 3}}, nil
}

func TestTrends(t *testing.T) {
	deps := testDeps()
	ft := &fakeTrends{}
	deps.Trends = ft
	_, api := newTestServer(t, Options{Now: func() time.Time { return t0 }}, deps)

	resp := api.Get("/trends?service=sshd&figure=cpu")
	body := resp.Body.String()
	for _, want := range []string{`"summary":{"samples":3,"latest":3,"latest_at":"2026-11-24T08:00:00Z","min":1,"avg":3,"max":5,"max_at":"2026-11-24T07:00:00Z"}`,
		`"unit":"%"`, `"label":"CPU usage"`, `{"at":"2026-11-24T06:00:00Z","value":1}`} {
		if resp.Code != 200 || !strings.Contains(body, want) {
			t.Errorf("GET /trends = %d %s, want %s", resp.Code, body, want)
		}
	}
	if !ft.until.Equal(t0) || !ft.since.Equal(t0.Add(-24*time.Hour)) {
		t.Errorf("window = %v..%v, want the 24 hours before now", ft.since, ft.until)
	}
	resp = api.Get("/trends?service=sshd&figure=cpu&since=2026-11-20T00:00:00Z&until=2026-11-21T00:00:00Z")
	if resp.Code != 200 || ft.since.Day() != 20 || ft.until.Day() != 21 {
		t.Errorf("explicit window = %d, read %v..%v", resp.Code, ft.since, ft.until)
	}
	tests := []struct {
		name, url string
		code      int
		body      string
	}{
		{"unknown service", "/trends?service=nope&figure=cpu", 404, "unknown service"},
		{"unknown figure", "/trends?service=sshd&figure=temperature", 422, "figure"},
		{"figure of another type", "/trends?service=sshd&figure=disk", 422, "has no figure disk (it has: cpu, memory)"},
		{"empty window", "/trends?service=sshd&figure=cpu&since=2026-11-21T00:00:00Z&until=2026-11-20T00:00:00Z", 422, "since must be before until"},
		{"no readings", "/trends?service=system_backup&figure=exit_status", 200, `"summary":null,"points":[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := api.Get(tt.url)
			if resp.Code != tt.code || !strings.Contains(resp.Body.String(), tt.body) {
				t.Errorf("GET %s = %d %s, want %d with %q", tt.url, resp.Code, resp.Body, tt.code, tt.body)
			}
		})
	}
	ft.err = errors.New("disk I/O error")
	if resp := api.Get("/trends?service=sshd&figure=cpu"); resp.Code != 500 {
		t.Errorf("store error = %d %s, want 500", resp.Code, resp.Body)
	}
	deps.Trends = nil
	_, api = newTestServer(t, Options{}, deps)
	if resp := api.Get("/trends?service=sshd&figure=cpu"); resp.Code != 503 {
		t.Errorf("not configured = %d, want 503", resp.Code)
	}
}
