package collector

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/fleet"
)

// storeIngest keeps what a real fleet.Fleet hands on.
type storeIngest struct {
	mu  sync.Mutex
	got []engine.Status
}

func (s *storeIngest) Ingest(_ context.Context, st engine.Status) (engine.CycleResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, st)
	return engine.CycleResult{Host: st.Host}, nil
}

type noSink struct{}

func (noSink) AfterCycle(context.Context, engine.CycleResult, error) {}

type noEvents struct{}

func (noEvents) RecordCycle(context.Context, time.Time, engine.Status, []engine.Event) (engine.RecordedCycle, error) {
	return engine.RecordedCycle{}, nil
}

// sample is a message a real Monit 5.33 sent; its <credentials> carry the password "secret".
func sample(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../engine/fleet/testdata/heartbeat.xml")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// realHandler is the handler in front of a real fleet, with the default size cap.
func realHandler(t *testing.T, logs io.Writer) (*Handler, *storeIngest) {
	t.Helper()
	in := &storeIngest{}
	f := fleet.New(in, noSink{}, noEvents{}, fleet.Options{})
	return New(f, Options{Users: map[string]string{"monit": "pw", "mönit": "pä:ss wörd🔑"},
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}), in
}

// TestHostileBodies: bodies built to exhaust memory or confuse the decoders get a 4xx with a
// reason, nothing reaches the fleet, and the handler keeps serving.
func TestHostileBodies(t *testing.T) {
	doc := sample(t)
	var services strings.Builder
	for i := range 100_000 {
		fmt.Fprintf(&services, `<service name="s%d"><type>3</type><status>0</status><monitor>1</monitor></service>`, i)
	}
	cases := []struct {
		name     string
		encoding string
		body     []byte
		want     int
	}{
		{"gzip bomb: 16 MiB of zeros in 16 KiB", "gzip", gz(t, make([]byte, 16<<20)), 413},
		{"gzip inside gzip", "gzip", gz(t, gz(t, doc)), 400},
		{"gzip twice declared", "gzip, gzip", gz(t, gz(t, doc)), 415},
		{"deflate", "deflate", doc, 415},
		{"br", "br", doc, 415},
		{"compress", "compress", doc, 415},
		{"gzip sent as identity", "identity", gz(t, doc), 400},
		{"plain sent as gzip", "gzip", doc, 400},
		{"gzip cut short", "gzip", gz(t, doc)[:200], 400},
		{"gzip with trailing garbage", "gzip", append(gz(t, doc), "<monit>"...), 400},
		{"100,000 services", "", bytes.Replace(doc, []byte("<services>"), []byte("<services>"+services.String()), 1), 413},
		{"100,000 services gzipped", "gzip", gz(t, bytes.Replace(doc, []byte("<services>"), []byte("<services>"+services.String()), 1)), 413},
		{"empty", "", nil, 400},
		{"NUL bytes only", "", make([]byte, 1024), 400},
		{"invalid UTF-8 only", "", bytes.Repeat([]byte{0xff, 0xfe}, 512), 400},
	}
	var logs bytes.Buffer
	h, in := realHandler(t, &logs)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/collector", bytes.NewReader(c.body))
			req.SetBasicAuth("monit", "pw")
			if c.encoding != "" {
				req.Header.Set("Content-Encoding", c.encoding)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.want || strings.TrimSpace(rec.Body.String()) == "" {
				t.Errorf("status = %d %q, want %d with a reason", rec.Code, rec.Body, c.want)
			}
		})
	}
	if len(in.got) != 0 {
		t.Errorf("%d refused messages reached the ingest", len(in.got))
	}
	req := httptest.NewRequest(http.MethodPost, "/collector", bytes.NewReader(doc))
	req.SetBasicAuth("monit", "pw")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 || len(in.got) != 1 {
		t.Errorf("a valid message after the attacks = %d, %d ingested; want 200", rec.Code, len(in.got))
	}
	if strings.Contains(logs.String(), "secret") || strings.Contains(logs.String(), "c2VjcmV0") {
		t.Errorf("the log shows Monit's <credentials>:\n%s", logs.String())
	}
}

