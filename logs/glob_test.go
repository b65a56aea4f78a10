package logs

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestReadGlob(t *testing.T) {
	base := time.Date(2024, 5, 3, 2, 0, 0, 0, time.UTC)
	type file struct {
		name    string
		age     time.Duration // how long before base it was last written
		dir     bool
		content string
	}
	tests := []struct {
		name     string
		files    []file
		wantFile string
		want     []string
	}{
		{
			name: "newest by modification time, not by name",
			files: []file{
				{name: "backup_log_2024-05-01.log", age: 2 * time.Hour, content: "old\n"},
				{name: "backup_log_2024-05-02.log", age: time.Hour, content: "newest 1\nnewest 2\n"},
				{name: "backup_log_2024-05-03.log", age: 3 * time.Hour, content: "oldest\n"},
			},
			wantFile: "backup_log_2024-05-02.log",
			want:     []string{"newest 1", "newest 2"},
		},
		{
			name: "a tie goes to the greatest name",
			files: []file{
				{name: "backup_log_a.log", content: "a\n"},
				{name: "backup_log_c.log", content: "c\n"},
				{name: "backup_log_b.log", content: "b\n"},
			},
			wantFile: "backup_log_c.log",
			want:     []string{"c"},
		},
		{
			name: "a newer directory is skipped",
			files: []file{
				{name: "backup_log_1.log", age: time.Hour, content: "file\n"},
				{name: "backup_log_2.log", dir: true},
			},
			wantFile: "backup_log_1.log",
			want:     []string{"file"},
		},
		{
			name: "files outside the pattern are ignored",
			files: []file{
				{name: "backup_log_1.log", age: time.Hour, content: "mine\n"},
				{name: "other.log", content: "not mine\n"},
				{name: "backup_log_2.log.gz", content: "compressed\n"},
			},
			wantFile: "backup_log_1.log",
			want:     []string{"mine"},
		},
		{
			name:     "the newest file is empty",
			files:    []file{{name: "backup_log_1.log", age: time.Hour, content: "x\n"}, {name: "backup_log_2.log"}},
			wantFile: "backup_log_2.log",
			want:     []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				path := filepath.Join(dir, f.name)
				if f.dir {
					if err := os.Mkdir(path, 0o755); err != nil {
						t.Fatal(err)
					}
				} else {
					writeFile(t, dir, f.name, f.content)
				}
				if err := os.Chtimes(path, base.Add(-f.age), base.Add(-f.age)); err != nil {
					t.Fatal(err)
				}
			}
			r := newTestRegistry(t, map[string]Source{
				"system_backup": {Strategy: StrategyGlob, Path: filepath.Join(dir, "backup_log_*.log"), MaxLines: 150},
			}, Options{})
			res, err := r.Read(t.Context(), "system_backup", 0)
			if err != nil {
				t.Fatalf("Read() error = %v", err)
			}
			wantPath := filepath.Join(dir, tt.wantFile)
			if res.File != wantPath || res.Source != wantPath || res.Strategy != StrategyGlob || res.MaxLines != 150 {
				t.Errorf("Read() = %+v, want File and Source %s, MaxLines 150", res, wantPath)
			}
			if !slices.Equal(res.Lines, tt.want) || res.Empty != (len(tt.want) == 0) {
				t.Errorf("Read() lines = %q (empty %v), want %q", res.Lines, res.Empty, tt.want)
			}
		})
	}
}
