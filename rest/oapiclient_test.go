package rest

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"monit-intel/rest/oapiclient"
)

// TestGeneratedClient calls /status through a real HTTP server with the client oapi-codegen
// generated from the OpenAPI 3.0 document: the document is good enough for a generator, and
// the client understands the server's answers.
func TestGeneratedClient(t *testing.T) {
	s, _ := newTestServer(t, Options{}, testDeps())
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	bearer := oapiclient.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+testToken)
		return nil
	})
	c, err := oapiclient.NewClientWithResponses(srv.URL, bearer)
	if err != nil {
		t.Fatal(err)
	}
	failing := true
	resp, err := c.StatusWithResponse(t.Context(), &oapiclient.StatusParams{Failing: &failing})
	if err != nil {
		t.Fatalf("StatusWithResponse() error = %v", err)
	}
	if resp.StatusCode() != 200 || resp.JSON200 == nil {
		t.Fatalf("StatusWithResponse() = %d %s, want 200 with a body", resp.StatusCode(), resp.Body)
	}
	if got := resp.JSON200; got.Count != 2 || got.Failing != 2 || len(got.Services) != 2 || got.Services[0].Service != "nordvpn_status" {
		t.Errorf("StatusWithResponse() body = %+v, want the 2 failing services, nordvpn_status first", got)
	}
	bad, err := c.HistoryWithResponse(t.Context(), &oapiclient.HistoryParams{Service: ptr("nosuch")})
	if err != nil {
		t.Fatal(err)
	}
	if bad.StatusCode() != 404 || bad.ApplicationproblemJSONDefault == nil || bad.ApplicationproblemJSONDefault.Detail == nil {
		t.Errorf("HistoryWithResponse(nosuch) = %d %s, want a 404 problem the client decodes", bad.StatusCode(), bad.Body)
	}
}

func ptr[T any](v T) *T { return &v }

// TestGeneratedClientIsCurrent regenerates rest/oapiclient from the 3.0 golden document with
// the pinned oapi-codegen and wants the committed file unchanged. It needs the Go module proxy
// (or a warm module cache) the first time.
func TestGeneratedClientIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: regenerating the client builds oapi-codegen")
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "oapi-codegen.yaml")
	conf, err := os.ReadFile("oapiclient/oapi-codegen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, conf, 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := filepath.Abs(goldenOpenAPI30)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), "go", "run", "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2",
		"-config", cfg, doc)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("oapi-codegen: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(dir, "client.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("oapiclient/client.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("rest/oapiclient/client.gen.go is not what oapi-codegen makes of the OpenAPI document: run go generate ./rest/oapiclient")
	}
}
