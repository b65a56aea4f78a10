package notify

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// redirectTransport sends every request to a test server, keeping the original host in
// X-Original-Host: Slack, Discord and Telegram have their hosts built into shoutrrr.
type redirectTransport struct {
	to   *url.URL
	base http.RoundTripper
}

func (rt redirectTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set("X-Original-Host", req.URL.Host)
	r.URL.Scheme, r.URL.Host, r.Host = rt.to.Scheme, rt.to.Host, rt.to.Host
	return rt.base.RoundTrip(r)
}

// TestChatServices checks the requests shoutrrr makes for Slack, Discord and Telegram against
// each service's published API. Their hosts are fixed in shoutrrr, so the test swaps
// http.DefaultTransport (which their clients use) for one that goes to a receiver; the test
// is not parallel for that reason.
func TestChatServices(t *testing.T) {
	for _, tc := range []struct {
		name, url, host, method, path string
		answer                        string
		check                         func(t *testing.T, body map[string]any)
	}{
		{name: "slack webhook (api.slack.com/messaging/webhooks)",
			url:  "slack://hook:WNA3PBYV6-F20DUQND3RQ-Webc4MAvoacrpPakR8phF0zi@webhook",
			host: "hooks.slack.com", method: "POST", path: "/services/WNA3PBYV6/F20DUQND3RQ/Webc4MAvoacrpPakR8phF0zi",
			answer: "ok",
			check: func(t *testing.T, b map[string]any) {
				if s := jsonText(b); !strings.Contains(s, "Does not exist") {
					t.Errorf("slack body %v lacks the message", b)
				}
			}},
		{name: "discord webhook (discord.com/developers/docs/resources/webhook)",
			url:  "discord://hunter2token@123456789012345678",
			host: "discord.com", method: "POST", path: "/api/webhooks/123456789012345678/hunter2token",
			check: func(t *testing.T, b map[string]any) {
				if _, ok := b["embeds"]; !ok && b["content"] == nil {
					t.Errorf("discord body %v has neither content nor embeds", b)
				}
				if s := jsonText(b); !strings.Contains(s, "Does not exist") {
					t.Errorf("discord body %v lacks the message", b)
				}
			}},
		{name: "telegram sendMessage (core.telegram.org/bots/api#sendmessage)",
			url:  "telegram://110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw@telegram?chats=@ops_alerts",
			host: "api.telegram.org", method: "POST", path: "/bot110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage",
			answer: `{"ok":true,"result":{"message_id":1,"date":0,"chat":{"id":1,"type":"channel"}}}`,
			check: func(t *testing.T, b map[string]any) {
				if b["chat_id"] != "@ops_alerts" || !strings.Contains(jsonText(b), "Does not exist") {
					t.Errorf("telegram body %v, want chat_id @ops_alerts and the message", b)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var got []*http.Request
			var bodies []map[string]any
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var b map[string]any
				_ = json.NewDecoder(r.Body).Decode(&b)
				mu.Lock()
				got, bodies = append(got, r), append(bodies, b)
				mu.Unlock()
				if tc.answer == "" {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				_, _ = w.Write([]byte(tc.answer))
			}))
			defer srv.Close()
			to, _ := url.Parse(srv.URL)
			orig := http.DefaultTransport
			http.DefaultTransport = redirectTransport{to: to, base: orig}
			defer func() { http.DefaultTransport = orig }()

			if err := (URLSender{}).Send(t.Context(), tc.url, sample()); err != nil {
				t.Fatalf("Send() = %v", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(got) != 1 {
				t.Fatalf("%d requests, want 1", len(got))
			}
			r := got[0]
			if r.Header.Get("X-Original-Host") != tc.host || r.Method != tc.method || r.URL.Path != tc.path {
				t.Errorf("request %s %s%s, want %s %s%s", r.Method, r.Header.Get("X-Original-Host"), r.URL.Path, tc.method, tc.host, tc.path)
			}
			tc.check(t, bodies[0])
		})
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestServiceErrorsHideTheToken: when Slack refuses, the error names the service but no part of
// the token, though shoutrrr's request URL spells the token differently from the notify URL.
func TestServiceErrorsHideTheToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "invalid_token "+r.URL.Path, http.StatusForbidden)
	}))
	defer srv.Close()
	to, _ := url.Parse(srv.URL)
	orig := http.DefaultTransport
	http.DefaultTransport = redirectTransport{to: to, base: orig}
	defer func() { http.DefaultTransport = orig }()
	err := (URLSender{}).Send(t.Context(), "slack://hook:WNA3PBYV6-F20DUQND3RQ-Webc4MAvoacrpPakR8phF0zi@webhook", sample())
	if err == nil {
		t.Fatal("Send() = nil, want Slack's refusal")
	}
	for _, secret := range []string{"WNA3PBYV6", "F20DUQND3RQ", "Webc4MAvoacrpPakR8phF0zi"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q shows %s", err, secret)
		}
	}
	t.Logf("error: %v", err)
	if !strings.Contains(err.Error(), "slack://") {
		t.Errorf("error %q does not say which target", err)
	}
}
