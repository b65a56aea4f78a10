package repl

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDefaultHistoryPath(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    string
		wantErr bool
	}{
		{name: "xdg", env: map[string]string{"XDG_STATE_HOME": "/x/state", "HOME": "/home/u"}, want: "/x/state/monit-intel/repl_history"},
		{name: "relative xdg ignored", env: map[string]string{"XDG_STATE_HOME": "state", "HOME": "/home/u"}, want: "/home/u/.local/state/monit-intel/repl_history"},
		{name: "home", env: map[string]string{"HOME": "/root"}, want: "/root/.local/state/monit-intel/repl_history"},
		{name: "nothing", env: map[string]string{}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DefaultHistoryPath(func(k string) string { return tt.env[k] })
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("DefaultHistoryPath() = %q, %v; want %q, error %t", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestHistoryFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "monit-intel", "repl_history")
	h, lines, err := loadHistory(path, 3)
	if err != nil || lines != nil {
		t.Fatalf("loadHistory(missing) = %q, %v; want empty, nil", lines, err)
	}
	for _, l := range []string{"/status", "", "  ", "/status", "a", "b\nc", "d", "e"} {
		if err := h.add(l); err != nil {
			t.Fatalf("add(%q): %v", l, err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(data), "/status\na\nd\ne\n"; got != want {
		t.Errorf("history file = %q, want %q (blank, repeated and multi-line entries skipped)", got, want)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("history file mode = %v, %v; want 0600", fi.Mode(), err)
	}

	h, lines, err = loadHistory(path, 3)
	if err != nil || !slices.Equal(lines, []string{"a", "d", "e"}) {
		t.Fatalf("loadHistory() = %q, %v; want the newest 3 lines", lines, err)
	}
	data, _ = os.ReadFile(path)
	if string(data) != "a\nd\ne\n" {
		t.Errorf("history file after the cap = %q, want it cut to 3 lines", data)
	}
	if err := h.add("e"); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); strings.Count(string(data), "e\n") != 1 {
		t.Errorf("history file = %q: the last loaded line was repeated", data)
	}
}

func TestHistoryFileUnreadable(t *testing.T) {
	dir := t.TempDir() // a directory where the file should be
	if _, _, err := loadHistory(dir, 10); err == nil {
		t.Error("loadHistory(directory) = nil error, want one")
	}
}
