package logs

import (
	"monit-intel/logs/redact"

	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// keyMessage is a multi-line journal message holding a private key.
const keyMessage = "loaded config:\n-----BEGIN RSA PRIVATE KEY-----\n" +
	"MIIEowIBAAKCAQEAx1234567890abcdefghij\n-----END RSA PRIVATE KEY-----"

// makeJournal turns testdata/logs/journal/nordvpnd.export, plus one entry with a multi-line
// message, into a real journal file in a new directory, with systemd-journal-remote.
func makeJournal(t *testing.T) string {
	t.Helper()
	remote := requireTool(t, "systemd-journal-remote",
		"/lib/systemd/systemd-journal-remote", "/usr/lib/systemd/systemd-journal-remote")
	export, err := os.ReadFile("../testdata/logs/journal/nordvpnd.export")
	if err != nil {
		t.Fatal(err)
	}
	// A field holding newlines uses the export format's binary form: name, '\n', little-endian
	// 64-bit length, data, '\n'.
	var multi bytes.Buffer
	multi.WriteString("__REALTIME_TIMESTAMP=1714557840000000\n__MONOTONIC_TIMESTAMP=241000000\n" +
		"_BOOT_ID=0123456789abcdef0123456789abcdef\n_HOSTNAME=vpnbox\n_SYSTEMD_UNIT=nordvpnd.service\n" +
		"SYSLOG_IDENTIFIER=nordvpnd\n_PID=812\nMESSAGE\n")
	if err := binary.Write(&multi, binary.LittleEndian, uint64(len(keyMessage))); err != nil {
		t.Fatal(err)
	}
	multi.WriteString(keyMessage + "\n\n")

	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), remote, "-o", filepath.Join(dir, "remote.journal"), "-")
	cmd.Stdin = bytes.NewReader(append(export, multi.Bytes()...))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("systemd-journal-remote: %v\n%s", err, out)
	}
	return dir
}

func TestReadJournal(t *testing.T) {
	requireTool(t, "journalctl")
	dir := makeJournal(t)
	t.Setenv("TZ", "UTC")
	const prefix = " vpnbox nordvpnd[812]: "
	indent := strings.Repeat(" ", len("2024-05-01T10:04:00+0000")+len(prefix))
	tests := []struct {
		name      string
		src       Source
		opts      Options
		n         int
		want      []string // each line without its timestamp, which journalctl versions format differently
		wantEmpty bool
	}{
		{
			name: "last entries of the unit only, secrets redacted",
			src:  Source{Strategy: StrategyJournalctl, Unit: "nordvpnd.service", JournalDir: dir},
			n:    7,
			want: []string{
				prefix + "Daemon started",
				prefix + "Connecting to https://svc_user:[REDACTED]@api.nordvpn.com/v1/servers",
				prefix + "Connection to de1234.nordvpn.com lost: timeout after 30s",
				prefix + "loaded config:",
				indent + redact.RedactedPrivateKey,
			},
		},
		{
			name: "global journal dir",
			src:  Source{Strategy: StrategyJournalctl, Unit: "backup.service"},
			opts: Options{JournalDir: dir},
			want: []string{" vpnbox backup[900]: an entry of another unit"},
		},
		{
			name: "window starting inside a key",
			src:  Source{Strategy: StrategyJournalctl, Unit: "nordvpnd.service", JournalDir: dir},
			n:    2,
			want: []string{redact.RedactedPrivateKey},
		},
		{
			name:      "unit without entries",
			src:       Source{Strategy: StrategyJournalctl, Unit: "quiet.service", JournalDir: dir},
			wantEmpty: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestRegistry(t, map[string]Source{"nordvpn_status": tt.src}, tt.opts)
			res, err := r.Read(t.Context(), "nordvpn_status", tt.n)
			if err != nil {
				t.Fatalf("Read() error = %v", err)
			}
			got := make([]string, len(res.Lines))
			for i, line := range res.Lines {
				got[i] = line
				if strings.HasPrefix(line, "2024-05-01T") {
					got[i] = line[strings.Index(line, " "):]
				}
			}
			if !slices.Equal(got, tt.want) || res.Empty != tt.wantEmpty {
				t.Errorf("Read() lines = %q (empty %v), want %q (empty %v)", res.Lines, res.Empty, tt.want, tt.wantEmpty)
			}
			if want := "journalctl -u " + tt.src.Unit + " --directory " + dir; res.Source != want || res.File != "" {
				t.Errorf("Read() Source, File = %q, %q, want %q, empty", res.Source, res.File, want)
			}
		})
	}
}

