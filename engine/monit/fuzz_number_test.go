package monit_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"monit-intel/engine/monit"
	"monit-intel/engine/monit/monittest"
)

// FuzzParseStatusOneNumber replaces one number of a good fixture with any text that keeps
// the markup intact: the document must still parse into the same services, serialisable for
// the API and the database. This is "one odd value never rejects the host".
func FuzzParseStatusOneNumber(f *testing.F) {
	var docs [][]byte
	for _, f := range goodFixtures(f) {
		docs = append(docs, f.doc)
	}
	for i, odd := range monittest.OddNumbers() {
		f.Add(uint(i), uint(i*7), odd)
	}
	f.Fuzz(func(t *testing.T, docIdx, spanIdx uint, value string) {
		if strings.ContainsAny(value, `<>&"`) {
			t.Skip("markup, not a number")
		}
		doc := docs[docIdx%uint(len(docs))]
		spans := monittest.NumberSpans(doc)
		want, err := monit.ParseStatus(bytes.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		mutated := monittest.ReplaceSpan(doc, spans[spanIdx%uint(len(spans))], value)
		got, err := monit.ParseStatus(bytes.NewReader(mutated))
		if err != nil {
			t.Fatalf("monit.ParseStatus() with %q = %v", value, err)
		}
		if len(got.Services) != len(want.Services) {
			t.Fatalf("monit.ParseStatus() with %q = %d services, want %d", value, len(got.Services), len(want.Services))
		}
		if _, err := json.Marshal(got); err != nil {
			t.Fatalf("json.Marshal() with %q: %v", value, err)
		}
	})
}
