package rest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"monit-intel/engine/user"
)

// memAccounts is Users over a map, with the real name and role checks of user.Accounts.
type memAccounts struct {
	mu    sync.Mutex
	users map[string]user.User
}

func (m *memAccounts) Add(_ context.Context, name string, role user.Role, pw string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := user.CheckName(name); err != nil {
		return err
	}
	if err := user.CheckPassword(pw); err != nil {
		return err
	}
	if _, ok := m.users[name]; ok {
		return user.ErrExists
	}
	m.users[name] = user.User{Name: name, Role: role, Hash: "$argon2id$secret-hash", CreatedAt: t0, UpdatedAt: t0}
	return nil
}

func (m *memAccounts) Change(_ context.Context, name string, role user.Role, _ string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[name]
	if !ok {
		return user.ErrUnknown
	}
	if role != "" {
		u.Role = role
	}
	m.users[name] = u
	return nil
}

func (m *memAccounts) Delete(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.users[name]; !ok {
		return user.ErrUnknown
	}
	delete(m.users, name)
	return nil
}

func (m *memAccounts) List(context.Context) ([]user.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []user.User
	for _, u := range m.users {
		out = append(out, u)
	}
	return out, nil
}

func TestUsersEndpoints(t *testing.T) {
	deps := testDeps()
	deps.Users = &memAccounts{users: map[string]user.User{}}
	_, api := newTestServer(t, Options{}, deps)
	steps := []struct {
		method, path string
		body         any
		want         int
	}{
		{"PUT", "/users/alice", map[string]any{"create": true, "role": "operator", "password": "long-enough"}, 200},
		{"PUT", "/users/alice", map[string]any{"create": true, "password": "long-enough"}, 409},
		{"PUT", "/users/bob", map[string]any{"create": true, "password": "short"}, 422},
		{"PUT", "/users/api", map[string]any{"create": true, "password": "long-enough"}, 422},
		{"PUT", "/users/alice", map[string]any{"role": "admin"}, 422},
		{"PUT", "/users/nobody", map[string]any{"role": "viewer"}, 404},
		{"PUT", "/users/alice", map[string]any{"role": "viewer"}, 200},
		{"DELETE", "/users/nobody", nil, 404},
	}
	for _, s := range steps {
		var resp interface {
			Result() *http.Response
		}
		if s.body != nil {
			resp = api.Do(s.method, s.path, s.body)
		} else {
			resp = api.Do(s.method, s.path)
		}
		if got := resp.Result().StatusCode; got != s.want {
			t.Errorf("%s %s %v = %d, want %d", s.method, s.path, s.body, got, s.want)
		}
	}
	resp := api.Get("/users")
	if b := resp.Body.String(); !strings.Contains(b, `"name":"alice"`) || !strings.Contains(b, `"role":"viewer"`) || strings.Contains(b, "argon2") {
		t.Errorf("GET /users = %s, want alice as a viewer and no hash", b)
	}
}

// fakeUI stands for the web UI: its pages answer "ui PATH".
var fakeUI = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ui " + r.URL.Path)) })

// cookieAuth stands for the UI's sessions: a cookie s=ok is alice, an operator.
type cookieAuth struct{}

func (cookieAuth) Authenticate(r *http.Request) (Principal, bool) {
	c, err := r.Cookie("s")
	return Principal{Name: "alice", Role: RoleOperator}, err == nil && c.Value == "ok"
}

func TestWebUIRouting(t *testing.T) {
	deps := testDeps()
	deps.Users = &memAccounts{users: map[string]user.User{}}
	s, _ := newTestServer(t, Options{Token: "s3cret", UI: fakeUI, Authenticators: []Authenticator{cookieAuth{}}}, deps)
	session := http.Header{"Cookie": {"s=ok"}}
	tests := []struct {
		name, method, path string
		hdr                http.Header
		want               int
		wantBody, location string
	}{
		{"a browser at / goes to the UI", "GET", "/", http.Header{"Accept": {"text/html,application/xhtml+xml"}}, 303, "", "/ui/"},
		{"an API client at / needs the token", "GET", "/", nil, 401, "", ""},
		{"the JSON index with the token", "GET", "/", http.Header{"Authorization": {"Bearer s3cret"}}, 200, `"monit-intel"`, ""},
		{"/ui goes to /ui/", "GET", "/ui", nil, 303, "", "/ui/"},
		{"the UI serves its pages", "GET", "/ui/login", nil, 200, "ui /ui/login", ""},
		{"a cross-site form is refused", "POST", "/ui/login", http.Header{"Sec-Fetch-Site": {"cross-site"}}, 403, "", ""},
		{"the session reaches the API", "GET", "/status", session, 200, `"services"`, ""},
		{"but not the users", "GET", "/users", session, 403, "API token", ""},
		{"the token reaches the users", "GET", "/users", http.Header{"Authorization": {"Bearer s3cret"}}, 200, `"users"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, nil)
			req.Host = "127.0.0.1:8000"
			if tt.hdr != nil {
				req.Header = tt.hdr
			}
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != tt.want || !strings.Contains(rec.Body.String(), tt.wantBody) || rec.Header().Get("Location") != tt.location {
				t.Errorf("%s %s = %d %q (Location %q), want %d %q %q", tt.method, tt.path, rec.Code, rec.Body, rec.Header().Get("Location"),
					tt.want, tt.wantBody, tt.location)
			}
		})
	}
	req := httptest.NewRequest("GET", "/ui/login", nil)
	req.Host = "rebind.example:8000"
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusMisdirectedRequest {
		t.Errorf("the UI under a foreign Host = %d, want 421 (DNS rebinding)", rec.Code)
	}
}
