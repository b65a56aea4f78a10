package ollamatest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"monit-intel/engine/llm/ollamatest"
)

func TestStartServesTinyModel(t *testing.T) {
	srv := ollamatest.Start(t)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Errorf("URL = %q, want loopback", srv.URL)
	}
	resp, err := http.Get(srv.URL + "/api/tags")
	if err != nil {
		t.Fatalf("GET /api/tags: %v", err)
	}
	defer resp.Body.Close()
	var tags struct {
		Models []struct {
			Name string `json:"name"`
		} `json:"models"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tags); err != nil {
		t.Fatalf("decode /api/tags: %v", err)
	}
	if len(tags.Models) != 1 || tags.Models[0].Name != srv.Model+":latest" {
		t.Errorf("/api/tags models = %+v, want only %s:latest", tags.Models, srv.Model)
	}
}
