package ollamafake

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ollama/ollama/api"

	"monit-intel/engine/llm/ollamatest"
)

// The recordings under testdata/ollama, what the real server answered to the requests in
// TestRecordings.
const (
	fileVersion     = "version.json"             // GET /api/version
	fileTags        = "tags.json"                // GET /api/tags
	fileShow        = "show.json"                // POST /api/show {"model":"tiny"}
	fileChatProse   = "chat_prose.ndjson"        // POST /api/chat, prose
	fileChatSchema  = "chat_schema.ndjson"       // POST /api/chat with a format schema
	fileNotFound    = "chat_404_not_found.json"  // POST /api/chat, unknown model
	fileServerError = "chat_500_bad_format.json" // POST /api/chat, invalid format schema
	recordedMissing = "missing"                  // the unknown model's name in fileNotFound
)

// recordings is what the fake replays.
type recordings struct {
	version, tags, show []byte
	prose, schema       []api.ChatResponse // the streamed lines, final chunk last
	notFound            string             // the 404 message, for model recordedMissing
}

// loadRecordings reads the recordings from dir.
func loadRecordings(dir string) (*recordings, error) {
	var r recordings
	var err error
	read := func(name string) []byte {
		if err != nil {
			return nil
		}
		var b []byte
		b, err = os.ReadFile(filepath.Join(dir, name))
		return b
	}
	r.version, r.tags, r.show = read(fileVersion), read(fileTags), read(fileShow)
	prose, schema, notFound := read(fileChatProse), read(fileChatSchema), read(fileNotFound)
	if err != nil {
		return nil, fmt.Errorf("ollama recordings: %w", err)
	}
	if r.prose, err = decodeStream(prose); err != nil {
		return nil, fmt.Errorf("ollama recording %s: %w", fileChatProse, err)
	}
	if r.schema, err = decodeStream(schema); err != nil {
		return nil, fmt.Errorf("ollama recording %s: %w", fileChatSchema, err)
	}
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(notFound, &e); err != nil {
		return nil, fmt.Errorf("ollama recording %s: %w", fileNotFound, err)
	}
	r.notFound = e.Error
	return &r, nil
}

// decodeStream decodes an NDJSON chat stream that must end with its final chunk.
func decodeStream(b []byte) ([]api.ChatResponse, error) {
	var out []api.ChatResponse
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var r api.ChatResponse
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("line %d: %w", len(out)+1, err)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) < 2 || !out[len(out)-1].Done {
		return nil, errors.New("want content chunks and a final done chunk")
	}
	return out, nil
}

// contents are the pieces of a recorded stream's content.
func contents(stream []api.ChatResponse) []string {
	var out []string
	for _, r := range stream {
		if r.Message.Content != "" {
			out = append(out, r.Message.Content)
		}
	}
	return out
}

// testdataDir is testdata/ollama under the repository root.
func testdataDir() (string, error) {
	root, err := ollamatest.RepoRoot()
	if err != nil {
		return "", fmt.Errorf("ollama recordings: %w", err)
	}
	return filepath.Join(root, "testdata", "ollama"), nil
}
