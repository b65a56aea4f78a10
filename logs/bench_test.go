package logs

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// benchSizes are the log sizes the tail benchmarks read the last 100 lines of.
var benchSizes = []struct {
	name string
	size int64
}{
	{"1MiB", 1 << 20},
	{"100MiB", 100 << 20},
	{"1GiB", 1 << 30},
}

// benchBlock is about 1 MiB of whole, realistic log lines; logs are made by repeating it.
func benchBlock() []byte {
	var block bytes.Buffer
	for i := 0; block.Len() < 1<<20-200; i++ {
		fmt.Fprintf(&block, "2024-05-01T02:%02d:%02d+0000 nas backup[4242]: copied /data/tank/photos/2023/IMG_%05d.jpg"+
			" (%d bytes) to /backup/sys_restore ok\n", i/60%60, i%60, i, 4096+i)
	}
	return block.Bytes()
}

// writeBenchLog writes a log of whole lines, just under size bytes, to dir and returns its path.
func writeBenchLog(b *testing.B, dir string, size int64) string {
	b.Helper()
	block := benchBlock()
	path := filepath.Join(dir, fmt.Sprintf("bench-%d.log", size))
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	for written := int64(len(block)); written <= size; written += int64(len(block)) {
		if _, err := f.Write(block); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// benchLogs runs fn as a sub-benchmark "size=…" for each size, on a log made for it and removed
// after it.
func benchLogs(b *testing.B, fn func(b *testing.B, path string)) {
	dir := b.TempDir()
	for _, s := range benchSizes {
		path := writeBenchLog(b, dir, s.size)
		b.Run("size="+s.name, func(b *testing.B) { fn(b, path) })
		if err := os.Remove(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTail reads the last 100 lines of a log through Registry.Read: open, seek back, read,
// sanitise, redact. Its cost should not grow with the file.
func BenchmarkTail(b *testing.B) {
	benchLogs(b, func(b *testing.B, path string) {
		r, err := NewRegistry(map[string]Source{"bench": {Strategy: StrategyTail, Path: path}}, withRedactor(b, Options{}))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			res, err := r.Read(b.Context(), "bench", 100)
			if err != nil || len(res.Lines) != 100 {
				b.Fatalf("Read() = %d lines, %v, want 100", len(res.Lines), err)
			}
		}
	})
}

// BenchmarkTailCommand runs `tail -n 100` on the same logs, for comparison: its time includes
// starting the process; its allocations are only this side's.
func BenchmarkTailCommand(b *testing.B) {
	tail, err := exec.LookPath("tail")
	if err != nil {
		b.Skip("tail not found")
	}
	benchLogs(b, func(b *testing.B, path string) {
		b.ReportAllocs()
		for b.Loop() {
			out, err := exec.CommandContext(b.Context(), tail, "-n", "100", path).Output()
			if n := bytes.Count(out, []byte{'\n'}); err != nil || n != 100 {
				b.Fatalf("tail -n 100 = %d lines, %v, want 100", n, err)
			}
		}
	})
}
