package redact

import (
	"sync"
	"testing"
)

// shared is one Redactor for the package's tests: building one compiles gitleaks' rules.
var shared = sync.OnceValues(New)

func testRedactor(t testing.TB) *Redactor {
	t.Helper()
	r, err := shared()
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	return r
}
