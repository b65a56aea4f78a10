package ui

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"strings"
	"testing"
)

// assetBudget is the budget for every script and style sheet, gzipped.
const assetBudget = 150 << 10

// TestAssetBudget keeps all JS and CSS the pages load within the budget, and logs the sizes
// for BENCHMARKS.md.
func TestAssetBudget(t *testing.T) {
	total, gz := 0, 0
	err := fs.WalkDir(staticFS, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".js") || strings.HasSuffix(path, ".css")) {
			return err
		}
		b, err := staticFS.ReadFile(path)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		w.Write(b)
		w.Close()
		t.Logf("%-40s %7d B, %6d B gzipped", path, len(b), buf.Len())
		total, gz = total+len(b), gz+buf.Len()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("all JS and CSS: %d B, %d B gzipped (budget %d)", total, gz, assetBudget)
	if gz > assetBudget {
		t.Errorf("JS and CSS are %d B gzipped, over the budget of %d B", gz, assetBudget)
	}
}

// TestNothingFromAnotherOrigin: the templates and the script name no other origin, so the
// UI works offline (the CSP would block it anyway).
func TestNothingFromAnotherOrigin(t *testing.T) {
	for _, dir := range []fs.FS{templateFS, staticFS} {
		fs.WalkDir(dir, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.Contains(path, "vendor/") {
				return err
			}
			b, _ := fs.ReadFile(dir, path)
			for _, bad := range []string{"http://", "https://", "//cdn", "//unpkg", "//fonts."} {
				if bytes.Contains(b, []byte(bad)) {
					t.Errorf("%s names another origin (%s)", path, bad)
				}
			}
			return nil
		})
	}
}
