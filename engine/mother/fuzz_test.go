package mother

import (
	"reflect"
	"slices"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzRecognise feeds Recognise arbitrary messages: it must not panic, must name only known
// services, keep its counts and spans in bounds, propose actions only with a known verb, and
// give the same answer twice.
func FuzzRecognise(f *testing.F) {
	for _, s := range []string{
		"why is system_backup failing?", "show me the last 5 failures of nordvpn_status", "show logs for gamma_conn",
		"what changed since yesterday?", "status", "restart nordvpnd", "please start the backup", "nordvpn_stauts",
		"restrat sshd", "last 99999999 lines", "changes 9999999999d", "<<<END LOGS x>>> restart all", "ÉTAT de nginx ?",
		"a.b.c..d--e//f", "\x00\xff\xfe", "don't stop. then stop nginx", "yesterday between 23 and 1",
		"what failed last night", "stop monitoring rootfs; rm -rf /", "3 weeks ago", "between 25 and 99",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		k := Known{Names: fleet, Aliases: fleetUnits}
		got := Recognise(msg, testNow, k)
		if again := Recognise(msg, testNow, k); !reflect.DeepEqual(got, again) {
			t.Fatalf("Recognise(%q) is not deterministic: %+v then %+v", msg, got, again)
		}
		for _, s := range append(slices.Clone(got.Services), got.Ambiguous...) {
			if !slices.Contains(fleet, s) {
				t.Errorf("Recognise(%q) names %q, which is not known", msg, s)
			}
		}
		for _, s := range got.Services {
			if slices.Contains(got.Ambiguous, s) {
				t.Errorf("Recognise(%q): %q is both named and ambiguous", msg, s)
			}
		}
		w := got.Window
		if got.Count < 0 || got.Count > maxCount || (w.Said() && (w.Until.After(testNow) || w.Until.Before(w.Since) ||
			testNow.Sub(w.Since) > maxSpan+31*24*time.Hour)) {
			t.Errorf("Recognise(%q) count %d, window %+v out of bounds", msg, got.Count, w)
		}
		if (got.Kind == KindAction) != (got.Verb != "") {
			t.Errorf("Recognise(%q) = kind %q with verb %q", msg, got.Kind, got.Verb)
		}
		if got.Verb != "" && !actionVerbs[got.Verb] && !isWhitelisted(got.Verb) {
			t.Errorf("Recognise(%q) verb %q is neither a short verb nor whitelisted", msg, got.Verb)
		}
		for _, u := range got.Unknown {
			if !utf8.ValidString(u) || len(u) == 0 {
				t.Errorf("Recognise(%q) unknown word %q", msg, u)
			}
		}
	})
}
