package monit_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"monit-intel/engine"
	"monit-intel/engine/monit"
	"monit-intel/engine/monit/monittest"
)

// TestParseStatusSurvivesAnyOneNumber is the fuzz target's property as a plain test: in every
// good fixture, a number in each place replaced by an odd value still parses into the same services,
// with at most one parse note, about that value, and the result still serialises (the API
// and the database need that).
func TestParseStatusSurvivesAnyOneNumber(t *testing.T) {
	checked := 0
	for fi, f := range goodFixtures(t) {
		in, doc := f.name, f.doc
		want, err := monit.ParseStatus(bytes.NewReader(doc))
		if err != nil || len(allNotes(want)) != 0 {
			t.Fatalf("%s: %v, notes %+v; want a clean parse", in, err, allNotes(want))
		}
		odds := monittest.OddNumbers()
		for i, span := range distinctPlaces(doc) {
			// One odd value a place, in turn: every kind of number is mutated and every odd
			// value lands in every part of the document, in seconds rather than minutes (the
			// fuzz target tries the rest).
			for _, odd := range []string{odds[(i+fi)%len(odds)]} {
				mutated := monittest.ReplaceSpan(doc, span, odd)
				got, err := monit.ParseStatus(bytes.NewReader(mutated))
				if err != nil {
					t.Fatalf("%s: %q at byte %d: ParseStatus() error = %v", in, odd, span[0], err)
				}
				if len(got.Services) != len(want.Services) || got.Host != want.Host {
					t.Fatalf("%s: %q at byte %d: %d services of host %q, want %d of %q", in, odd,
						span[0], len(got.Services), got.Host, len(want.Services), want.Host)
				}
				if notes := allNotes(got); len(notes) > 1 || (len(notes) == 1 && notes[0].Value != odd) {
					t.Fatalf("%s: %q at byte %d: notes %+v, want at most one, about %q", in, odd, span[0], notes, odd)
				}
				if _, err := json.Marshal(got); err != nil {
					t.Fatalf("%s: %q at byte %d: json.Marshal() error = %v", in, odd, span[0], err)
				}
				checked++
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("checked %d mutations, want the fixtures to hold at least 1000", checked)
	}
}

type namedDoc struct {
	name string
	doc  []byte
}

// goodFixtures returns every fixture but the bad-* ones, which must fail.
func goodFixtures(t testing.TB) []namedDoc {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(fixtureDir, "*.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var out []namedDoc
	for _, path := range paths {
		if strings.HasPrefix(filepath.Base(path), "bad-") {
			continue
		}
		doc, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, namedDoc{filepath.Base(path), doc})
	}
	if len(out) == 0 {
		t.Fatalf("no good fixtures in %s", fixtureDir)
	}
	return out
}

func allNotes(st engine.Status) []engine.ParseNote {
	var notes []engine.ParseNote
	for _, s := range st.Services {
		notes = append(notes, s.ParseNotes...)
	}
	return notes
}

// distinctPlaces returns the first number of each place in doc, a place being the two tags
// before it ("</status><status_hint>", "<block><usage>"): the same element in another
// service of the same type goes through the same code.
func distinctPlaces(doc []byte) [][2]int {
	seen := map[string]bool{}
	var out [][2]int
	for _, span := range monittest.NumberSpans(doc) {
		i := bytes.LastIndexByte(doc[:span[0]], '<')
		if i > 0 {
			i = max(bytes.LastIndexByte(doc[:i], '<'), 0)
		}
		if place := string(doc[max(i, 0):span[0]]); !seen[place] {
			seen[place] = true
			out = append(out, span)
		}
	}
	return out
}

// TestParseStatusNotesUnreadableFigures pins what one odd figure does to its service.
func TestParseStatusNotesUnreadableFigures(t *testing.T) {
	const head = `<monit><server><localhostname>h</localhostname></server>`
	tests := []struct {
		name    string
		service string
		want    string // the one note, as String() words it; "" for none
	}{
		{"unit in filesystem usage", `<service type="0"><name>fs</name><block><percent>49.6</percent><usage>2051.3 MB</usage><total>4 GB</total></block></service>`,
			""},
		{"float in uptime", `<service type="3"><name>p</name><pid>1</pid><uptime>86000.5</uptime></service>`,
			`uptime "86000.5": not a whole number; read as 86000`},
		{"float zero in status", `<service type="3"><name>p</name><status>0.0</status></service>`, ""},
		{"word in status", `<service type="3"><name>p</name><status>many</status></service>`,
			`status "many": not a number; read as 0`},
		{"unknown unit in memory", `<service type="5"><name>s</name><system><memory><percent>1</percent><kilobyte>12 parsecs</kilobyte></memory></system></service>`,
			`system/memory/kilobyte "12 parsecs": unknown unit "parsecs"`},
		{"milliseconds response time", `<service type="4"><name>h</name><port><portnumber>80</portnumber><responsetime>12 ms</responsetime></port></service>`,
			""},
		{"unreadable response time", `<service type="4"><name>h</name><port><portnumber>80</portnumber><responsetime>fast</responsetime></port></service>`,
			`port/responsetime "fast": not a number`},
		{"unreadable type", `<service type="web"><name>w</name><status>32</status></service>`,
			`type "web": not a number`},
		{"missing type", `<service><name>w</name></service>`, `type "": missing`},
		{"collected time beyond year 9999", `<service type="7"><name>q</name><collected_sec>999999999999</collected_sec></service>`,
			`collected_sec "999999999999": out of range`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := monit.ParseStatus(strings.NewReader(head + tt.service + `</monit>`))
			if err != nil {
				t.Fatalf("ParseStatus() error = %v", err)
			}
			s := st.Services[0]
			var notes []string
			for _, n := range s.ParseNotes {
				notes = append(notes, n.String())
			}
			if (tt.want == "" && len(notes) != 0) || (tt.want != "" && (len(notes) != 1 || notes[0] != tt.want)) {
				t.Errorf("ParseNotes = %q, want %q", notes, tt.want)
			}
		})
	}
}
