package monit

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseStatus feeds the parser arbitrary documents, seeded with the live captures. It
// must never panic; what it accepts must be a usable status, what it refuses a clean error;
// and the cleaner must always hand encoding/xml valid UTF-8 made of legal XML characters.
func FuzzParseStatus(f *testing.F) {
	seeds, err := filepath.Glob("../../testdata/monit/*.xml")
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seed fixtures: %v", err)
	}
	for _, path := range seeds {
		doc, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(doc)
	}
	f.Add([]byte(`<monit><server><localhostname>h</localhostname></server><service type="7"><name>a&b<c</name></service></monit>`))
	f.Add([]byte("<monit id=\"x\"><server><localhostname>h\xe9</localhostname></server><services><service name=\"a\"><type>3</type><pid>1</pid></service></services></monit>"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		clean, offsets := cleanDocument(doc)
		if !utf8.Valid(clean) {
			t.Fatalf("cleanDocument(%q) = %q, not UTF-8", doc, clean)
		}
		for _, r := range string(clean) {
			if !legalXMLChar(r) {
				t.Fatalf("cleanDocument(%q) kept %U, which XML forbids", doc, r)
			}
		}
		if off := offsets.original(int64(len(clean))); off < 0 || off > int64(len(doc)) {
			t.Fatalf("original(end) = %d, outside 0..%d", off, len(doc))
		}
		st, err := ParseStatus(bytes.NewReader(doc))
		if err != nil {
			if !errors.Is(err, ErrMalformed) || !strings.HasPrefix(err.Error(), "parse monit status: ") {
				t.Fatalf("ParseStatus() error = %v, want a parse error wrapping ErrMalformed", err)
			}
			return
		}
		if st.Host == "" {
			t.Fatal("ParseStatus() accepted a status without host")
		}
		for _, s := range st.Services {
			if s.Name == "" || s.Host != st.Host {
				t.Fatalf("ParseStatus() service %+v: want a name and host %q", s, st.Host)
			}
		}
		if _, err := json.Marshal(st); err != nil { // the API and the database need that
			t.Fatalf("json.Marshal(ParseStatus()) error = %v", err)
		}
	})
}
