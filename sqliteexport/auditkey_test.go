package sqliteexport

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadAuditKey(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := LoadAuditKey(dir, false); !errors.Is(err, ErrNoAuditKey) {
		t.Fatalf("LoadAuditKey(missing) error = %v, want ErrNoAuditKey", err)
	}
	key, created, err := LoadAuditKey(dir, true)
	if err != nil || !created || len(key) != 32 {
		t.Fatalf("LoadAuditKey(create) = %d bytes, %v, %v; want a new 32-byte key", len(key), created, err)
	}
	path := filepath.Join(dir, AuditKeyFile)
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("%s: %v, %v; want mode 0600", path, info.Mode(), err)
	}
	again, created, err := LoadAuditKey(dir, true)
	if err != nil || created || !bytes.Equal(again, key) {
		t.Errorf("LoadAuditKey(existing) = %x, %v, %v; want the same key, not created", again, created, err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadAuditKey(dir, true); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("LoadAuditKey(mode 0644) error = %v, want a refusal", err)
	}
	if err := os.WriteFile(path, []byte("not hex\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadAuditKey(dir, true); err == nil || !strings.Contains(err.Error(), "64 hex digits") {
		t.Errorf("LoadAuditKey(garbage) error = %v, want a refusal", err)
	}
}
