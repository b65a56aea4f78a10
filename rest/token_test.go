package rest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

func TestLoadOrCreateToken(t *testing.T) {
	path := filepath.Join(t.TempDir(), TokenFile)
	token, created, err := LoadOrCreateToken(path)
	if err != nil || !created || len(token) != 43 {
		t.Fatalf("LoadOrCreateToken() = %q, %v, %v; want a new 256-bit token", token, created, err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("token file mode = %v, %v; want 0600", st.Mode(), err)
	}
	again, created, err := LoadOrCreateToken(path)
	if err != nil || created || again != token {
		t.Errorf("second LoadOrCreateToken() = %q, %v, %v; want the same token", again, created, err)
	}
	if other, _, _ := LoadOrCreateToken(filepath.Join(t.TempDir(), TokenFile)); other == token {
		t.Error("two data directories got the same token")
	}
	if got, err := ReadToken(path); err != nil || got != token {
		t.Errorf("ReadToken() = %q, %v", got, err)
	}
}

func TestLoadOrCreateTokenConcurrently(t *testing.T) {
	path := filepath.Join(t.TempDir(), TokenFile)
	tokens := make([]string, 8)
	var wg sync.WaitGroup
	for i := range tokens {
		wg.Go(func() {
			var err error
			if tokens[i], _, err = LoadOrCreateToken(path); err != nil {
				t.Errorf("LoadOrCreateToken() error = %v", err)
			}
		})
	}
	wg.Wait()
	for _, tok := range tokens {
		if tok != tokens[0] || tok == "" {
			t.Fatalf("concurrent starts got %q, want one token", tokens)
		}
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".api-token-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestReadTokenRefuses(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
		return p
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "none"), "no such file"},
		{"readable by others", write("open", "tok\n", 0o644), "chmod 600"},
		{"writable by the group", write("group", "tok\n", 0o620), "chmod 600"},
		{"empty", write("empty", "", 0o600), "empty"},
		{"blank", write("blank", " \n\n", 0o600), "one line"},
		{"two tokens", write("two", "a b\n", 0o600), "one line"},
		{"a directory", dir, "not a regular file"},
		{"a FIFO", fifo, "not a regular file"},
	}
	for _, tt := range tests {
		_, err := ReadToken(tt.path)
		if !errors.Is(err, ErrTokenFile) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: ReadToken() error = %v, want ErrTokenFile saying %q", tt.name, err, tt.want)
		}
	}
	if _, _, err := LoadOrCreateToken(filepath.Join(dir, "open")); err == nil {
		t.Error("LoadOrCreateToken() accepted a token file others can read")
	}
	if _, _, err := LoadOrCreateToken(filepath.Join(dir, "nodir", TokenFile)); err == nil {
		t.Error("LoadOrCreateToken() in a missing directory = nil error")
	}
}
