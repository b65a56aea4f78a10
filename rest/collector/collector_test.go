package collector

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"monit-intel/engine/fleet"
)

type fakePusher struct {
	got   [][]byte
	users []string
	err   error
}

func (f *fakePusher) Push(_ context.Context, user string, body []byte) (fleet.PushResult, error) {
	f.users = append(f.users, user)
	if f.err != nil {
		return fleet.PushResult{}, f.err
	}
	f.got = append(f.got, body)
	return fleet.PushResult{Host: "vm"}, nil
}

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func TestHandler(t *testing.T) {
	doc := []byte(`<monit id="x"><server><localhostname>vm</localhostname></server></monit>`)
	bomb := gz(t, bytes.Repeat([]byte("a"), 2048))
	cases := []struct {
		name       string
		method     string
		user, pass string
		encoding   string
		body       []byte
		chunked    bool
		pushErr    error
		want       int
		wantPushed bool
	}{
		{name: "plain", user: "monit", pass: "pw", body: doc, want: 200, wantPushed: true},
		{name: "gzip", user: "monit", pass: "pw", encoding: "gzip", body: gz(t, doc), want: 200, wantPushed: true},
		{name: "no credentials", body: doc, want: 401},
		{name: "wrong password", user: "monit", pass: "nope", body: doc, want: 401},
		{name: "unknown user", user: "who", pass: "pw", body: doc, want: 401},
		{name: "empty password of a known user", user: "monit", body: doc, want: 401},
		{name: "GET", method: "GET", user: "monit", pass: "pw", want: 405},
		{name: "oversized", user: "monit", pass: "pw", body: bytes.Repeat([]byte("x"), 1025), want: 413},
		{name: "oversized without a length", user: "monit", pass: "pw", body: bytes.Repeat([]byte("x"), 1025), chunked: true, want: 413},
		{name: "gzip bomb", user: "monit", pass: "pw", encoding: "gzip", body: bomb, want: 413},
		{name: "not gzip", user: "monit", pass: "pw", encoding: "gzip", body: doc, want: 400},
		{name: "unknown encoding", user: "monit", pass: "pw", encoding: "br", body: doc, want: 415},
		{name: "malformed", user: "monit", pass: "pw", body: doc, pushErr: fmt.Errorf("%w: bad", fleet.ErrRefused), want: 400},
		{name: "name taken", user: "monit", pass: "pw", body: doc, pushErr: fmt.Errorf("%w: vm", fleet.ErrNameTaken), want: 409},
		{name: "host of another user", user: "monit", pass: "pw", body: doc, pushErr: fmt.Errorf("%w: vm", fleet.ErrOtherUser), want: 403},
		{name: "storage down", user: "monit", pass: "pw", body: doc, pushErr: errors.New("disk I/O error"), want: 503},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := &fakePusher{err: c.pushErr}
			h := New(p, Options{Users: map[string]string{"monit": "pw"}, MaxBytes: 1024})
			var body io.Reader = bytes.NewReader(c.body)
			if c.chunked {
				body = io.MultiReader(body) // hides the length
			}
			req := httptest.NewRequest(cmp.Or(c.method, http.MethodPost), "/collector", body)
			if c.user != "" || c.pass != "" {
				req.SetBasicAuth(c.user, c.pass)
			}
			if c.encoding != "" {
				req.Header.Set("Content-Encoding", c.encoding)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.want {
				t.Errorf("status = %d %q, want %d", rec.Code, rec.Body, c.want)
			}
			if c.want >= 400 && strings.TrimSpace(rec.Body.String()) == "" {
				t.Error("a refusal without a reason")
			}
			if pushed := len(p.got) == 1 && bytes.Equal(p.got[0], doc); pushed != c.wantPushed {
				t.Errorf("pushed = %v (%d messages), want %v", pushed, len(p.got), c.wantPushed)
			}
			if c.wantPushed && !slices.Equal(p.users, []string{"monit"}) {
				t.Errorf("pushed as %q, want the authenticated user %q", p.users, "monit")
			}
			if c.want == 200 && rec.Header().Get("Server") != ServerHeader {
				t.Errorf("Server = %q, want %q (Monit gzips after it)", rec.Header().Get("Server"), ServerHeader)
			}
			if c.want == 401 && !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Basic ") {
				t.Errorf("401 without a Basic challenge: %v", rec.Header())
			}
		})
	}
}
