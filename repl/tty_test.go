package repl

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// scriptedEditor is a lineEditor that feeds fixed lines, as if typed.
type scriptedEditor struct {
	lines []string
	ran   []string
}

func (e *scriptedEditor) Run(execute func(string) bool) error {
	for _, l := range e.lines {
		e.ran = append(e.ran, l)
		if execute(l) {
			return nil
		}
	}
	return nil
}

func TestRunLines(t *testing.T) {
	var chats []string
	b := &fakeBackend{chat: func(_ context.Context, _, msg string, onChunk func(string)) (ChatReply, error) {
		chats = append(chats, msg)
		return ChatReply{Text: "ok"}, nil
	}}
	s, _, _ := testSession(b, &fakeConsole{}, false)
	path := filepath.Join(t.TempDir(), "hist")
	hist, _, err := loadHistory(path, 10)
	if err != nil {
		t.Fatal(err)
	}
	ed := &scriptedEditor{lines: []string{"hello", "", "/quit", "never sent"}}
	if err := runLines(t.Context(), s, ed, hist); err != nil {
		t.Fatalf("runLines() = %v", err)
	}
	if len(ed.ran) != 3 || len(chats) != 1 || chats[0] != "hello" {
		t.Errorf("lines run = %q, chats = %q; want to stop at /quit after one chat", ed.ran, chats)
	}
	data, _ := os.ReadFile(path)
	if string(data) != "hello\n/quit\n" {
		t.Errorf("history = %q, want hello and /quit", data)
	}
}

func TestRunLinesStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	b := &fakeBackend{chat: func(context.Context, string, string, func(string)) (ChatReply, error) {
		cancel() // e.g. SIGTERM while an answer streams
		return ChatReply{}, context.Canceled
	}}
	s, _, _ := testSession(b, &fakeConsole{}, false)
	ed := &scriptedEditor{lines: []string{"hello", "again"}}
	if err := runLines(ctx, s, ed, nil); err != nil {
		t.Fatalf("runLines() = %v", err)
	}
	if len(ed.ran) != 1 {
		t.Errorf("lines run = %q, want to stop after the cancelled one", ed.ran)
	}
}