// stub writes an executable shell script standing in for journalctl.
func stub(t *testing.T, script string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "journalctl")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadJournalArgv(t *testing.T) {
	t.Setenv("SYSTEMD_COLORS", "1")
	bin := stub(t, `printf '%s\n' "$@" "colors=$SYSTEMD_COLORS"`)
	r := newTestRegistry(t, map[string]Source{
		"s": {Strategy: StrategyJournalctl, Unit: "getty@tty1.service", JournalDir: "/srv/other host/journal", MaxLines: 50},
	}, Options{Journalctl: bin})
	res, err := r.Read(t.Context(), "s", 20)
	if err != nil {
		t.Fatalf("Read() error = %v", err)
	}
	want := []string{"-u", "getty@tty1.service", "-n", "20", "--no-pager", "-o", "short-iso", "--quiet",
		"--directory", "/srv/other host/journal", "colors=0"}
	if !slices.Equal(res.Lines, want) {
		t.Errorf("journalctl argv and colors = %q, want %q", res.Lines, want)
	}
}

func TestReadJournalFailures(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		bin     func(t *testing.T) string
		src     Source
		timeout time.Duration
		wantErr []string
		wantIs  error
		notIn   string
	}{
		{
			name:    "missing binary on PATH",
			bin:     func(*testing.T) string { return "journalctl-that-is-not-installed" },
			wantErr: []string{`read logs of "vpn" from journalctl -u nordvpnd.service`, "executable file not found"},
			wantIs:  exec.ErrNotFound,
		},
		{
			name:    "missing binary at a path",
			bin:     func(*testing.T) string { return filepath.Join(dir, "no", "journalctl") },
			wantErr: []string{`read logs of "vpn"`, "no such file or directory"},
		},
		{
			name:    "hangs past its timeout",
			bin:     func(t *testing.T) string { return stub(t, "sleep 60\n") },
			timeout: 200 * time.Millisecond,
			wantErr: []string{`read logs of "vpn" from journalctl -u nordvpnd.service`, "timed out after 200ms"},
		},
		{
			name: "exits non-zero, stderr quoted and redacted",
			bin: func(t *testing.T) string {
				return stub(t, "echo 'Failed to open journal: token=abc123' >&2\necho '  second line  ' >&2\nexit 3\n")
			},
			wantErr: []string{`read logs of "vpn"`, "exit status 3: Failed to open journal: token=[REDACTED] | second line"},
			notIn:   "abc123",
		},
		{
			name:    "exits non-zero without stderr",
			bin:     func(t *testing.T) string { return stub(t, "exit 1\n") },
			wantErr: []string{`read logs of "vpn"`, "exit status 1"},
		},
		{
			name: "real journalctl with a missing journal directory",
			bin:  func(t *testing.T) string { return requireTool(t, "journalctl") },
			src:  Source{Strategy: StrategyJournalctl, Unit: "nordvpnd.service", JournalDir: filepath.Join(dir, "absent")},
			wantErr: []string{`read logs of "vpn" from journalctl -u nordvpnd.service --directory ` + filepath.Join(dir, "absent"),
				"exit status 1", "absent"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.src
			if src.Unit == "" {
				src = Source{Strategy: StrategyJournalctl, Unit: "nordvpnd.service"}
			}
			r := newTestRegistry(t, map[string]Source{"vpn": src}, Options{Journalctl: tt.bin(t), Timeout: tt.timeout})
			start := time.Now()
			_, err := r.Read(t.Context(), "vpn", 10)
			if err == nil {
				t.Fatal("Read() error = nil, want an error")
			}
			// Not a speed check: a journalctl that is never killed would take a minute.
			if elapsed := time.Since(start); elapsed > 30*time.Second {
				t.Errorf("Read() returned after %s, want the timeout to stop journalctl", elapsed)
			}
			for _, frag := range tt.wantErr {
				if !strings.Contains(err.Error(), frag) {
					t.Errorf("Read() error = %q, want it to contain %q", err, frag)
				}
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("Read() error = %v, want errors.Is %v", err, tt.wantIs)
			}
			if tt.notIn != "" && strings.Contains(err.Error(), tt.notIn) {
				t.Errorf("Read() error = %q, want no %q in it", err, tt.notIn)
			}
		})
	}
}

func TestReadJournalCanceled(t *testing.T) {
	r := newTestRegistry(t, map[string]Source{"vpn": {Strategy: StrategyJournalctl, Unit: "nordvpnd.service"}},
		Options{Journalctl: stub(t, "sleep 60\n")})
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := r.Read(ctx, "vpn", 10)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), `"vpn"`) {
		t.Errorf("Read() error = %v, want context.Canceled naming the service", err)
	}
}