// TestCredentialCases: Basic credentials are compared whole (user and password, each byte);
// a ':' in a password and Unicode work, the API token does not open the collector, and a
// refused password is never logged.
func TestCredentialCases(t *testing.T) {
	cases := []struct {
		name string
		auth string // the Authorization header
		want int
	}{
		{"right", basic("monit", "pw"), 200},
		{"Unicode name, ':' and space in the password", basic("mönit", "pä:ss wörd🔑"), 200},
		{"scheme in lower case", "basic " + b64("monit:pw"), 200},
		{"the API token", "Bearer pw", 401},
		{"password with a suffix", basic("monit", "pwx"), 401},
		{"password's prefix", basic("monit", "p"), 401},
		{"password with a NUL", basic("monit", "pw\x00"), 401},
		{"name in another case", basic("Monit", "pw"), 401},
		{"name with a ':' shifted into it", "Basic " + b64("monit:pw:"), 401},
		{"name decomposed (o + combining diaeresis)", basic("mo\u0308nit", "pä:ss wörd🔑"), 401},
		{"another user's password", basic("monit", "pä:ss wörd🔑"), 401},
		{"unknown user with the password", basic("admin", "pw"), 401},
		{"empty name and password", basic("", ""), 401},
		{"not base64", "Basic !!!", 401},
		{"no colon", "Basic " + b64("monitpw"), 401},
	}
	var logs bytes.Buffer
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, _ := realHandler(t, &logs) // the sample's host is bound to the first user it is pushed as
			req := httptest.NewRequest(http.MethodPost, "/collector", bytes.NewReader(sample(t)))
			req.Header.Set("Authorization", c.auth)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.want {
				t.Errorf("status = %d %q, want %d", rec.Code, rec.Body, c.want)
			}
		})
	}
	for _, secret := range []string{"pwx", "pä:ss", b64("monit:pwx"), "secret"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log shows %q:\n%s", secret, logs.String())
		}
	}
}

// TestHostBoundToItsUser: a host is bound to the collector user of its first push; the same
// message (the same Monit id and name) sent as another valid user is a 403, is not stored,
// and neither user's credentials reach the log. A message under a new id that would take the
// host's name over is refused too.
func TestHostBoundToItsUser(t *testing.T) {
	var logs bytes.Buffer
	h, in := realHandler(t, &logs)
	send := func(auth string, body []byte) int {
		req := httptest.NewRequest(http.MethodPost, "/collector", bytes.NewReader(body))
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	doc := sample(t)
	if code := send(basic("monit", "pw"), doc); code != http.StatusOK {
		t.Fatalf("first push = %d, want 200", code)
	}
	newID := bytes.Replace(doc, []byte(`id="`), []byte(`id="0`), 1)
	for _, c := range []struct {
		name string
		auth string
		body []byte
		want int
	}{
		{"same host as another user", basic("mönit", "pä:ss wörd🔑"), doc, http.StatusForbidden},
		{"its name under a new id as another user", basic("mönit", "pä:ss wörd🔑"), newID, http.StatusForbidden},
		{"same host as its user", basic("monit", "pw"), doc, http.StatusOK},
	} {
		before := len(in.got)
		if code := send(c.auth, c.body); code != c.want {
			t.Errorf("%s: status = %d, want %d", c.name, code, c.want)
		}
		if stored := len(in.got) - before; (c.want == http.StatusOK) != (stored == 1) {
			t.Errorf("%s: %d statuses stored", c.name, stored)
		}
	}
	for _, secret := range []string{"pä:ss", "mönit", b64("mönit:pä:ss wörd🔑"), "secret"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log shows %q:\n%s", secret, logs.String())
		}
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func basic(user, pass string) string {
	r := httptest.NewRequest("GET", "/", nil)
	r.SetBasicAuth(user, pass)
	return r.Header.Get("Authorization")
}

// TestSlowBody: a client that sends its headers and then trickles its body (slowloris) is cut
// off after Options.ReadTimeout; nothing reaches the fleet and the server keeps serving.
func TestSlowBody(t *testing.T) {
	in := &storeIngest{}
	h := New(fleet.New(in, noSink{}, noEvents{}, fleet.Options{}), Options{Users: map[string]string{"monit": "pw"},
		ReadTimeout: 300 * time.Millisecond})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	doc := sample(t)
	fmt.Fprintf(conn, "POST /collector HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\nContent-Length: %d\r\n\r\n", basic("monit", "pw"), len(doc))
	start := time.Now()
	done := make(chan string, 1)
	go func() {
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			done <- "closed: " + err.Error()
			return
		}
		done <- resp.Status
	}()
	for i := 0; ; i++ {
		select {
		case got := <-done:
			if took := time.Since(start); took > 3*time.Second || strings.HasPrefix(got, "200") {
				t.Errorf("slow body answered %q after %s; want cut off near the 300 ms read timeout", got, took)
			}
			if len(in.got) != 0 {
				t.Error("a slow body reached the ingest")
			}
			resp, err := http.Post(srv.URL+"/collector", "text/xml", bytes.NewReader(doc))
			if err != nil || resp.StatusCode != 401 {
				t.Errorf("the next request = %v, %v; want the server still answering", resp, err)
			}
			return
		case <-time.After(100 * time.Millisecond):
			if time.Since(start) > 5*time.Second {
				t.Fatal("the slow body was never cut off")
			}
			conn.Write(doc[i%len(doc) : i%len(doc)+1]) // one byte every 100 ms: errors once cut off
		}
	}
}
