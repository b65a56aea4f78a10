// Package browsertest drives Debian's chromium headless through chromedp for the web UI's
// tests: one browser per test, a tab per page size, screenshots saved as PNG under the test's
// artifact directory (`go test -artifacts -outputdir DIR` keeps them).
//
// Without chromium the test is skipped, and fails under CI=true.
package browsertest
