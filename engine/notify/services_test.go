package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/emersion/go-smtp"

	"monit-intel/engine"
)

// request is what a receiver got.
type request struct {
	Method, Path, Query string
	Header              http.Header
	Body                []byte
}

// receiver is an httptest server that records requests and answers with status(n) for the
// n-th request (200 when nil); hang(n) makes it wait for the client to give up.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []request
	status func(n int) int
	hang   func(n int) bool
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		n := len(r.got)
		r.got = append(r.got, request{Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery, Header: req.Header.Clone(), Body: body})
		status, hang := http.StatusOK, false
		if r.status != nil {
			status = r.status(n)
		}
		if r.hang != nil {
			hang = r.hang(n)
		}
		r.mu.Unlock()
		if hang {
			<-req.Context().Done()
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"id":1}`))
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]request(nil), r.got...)
}

func sample() Message {
	since := t0.Add(-3 * time.Minute)
	m := Message{Version: SchemaVersion, ID: "abc123", Kind: "NEW", At: t0, Host: "box", Service: "nginx",
		Status: "Does not exist", Since: &since, EventID: 7, Summary: "the process is gone", AnalysisSource: "rules"}
	m.render()
	return m
}

// checkSchema validates a webhook body against the schema the OpenAPI document publishes.
func checkSchema(t *testing.T, body []byte) {
	t.Helper()
	reg := huma.NewMapRegistry("#/components/schemas/", huma.DefaultSchemaNamer)
	s := reg.Schema(reflect.TypeFor[Message](), false, "")
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("webhook body is not JSON: %v", err)
	}
	res := &huma.ValidateResult{}
	huma.Validate(reg, s, huma.NewPathBuffer([]byte(""), 0), huma.ModeWriteToServer, v, res)
	if len(res.Errors) > 0 {
		t.Errorf("webhook body %s against the schema: %v", body, res.Errors)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var m Message
	if err := dec.Decode(&m); err != nil {
		t.Errorf("webhook body has fields the schema lacks: %v", err)
	}
}

func TestWebhookBodyFollowsTheSchema(t *testing.T) {
	r := newReceiver(t)
	if err := (URLSender{}).Send(t.Context(), r.URL+"/hook?token=s3cret", sample()); err != nil {
		t.Fatalf("Send() = %v", err)
	}
	got := r.requests()
	if len(got) != 1 {
		t.Fatalf("%d requests, want 1", len(got))
	}
	req := got[0]
	if req.Method != http.MethodPost || req.Header.Get("Content-Type") != "application/json" || req.Header.Get("Idempotency-Key") != "abc123" {
		t.Errorf("request %s, headers %v", req.Method, req.Header)
	}
	checkSchema(t, req.Body)
}

func TestWebhookErrorsAreRedacted(t *testing.T) {
	r := newReceiver(t)
	r.status = func(int) int { return http.StatusInternalServerError }
	err := (URLSender{}).Send(t.Context(), r.URL+"/hook/s3cret-path?token=s3cret-token", sample())
	if err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("Send() = %v, want the 500", err)
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %q shows a secret", err)
	}
}

// smtpBackend is a real SMTP server's backend that keeps the mails it receives.
type smtpBackend struct {
	mu    sync.Mutex
	mails []string
	rcpt  []string
}

func (b *smtpBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{b: b}, nil }

type smtpSession struct{ b *smtpBackend }

func (s *smtpSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.rcpt = append(s.b.rcpt, to)
	return nil
}
func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.mails = append(s.b.mails, string(data))
	return err
}
func (s *smtpSession) Reset()        {}
func (s *smtpSession) Logout() error { return nil }

func TestSMTPServerReceivesTheMail(t *testing.T) {
	be := &smtpBackend{}
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	url := fmt.Sprintf("smtp://%s/?from=monit-intel@home.lan&to=ops@home.lan&auth=None&encryption=None&usestarttls=No", ln.Addr())
	if err := (URLSender{}).Send(t.Context(), url, sample()); err != nil {
		t.Fatalf("Send() = %v", err)
	}
	be.mu.Lock()
	defer be.mu.Unlock()
	if len(be.mails) != 1 || len(be.rcpt) != 1 || be.rcpt[0] != "ops@home.lan" {
		t.Fatalf("mails %d to %v, want 1 to ops@home.lan", len(be.mails), be.rcpt)
	}
	mail := be.mails[0]
	for _, want := range []string{"Subject: NEW box/nginx", "Monit: Does not exist", "the process is gone", "Failing since: 2026-11-30T09:57:00Z"} {
		if !strings.Contains(mail, want) {
			t.Errorf("mail lacks %q:\n%s", want, mail)
		}
	}
}

// TestSelfHostedServices sends to receivers that check each request against the service's
// published API: ntfy (https://docs.ntfy.sh/publish/) and Gotify
// (https://gotify.net/api-docs, POST /message).
func TestSelfHostedServices(t *testing.T) {
	for _, tc := range []struct {
		name  string
		url   func(host string) string
		check func(t *testing.T, r request)
	}{
		{"ntfy", func(h string) string { return "ntfy://" + h + "/alerts?scheme=http" }, func(t *testing.T, r request) {
			var body struct {
				Topic, Message, Title string
			}
			if err := json.Unmarshal(r.Body, &body); err != nil && r.Path != "/alerts" {
				t.Fatalf("ntfy request %s %s: %v", r.Method, r.Path, err)
			}
			all := r.Path + string(r.Body) + fmt.Sprint(r.Header)
			for _, want := range []string{"alerts", "NEW box/nginx", "Does not exist"} {
				if !strings.Contains(all, want) {
					t.Errorf("ntfy request lacks %q: %s %s %s", want, r.Path, r.Header, r.Body)
				}
			}
		}},
		{"gotify", func(h string) string { return "gotify://" + h + "/AbCdEf123456789?disabletls=yes" }, func(t *testing.T, r request) {
			var body struct {
				Title, Message string
				Priority       int
			}
			if r.Path != "/message" || r.Method != http.MethodPost {
				t.Errorf("gotify request %s %s, want POST /message", r.Method, r.Path)
			}
			if err := json.Unmarshal(r.Body, &body); err != nil {
				t.Fatalf("gotify body %s: %v", r.Body, err)
			}
			if body.Title != "NEW box/nginx" || !strings.Contains(body.Message, "Does not exist") {
				t.Errorf("gotify body = %+v", body)
			}
			if !strings.Contains(r.Query, "AbCdEf123456789") && r.Header.Get("X-Gotify-Key") != "AbCdEf123456789" {
				t.Errorf("gotify request carries no token: %q %v", r.Query, r.Header)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newReceiver(t)
			host := strings.TrimPrefix(r.URL, "http://")
			if err := (URLSender{}).Send(t.Context(), tc.url(host), sample()); err != nil {
				t.Fatalf("Send() = %v", err)
			}
			got := r.requests()
			if len(got) != 1 {
				t.Fatalf("%d requests, want 1", len(got))
			}
			tc.check(t, got[0])
		})
	}
}

// TestTargetDownThenBackDeliversOnce: a webhook that answers 500, then one that hangs, then
// recovers, gets the message exactly once; the injected clock stands in for the wait.
func TestTargetDownThenBackDeliversOnce(t *testing.T) {
	r := newReceiver(t)
	r.status = func(n int) int {
		if n == 0 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	}
	r.hang = func(n int) bool { return n == 1 }
	tg := Target{URL: r.URL + "/hook"}
	clk := &clock{t: t0}
	box := newMemOutbox()
	n := New([]Target{tg}, box, Options{Now: clk.Now})
	d := NewDispatcher(box, []Target{tg}, DispatcherOptions{Now: clk.Now, Timeout: 300 * time.Millisecond, Rand: func() float64 { return 0 }})
	ev := engine.Event{ID: 1, At: t0, Host: "box", Service: "nginx", Kind: engine.StateNew, Detail: "Does not exist"}
	if err := n.AfterCycle(t.Context(), engine.CycleResult{Started: t0, Events: []engine.Event{ev}}); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		_ = d.Flush(t.Context())
		clk.Add(time.Hour)
	}
	got := r.requests()
	if len(got) != 3 {
		t.Fatalf("%d requests (500, hang, 200), want 3", len(got))
	}
	for _, req := range got {
		if req.Header.Get("Idempotency-Key") != got[0].Header.Get("Idempotency-Key") {
			t.Errorf("retries carry different idempotency keys")
		}
	}
	if depth, _ := box.OutboxDepth(t.Context()); depth != 0 {
		t.Errorf("outbox depth %d, want 0", depth)
	}
}

// TestMatrix runs a homeserver speaking the client-server API's calls shoutrrr makes
// (spec.matrix.org/v1.x/client-server-api): the login flows, a password login, joining the
// room, sending an m.text message with the access token.
func TestMatrix(t *testing.T) {
	var mu sync.Mutex
	var steps []string
	var text string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		defer mu.Unlock()
		authed := r.URL.Query().Get("access_token") == "tok-1" || r.Header.Get("Authorization") == "Bearer tok-1"
		path := r.URL.EscapedPath()
		switch {
		case r.Method == http.MethodGet && path == "/_matrix/client/r0/login":
			steps = append(steps, "flows")
			_, _ = w.Write([]byte(`{"flows":[{"type":"m.login.password"}]}`))
		case r.Method == http.MethodPost && path == "/_matrix/client/r0/login":
			id, _ := body["identifier"].(map[string]any)
			if body["type"] != "m.login.password" || body["password"] != "hunter2" || id["type"] != "m.id.user" || id["user"] != "bot" {
				http.Error(w, `{"errcode":"M_FORBIDDEN","error":"bad login"}`, http.StatusForbidden)
				return
			}
			steps = append(steps, "login")
			_, _ = w.Write([]byte(`{"access_token":"tok-1","user_id":"@bot:home.lan","home_server":"home.lan"}`))
		case authed && r.Method == http.MethodPost && strings.HasPrefix(path, "/_matrix/client/r0/join/"):
			steps = append(steps, "join")
			_, _ = w.Write([]byte(`{"room_id":"!ops:home.lan"}`))
		case authed && strings.HasSuffix(path, "/send/m.room.message") && strings.Contains(r.URL.Path, "/rooms/!ops:home.lan/"):
			if body["msgtype"] != "m.text" {
				http.Error(w, `{"errcode":"M_BAD_JSON","error":"msgtype"}`, http.StatusBadRequest)
				return
			}
			steps = append(steps, "send")
			text, _ = body["body"].(string)
			_, _ = w.Write([]byte(`{"event_id":"$1"}`))
		default:
			http.Error(w, `{"errcode":"M_UNRECOGNIZED","error":"`+r.Method+" "+path+`"}`, http.StatusNotFound)
		}
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	if err := (URLSender{}).Send(t.Context(), "matrix://bot:hunter2@"+host+"/?rooms=!ops:home.lan&disableTLS=yes", sample()); err != nil {
		t.Fatalf("Send() = %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if got := strings.Join(steps, ","); got != "flows,login,join,send" {
		t.Errorf("steps %s, want flows,login,join,send", got)
	}
	if !strings.Contains(text, "Does not exist") {
		t.Errorf("message %q lacks Monit's words", text)
	}
}
