package ollamafake

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ollama/ollama/api"

	"monit-intel/engine/llm/ollamatest"
)

var record = flag.Bool("record", false,
	"rewrite testdata/ollama from a real Ollama (go test ./engine/llm/ollamafake -run TestRecordings -record)")

// recordedSchema is the format of the schema recording: small enough for the tiny model's
// num_predict of 64 (its grammar-driven answer spends one token per character).
const recordedSchema = `{"type":"object","properties":{"summary":{"type":"string"},` +
	`"severity":{"type":"integer"}},"required":["summary","severity"]}`

// recording is one request to the real server and the file its answer goes to.
type recording struct {
	file, method, path string
	body               any
	status             int
}

func recordedRequests() []recording {
	chat := func(model string, format json.RawMessage) api.ChatRequest {
		return api.ChatRequest{
			Model: model,
			Messages: []api.Message{
				{Role: "system", Content: "You explain Monit failures."},
				{Role: "user", Content: "Why is nginx down?"},
			},
			Format:  format,
			Options: map[string]any{"num_ctx": 512},
		}
	}
	return []recording{
		{fileVersion, http.MethodGet, "/api/version", nil, http.StatusOK},
		{fileTags, http.MethodGet, "/api/tags", nil, http.StatusOK},
		{fileShow, http.MethodPost, "/api/show", api.ShowRequest{Model: ollamatest.Model}, http.StatusOK},
		{fileChatProse, http.MethodPost, "/api/chat", chat(ollamatest.Model, nil), http.StatusOK},
		{fileChatSchema, http.MethodPost, "/api/chat",
			chat(ollamatest.Model, json.RawMessage(recordedSchema)), http.StatusOK},
		{fileNotFound, http.MethodPost, "/api/chat", chat(recordedMissing, nil), http.StatusNotFound},
		{fileServerError, http.MethodPost, "/api/chat",
			chat(ollamatest.Model, json.RawMessage(`{"type":"bogus"}`)), http.StatusInternalServerError},
	}
}

// TestRecordings asks a real Ollama the recorded requests and checks that it still answers
// what testdata/ollama holds, timestamps and durations aside; with -record it rewrites the
// files instead.
func TestRecordings(t *testing.T) {
	srv := ollamatest.Start(t)
	dir, err := testdataDir()
	if err != nil {
		t.Fatal(err)
	}
	for _, rc := range recordedRequests() {
		t.Run(rc.file, func(t *testing.T) {
			// The models dir is a temp dir that shows in /api/show's modelfile.
			got := bytes.ReplaceAll(ask(t, srv.URL, rc), []byte(srv.ModelsDir), []byte("$OLLAMA_MODELS"))
			path := filepath.Join(dir, rc.file)
			if *record {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (record with -record)", err)
			}
			if g, w := normalize(t, got), normalize(t, want); !reflect.DeepEqual(g, w) {
				t.Errorf("real server answered\n%s\nwant (recorded)\n%s", got, want)
			}
		})
	}
}

func ask(t *testing.T, base string, rc recording) []byte {
	t.Helper()
	var body io.Reader
	if rc.body != nil {
		b, err := json.Marshal(rc.body)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(t.Context(), rc.method, base+rc.path, body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", rc.method, rc.path, err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", rc.method, rc.path, err)
	}
	if resp.StatusCode != rc.status {
		t.Fatalf("%s %s: status %d, want %d: %s", rc.method, rc.path, resp.StatusCode, rc.status, got)
	}
	return got
}

// volatile keys change on every run (the manifest digest too: the config blob it hashes
// changes with every create).
func volatile(key string) bool {
	return key == "created_at" || key == "modified_at" || key == "digest" ||
		strings.HasSuffix(key, "_duration")
}

// normalize decodes JSON or NDJSON lines and drops the volatile keys.
func normalize(t *testing.T, b []byte) []any {
	t.Helper()
	var out []any
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 1<<20), 8<<20)
	for sc.Scan() {
		var v any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("decode %q: %v", sc.Text(), err)
		}
		out = append(out, drop(v))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func drop(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if volatile(k) {
				delete(v, k)
				continue
			}
			v[k] = drop(x)
		}
		// /api/show lists the parameters in map order, one per line.
		for _, k := range []string{"modelfile", "parameters"} {
			if p, ok := v[k].(string); ok {
				lines := strings.Split(p, "\n")
				slices.Sort(lines)
				v[k] = lines
			}
		}
	case []any:
		for i, x := range v {
			v[i] = drop(x)
		}
	}
	return v
}
