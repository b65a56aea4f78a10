package rest

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

var update = flag.Bool("update", false, "rewrite the OpenAPI golden files in testdata/rest")

const (
	goldenOpenAPI   = "../testdata/rest/openapi.golden.json"
	goldenOpenAPI30 = "../testdata/rest/openapi-3.0.golden.json"
)

// TestOpenAPI checks that the generated document is a valid OpenAPI document, that it lists
// every operation with a response schema, and that it only changes on purpose (golden file).
func TestOpenAPI(t *testing.T) {
	s, api := newTestServer(t, Options{}, testDeps())
	resp := api.Get("/openapi.json")
	if resp.Code != 200 {
		t.Fatalf("GET /openapi.json = %d", resp.Code)
	}
	doc, err := openapi3.NewLoader().LoadFromData(resp.Body.Bytes())
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("the OpenAPI document does not validate: %v", err)
	}
	want := map[string]string{
		"GET /": "root", "GET /health": "health", "GET /status": "status", "GET /history": "history",
		"GET /history/snapshots": "history-snapshots", "GET /logs/{service}": "logs",
		"POST /analyze": "analyze", "GET /analyses": "analyses", "GET /hosts": "hosts",
		"POST /mother/actions/suggest": "actions-suggest", "POST /mother/actions/execute": "actions-execute",
		"GET /mother/actions": "actions-pending", "GET /mother/actions/audit": "actions-audit",
		"POST /mother/chat": "mother-chat", "GET /mother/history": "mother-history", "DELETE /mother/clear": "mother-clear",
	}
	for key, id := range want {
		method, path, _ := bytes.Cut([]byte(key), []byte(" "))
		item := doc.Paths.Find(string(path))
		if item == nil {
			t.Errorf("%s missing from the document", key)
			continue
		}
		op := item.GetOperation(string(method))
		if op == nil || op.OperationID != id {
			t.Errorf("%s: operation %v, want id %q", key, op, id)
			continue
		}
		ok := op.Responses.Value("200")
		if ok == nil || ok.Value.Content.Get("application/json") == nil || ok.Value.Content.Get("application/json").Schema == nil {
			t.Errorf("%s has no 200 response schema", key)
		}
	}
	checkGolden(t, resp.Body.Bytes(), goldenOpenAPI)
	// The 3.0 form is what generators read (rest/oapiclient is generated from this file).
	checkGolden(t, doRaw(t, s.Handler(), "GET", "/openapi-3.0.json", "", nil).Body.Bytes(), goldenOpenAPI30)
}

// checkGolden compares the indented JSON doc with the golden file, rewriting it with -update.
func checkGolden(t *testing.T, doc []byte, golden string) {
	t.Helper()
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, doc, "", "  "); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(golden, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./rest -run TestOpenAPI -update)", err)
	}
	if !bytes.Equal(want, pretty.Bytes()) {
		t.Errorf("%s changed; review and run go test ./rest -run TestOpenAPI -update", golden)
	}
}

func TestDocsAreOffline(t *testing.T) {
	s, _ := newTestServer(t, Options{}, testDeps())
	page := doRaw(t, s.Handler(), "GET", "/docs", "", nil)
	if page.Code != 200 || !bytes.Contains(page.Body.Bytes(), []byte(`src="/docs/redoc.standalone.js"`)) ||
		bytes.Contains(page.Body.Bytes(), []byte("https://")) {
		t.Errorf("/docs = %d, want a page loading only embedded assets:\n%s", page.Code, page.Body)
	}
	js := doRaw(t, s.Handler(), "GET", "/docs/redoc.standalone.js", "", nil)
	if js.Code != 200 || js.Body.Len() < 100_000 {
		t.Errorf("/docs/redoc.standalone.js = %d, %d bytes", js.Code, js.Body.Len())
	}
}

// TestNoNullableArrays: every array the API sends is [] when empty, never null, and the
// document says so (in both the 3.1 and the 3.0 form).
func TestNoNullableArrays(t *testing.T) {
	s, _ := newTestServer(t, Options{}, testDeps())
	for _, path := range []string{"/openapi.json", "/openapi-3.0.json"} {
		resp := doRaw(t, s.Handler(), "GET", path, "", nil)
		var doc any
		if err := json.Unmarshal(resp.Body.Bytes(), &doc); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		walkSchemas(doc, "", func(where string, m map[string]any) {
			types, _ := m["type"].([]any)
			isArray := m["type"] == "array" || slices.Contains(types, "array")
			if isArray && (slices.Contains(types, "null") || m["nullable"] == true) {
				t.Errorf("%s: nullable array at %s", path, where)
			}
		})
	}
}

func walkSchemas(v any, where string, f func(string, map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		f(where, v)
		for k, c := range v {
			walkSchemas(c, where+"/"+k, f)
		}
	case []any:
		for i, c := range v {
			walkSchemas(c, fmt.Sprintf("%s/%d", where, i), f)
		}
	}
}
