package logs

import (
	"monit-intel/logs/redact"

	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"unicode/utf8"
)

// naiveStart is the obvious answer lastLinesStart must agree with.
func naiveStart(content string, n int) int64 {
	body := strings.TrimSuffix(content, "\n")
	for i := len(body) - 1; i >= 0; i-- {
		if body[i] == '\n' {
			if n--; n == 0 {
				return int64(i + 1)
			}
		}
	}
	return 0
}

func TestLastLinesStart(t *testing.T) {
	contents := []string{
		"", "\n", "\n\n\n", "a", "a\n", "a\nb", "a\nb\n", "a\n\nb\n\n",
		"one\ntwo\nthree\nfour\nfive\nsix\nseven\n", "x\r\ny\r\nz", strings.Repeat("long line\n", 40),
	}
	for _, content := range contents {
		for bufSize := 1; bufSize <= 9; bufSize++ {
			for n := 1; n <= 6; n++ {
				t.Run(fmt.Sprintf("%q/buf=%d/n=%d", content, bufSize, n), func(t *testing.T) {
					got, err := lastLinesStart(strings.NewReader(content), int64(len(content)), n, make([]byte, bufSize))
					if want := naiveStart(content, n); err != nil || got != want {
						t.Errorf("lastLinesStart() = %d, %v, want %d", got, err, want)
					}
				})
			}
		}
	}
}

func TestReadTail(t *testing.T) {
	long := strings.Repeat("é", MaxLineBytes) // two bytes a rune: the cut falls on a boundary
	huge := strings.Repeat("y", 3*blockSize)
	tests := []struct {
		name      string
		content   string
		n         int
		want      []string
		wantEmpty bool
	}{
		{name: "last lines", content: "a\nb\nc\nd\n", n: 2, want: []string{"c", "d"}},
		{name: "final line without newline", content: "a\nb\nc", n: 2, want: []string{"b", "c"}},
		{name: "CRLF", content: "a\r\nb\r\nc\r\n", n: 2, want: []string{"b", "c"}},
		{name: "mixed line ends", content: "a\r\nb\nc\r\nd", n: 4, want: []string{"a", "b", "c", "d"}},
		{name: "lone carriage return kept inside a line", content: "a\rb\n", n: 1, want: []string{"a\rb"}},
		{name: "blank lines count", content: "a\n\n\nb\n", n: 3, want: []string{"", "", "b"}},
		{name: "only a newline", content: "\n", n: 5, want: []string{""}},
		{name: "fewer lines than asked", content: "only\n", n: 100, want: []string{"only"}},
		{name: "empty file", content: "", n: 10, want: []string{}, wantEmpty: true},
		{name: "NUL bytes removed", content: "a\x00b\x00\nc\n", n: 2, want: []string{"ab", "c"}},
		{name: "invalid UTF-8 replaced", content: "ok \xff\xfe end\n", n: 1, want: []string{"ok \uFFFD end"}},
		{
			name:    "long line cut at a rune boundary",
			content: "short\n" + long + "\n",
			n:       2,
			want:    []string{"short", strings.Repeat("é", MaxLineBytes/2) + CutMarker},
		},
		{
			name:    "line longer than a block",
			content: "before\n" + huge + "\nafter\n",
			n:       2,
			want:    []string{strings.Repeat("y", MaxLineBytes) + CutMarker, "after"},
		},
		{
			name:    "line of exactly MaxLineBytes with CRLF is not cut",
			content: strings.Repeat("z", MaxLineBytes) + "\r\n",
			n:       1,
			want:    []string{strings.Repeat("z", MaxLineBytes)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "app.log", tt.content)
			r := newTestRegistry(t, map[string]Source{"app": {Strategy: StrategyTail, Path: path, MaxLines: 100}}, Options{})
			res, err := r.Read(t.Context(), "app", tt.n)
			if err != nil {
				t.Fatalf("Read() error = %v", err)
			}
			if !slices.Equal(res.Lines, tt.want) || res.Lines == nil {
				t.Errorf("Read() lines = %q, want %q", res.Lines, tt.want)
			}
			if res.Empty != tt.wantEmpty || res.File != path || res.Source != path || res.Strategy != StrategyTail {
				t.Errorf("Read() = %+v, want Empty %v, File and Source %s", res, tt.wantEmpty, path)
			}
			for _, line := range res.Lines {
				if len(line) > MaxLineBytes+len(CutMarker) || !utf8.ValidString(line) {
					t.Errorf("Read() line of %d bytes (valid UTF-8: %v), want at most %d valid bytes",
						len(line), utf8.ValidString(line), MaxLineBytes+len(CutMarker))
				}
			}
		})
	}
}

func TestReadFixtureRedacted(t *testing.T) {
	path, err := filepath.Abs("../testdata/logs/tail/mixed.log")
	if err != nil {
		t.Fatal(err)
	}
	r := newTestRegistry(t, map[string]Source{"backup": {Strategy: StrategyTail, Path: path}}, Options{})
	res, err := r.Read(t.Context(), "backup", 0)
	if err != nil {
		t.Fatalf("Read() error = %v", err)
	}
	want := []string{
		"first line",
		"second line",
		"2024-05-01 02:00:01 backup: connecting to sftp://backup:[REDACTED]@nas.local/tank",
		"2024-05-01 02:00:02 backup: loaded key",
		redact.RedactedPrivateKey,
		"2024-05-01 02:00:03 backup: api_token=[REDACTED] accepted",
		"2024-05-01 02:14:59 backup: done, 1234 files, exit 0",
	}
	if !slices.Equal(res.Lines, want) {
		t.Errorf("Read() lines =\n%q\nwant\n%q", res.Lines, want)
	}
}

