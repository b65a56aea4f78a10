package llm_test

import (
	"strings"
	"testing"
	"time"

	"monit-intel/engine/llm"
	"monit-intel/engine/llm/ollamafake"
)

// TestURLPasswordNeverShown puts a password in ollama.url (http://user:pw@host) and drives
// every fault: no error message, nor Source, shows it.
func TestURLPasswordNeverShown(t *testing.T) {
	const pw = "hunter2-ollama"
	for _, mode := range []ollamafake.Mode{ollamafake.Happy, ollamafake.Down, ollamafake.ModelNotFound, ollamafake.Slow,
		ollamafake.StallMidStream, ollamafake.HTTP500, ollamafake.ErrorLine, ollamafake.CutStream, ollamafake.InvalidJSON} {
		t.Run(mode.String(), func(t *testing.T) {
			fake := ollamafake.New(t, ollamafake.Reply{})
			u := strings.Replace(fake.URL, "http://", "http://ops:"+pw+"@", 1)
			c := newClient(t, u, llm.Options{Timeout: 100 * time.Millisecond})
			fake.SetMode(mode)
			_, chatErr := c.Chat(t.Context(), question(analysisSchema))
			pingErr := c.Ping(t.Context())
			for what, text := range map[string]string{"Source()": c.Source(), "Chat() error": errText(chatErr),
				"Ping() error": errText(pingErr)} {
				if strings.Contains(text, pw) {
					t.Errorf("%s = %q shows the password", what, text)
				}
			}
			if c.Source() != fake.URL {
				t.Errorf("Source() = %q, want %q", c.Source(), fake.URL)
			}
		})
	}
	for _, bad := range []string{"ftp://ops:" + pw + "@gpu:11434", "http://ops:" + pw + "@gpu:11434/%zz", "ops:" + pw + "@gpu"} {
		if _, err := llm.New(llm.Options{URL: bad}); err == nil || strings.Contains(err.Error(), pw) {
			t.Errorf("New(%q) error = %v, want one that does not show the password", bad, err)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
