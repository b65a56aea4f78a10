package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/nicholas-fedor/shoutrrr/pkg/router"

	"monit-intel/engine"
)

// Target is one notify entry of the configuration.
type Target struct {
	URL         string        // a shoutrrr service URL or a plain http(s) webhook URL
	Events      []string      // kinds to send; empty: all
	Services    []string      // path.Match globs on Monit's service name; empty: all
	Hosts       []string      // path.Match globs on Monit's host name; empty: all
	MinDuration time.Duration // hold a NEW until the failure has lasted this long
}

// Kinds returns every kind a target may ask for: the engine's event kinds and notify's own.
func Kinds() []string {
	var out []string
	for _, k := range engine.EventKinds() {
		out = append(out, string(k))
	}
	return append(out, KindFlapping, KindAnalysis, KindProposal)
}

// ID names the target in the outbox without its secrets: a hash of its URL.
func (t Target) ID() string {
	h := sha256.Sum256([]byte(t.URL))
	return hex.EncodeToString(h[:8])
}

// IsWebhook reports whether the URL is our JSON webhook rather than a shoutrrr service.
func IsWebhook(raw string) bool {
	return strings.HasPrefix(raw, "http://") || strings.HasPrefix(raw, "https://")
}

// Validate reports every problem of the target, each naming its field under prefix (such as
// "notify[0]"). The URL is never shown other than redacted.
func (t Target) Validate(prefix string) error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s.%s: %s", prefix, field, fmt.Sprintf(format, args...)))
	}
	if err := checkURL(t.URL); err != nil {
		bad("url", "%v", err)
	}
	kinds := Kinds()
	for i, k := range t.Events {
		if !slices.Contains(kinds, k) {
			bad(fmt.Sprintf("events[%d]", i), "unknown kind %q; want one of %s", k, strings.Join(kinds, ", "))
		}
	}
	for field, globs := range map[string][]string{"services": t.Services, "hosts": t.Hosts} {
		for i, g := range globs {
			if _, err := path.Match(g, ""); err != nil || g == "" {
				bad(fmt.Sprintf("%s[%d]", field, i), "bad glob %q: want a pattern such as nginx or web-*", g)
			}
		}
	}
	if t.MinDuration < 0 {
		bad("min_duration", "must not be negative, got %s", t.MinDuration)
	}
	return errors.Join(errs...)
}

// checkURL parses the URL as a webhook or as a shoutrrr service, which checks the service's
// own fields (tokens, channels, addresses).
func checkURL(raw string) error {
	if raw == "" {
		return errors.New("must not be empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not a URL: %s", scrub(err.Error(), raw))
	}
	if IsWebhook(raw) {
		if u.Host == "" {
			return fmt.Errorf("webhook %s has no host", Redact(raw))
		}
		return nil
	}
	if connectsOnInit(strings.ToLower(u.Scheme)) {
		if u.Host == "" || u.User == nil {
			return fmt.Errorf("%s: want %s://user:password@host/?rooms=!room:host", Redact(raw), u.Scheme)
		}
		return nil
	}
	if _, err := newService(raw); err != nil {
		return err
	}
	return nil
}

// connectsOnInit are the shoutrrr services whose initialisation talks to the server (Matrix
// logs in): checking the configuration must not, so for them only the URL's shape is checked
// and the server's answer waits for the first message.
func connectsOnInit(scheme string) bool { return scheme == "matrix" }

// matches reports whether the target wants a message of kind about host/service.
func (t Target) matches(kind, host, service string) bool {
	if len(t.Events) > 0 && !slices.Contains(t.Events, kind) {
		return false
	}
	return matchAny(t.Services, service) && matchAny(t.Hosts, host)
}

func matchAny(globs []string, name string) bool {
	if len(globs) == 0 {
		return true
	}
	for _, g := range globs {
		if ok, _ := path.Match(g, name); ok {
			return true
		}
	}
	return false
}

// Redact returns the URL with its secrets replaced: the user info, the path and the query
// values (tokens live in all three, depending on the service). Scheme and host stay, so a
// person can tell the targets apart.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return "(unparsable URL)"
	}
	out := u.Scheme + "://"
	if u.User != nil {
		out += "REDACTED@"
	}
	out += u.Host
	if u.Path != "" && u.Path != "/" {
		out += "/REDACTED"
	}
	if u.RawQuery != "" {
		q := u.Query()
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k+"=REDACTED")
		}
		slices.Sort(keys)
		out += "?" + strings.Join(keys, "&")
	}
	return out
}

// scrub removes from text every secret part of raw (as Redact hides them), for error
// messages that quote the URL or its parts.
func scrub(text, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return strings.ReplaceAll(text, raw, "(URL)")
	}
	var parts []string
	if u.User != nil {
		parts = append(parts, u.User.String())
		if p, ok := u.User.Password(); ok {
			parts = append(parts, p)
		} else {
			parts = append(parts, u.User.Username()) // a token alone (discord://TOKEN@ID)
		}
	}
	parts = append(parts, u.EscapedPath(), u.Path, u.RawQuery)
	for _, vs := range u.Query() {
		parts = append(parts, vs...)
	}
	secrets := []string{raw, u.String()}
	for _, p := range parts {
		if len(p) >= 3 {
			secrets = append(secrets, p)
		}
		// Services rebuild their request URLs from the pieces (Slack's hook:A-B-C becomes
		// /services/A/B/C): each long piece of a secret goes too.
		for _, piece := range strings.FieldsFunc(p, func(r rune) bool { return strings.ContainsRune("-/:@.?&=", r) }) {
			if len(piece) >= 6 {
				secrets = append(secrets, piece)
			}
		}
	}
	// Longest first, so a part inside another is not left half-replaced.
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	for _, s := range secrets {
		text = strings.ReplaceAll(text, s, "REDACTED")
	}
	return text
}

// newService initialises the shoutrrr service the URL names; its error names the service and
// what is wrong, never the URL's secrets.
func newService(raw string) (service, error) {
	var r router.ServiceRouter
	scheme, u, err := r.ExtractServiceName(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", Redact(raw), scrub(err.Error(), raw))
	}
	svc, err := r.NewService(scheme)
	if err != nil {
		return nil, fmt.Errorf("%s: unknown service %q; want a shoutrrr URL (ntfy://, slack://, discord://, telegram://, gotify://, matrix://, smtp://, …) or an http(s):// webhook", Redact(raw), scheme)
	}
	if err := svc.Initialize(u, nil); err != nil {
		return nil, fmt.Errorf("%s: %s", Redact(raw), scrub(err.Error(), raw))
	}
	return svc, nil
}