func TestReadBadInput(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.log")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "dir_only.log"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		src     Source
		wantErr []string
	}{
		{name: "missing file", src: Source{Strategy: StrategyTail, Path: filepath.Join(dir, "gone.log")},
			wantErr: []string{`read logs of "svc" from ` + filepath.Join(dir, "gone.log"), "no such file or directory"}},
		{name: "directory instead of a file", src: Source{Strategy: StrategyTail, Path: dir},
			wantErr: []string{`read logs of "svc" from ` + dir, "is a directory, not a log file"}},
		{name: "named pipe", src: Source{Strategy: StrategyTail, Path: fifo},
			wantErr: []string{`read logs of "svc"`, "not a regular file"}},
		{name: "glob without a match", src: Source{Strategy: StrategyGlob, Path: filepath.Join(dir, "backup_log_*.log")},
			wantErr: []string{`read logs of "svc" from glob `, "no file matches"}},
		{name: "glob matching only a directory and a pipe", src: Source{Strategy: StrategyGlob, Path: filepath.Join(dir, "*.log")},
			wantErr: []string{`read logs of "svc"`, "no regular file matches", "2 links, directories or special files skipped"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestRegistry(t, map[string]Source{"svc": tt.src}, Options{})
			_, err := r.Read(t.Context(), "svc", 5)
			if err == nil {
				t.Fatal("Read() error = nil, want an error")
			}
			for _, frag := range tt.wantErr {
				if !strings.Contains(err.Error(), frag) {
					t.Errorf("Read() error = %q, want it to contain %q", err, frag)
				}
			}
			if errors.Is(err, ErrNoSource) {
				t.Errorf("Read() error = %v, want it not to be ErrNoSource", err)
			}
		})
	}
}

func TestReadCanceled(t *testing.T) {
	path := writeFile(t, t.TempDir(), "a.log", "a\n")
	r := newTestRegistry(t, map[string]Source{"svc": {Strategy: StrategyTail, Path: path}}, Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := r.Read(ctx, "svc", 1); !errors.Is(err, context.Canceled) {
		t.Errorf("Read() error = %v, want context.Canceled", err)
	}
}

// truncatingFile truncates the file it reads on its ReadAt call number truncateAt (counted from 1)
// and refills it with refill, as copytruncate rotation does.
type truncatingFile struct {
	*os.File
	calls      int
	truncateAt int
	refill     string
}

func (f *truncatingFile) ReadAt(p []byte, off int64) (int, error) {
	if f.calls++; f.calls == f.truncateAt {
		if err := os.Truncate(f.Name(), 0); err != nil {
			return 0, err
		}
		if err := os.WriteFile(f.Name(), []byte(f.refill), 0o644); err != nil {
			return 0, err
		}
	}
	return f.File.ReadAt(p, off)
}

func TestReadTruncatedWhileRead(t *testing.T) {
	const content = "old 1\nold 2\nold 3\n"
	tests := []struct {
		name       string
		truncateAt int  // the ReadAt call that truncates: 1 while seeking back, 2 while reading forward
		every      bool // truncate on every attempt, not just the first
		want       []string
		wantErr    string
	}{
		{name: "while finding the start, then read again", truncateAt: 1, want: []string{"new"}},
		{name: "while reading forward, then read again", truncateAt: 2, want: []string{"new"}},
		{name: "on every attempt", truncateAt: 1, every: true, wantErr: "truncated or rotated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "rot.log", content)
			r := newTestRegistry(t, map[string]Source{"svc": {Strategy: StrategyTail, Path: path}}, Options{})
			opens := 0
			r.open = func(p string) (logFile, error) {
				if opens++; tt.every {
					if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
						return nil, err
					}
				}
				f, err := os.Open(p)
				if err != nil {
					return nil, err
				}
				if opens > 1 && !tt.every {
					return f, nil
				}
				return &truncatingFile{File: f, truncateAt: tt.truncateAt, refill: "new\n"}, nil
			}
			res, err := r.Read(t.Context(), "svc", 3)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), `"svc"`) {
					t.Fatalf("Read() error = %v, want one naming the service and containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(res.Lines, tt.want) {
				t.Errorf("Read() = %q, %v, want %q", res.Lines, err, tt.want)
			}
		})
	}
}

var rotatingLine = regexp.MustCompile(`^(line \d{0,4}|line|lin|li|l)$`)

// TestReadWhileRotating reads a file that another goroutine keeps truncating and rewriting: every
// read must give lines that were in the file, or an error naming the service.
func TestReadWhileRotating(t *testing.T) {
	path := writeFile(t, t.TempDir(), "busy.log", "")
	r := newTestRegistry(t, map[string]Source{"busy": {Strategy: StrategyTail, Path: path}}, Options{})
	var content bytes.Buffer
	for i := range 2000 {
		fmt.Fprintf(&content, "line %04d\n", i)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 300 {
			if err := os.WriteFile(path, content.Bytes()[:content.Len()*(i%10)/10], 0o644); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for range 300 {
		res, err := r.Read(t.Context(), "busy", 50)
		if err != nil {
			if !strings.Contains(err.Error(), `read logs of "busy"`) {
				t.Fatalf("Read() error = %v, want it to name the service", err)
			}
			continue
		}
		for _, line := range res.Lines {
			// A read racing a write may end inside a line.
			if !rotatingLine.MatchString(line) {
				t.Fatalf("Read() line %q was never in the file", line)
			}
		}
	}
	<-done
}
