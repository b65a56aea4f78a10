// Package redacttest gives tests the real redactor, built once per test binary: building one
// compiles gitleaks' rules (~0.1 s), which a test helper called for every case should not repeat.
// It is for tests only.
package redacttest

import (
	"sync"
	"testing"

	"monit-intel/logs/redact"
)

// shared is the one redactor of a test binary. A package variable, unlike in the program: the
// redactor is read-only and tests build it at most once.
var shared = sync.OnceValues(redact.New)

// New returns the shared redactor or fails the test.
func New(t testing.TB) *redact.Redactor {
	t.Helper()
	r, err := shared()
	if err != nil {
		t.Fatalf("redact.New() = %v", err)
	}
	return r
}
