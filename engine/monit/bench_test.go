package monit_test

import (
	"bytes"
	"fmt"
	"testing"

	"monit-intel/engine/monit"
)

// BenchmarkParseStatus parses documents of n services built from the live capture: its
// services repeated under new names.
func BenchmarkParseStatus(b *testing.B) {
	for _, n := range []int{50, 1000} {
		doc := repeatServices(b, n)
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				st, err := monit.ParseStatus(bytes.NewReader(doc))
				if err != nil || len(st.Services) != n {
					b.Fatalf("ParseStatus() = %d services, %v; want %d", len(st.Services), err, n)
				}
			}
		})
	}
}

// repeatServices returns all-types.xml with its services repeated to n.
func repeatServices(b *testing.B, n int) []byte {
	b.Helper()
	src := fixture(b, "all-types.xml")
	start := bytes.Index(src, []byte(`<service type=`))
	end := bytes.LastIndex(src, []byte(`</monit>`))
	if start < 0 || end < start {
		b.Fatal("all-types.xml has no services")
	}
	services := bytes.SplitAfter(src[start:end], []byte(`</service>`))
	services = services[:len(services)-1] // the empty rest after the last one
	var doc bytes.Buffer
	doc.Write(src[:start])
	for i := range n {
		svc := services[i%len(services)]
		renamed := bytes.Replace(svc, []byte(`</name>`), fmt.Appendf(nil, "-%d</name>", i), 1)
		doc.Write(renamed)
	}
	doc.Write(src[end:])
	return doc.Bytes()
}
