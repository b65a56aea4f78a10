package sqliteexport

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// AuditKeyFile is the audit log's MAC key inside the data directory: 32 random bytes in hex,
// mode 0600, never in the database, so that someone who can write the database cannot
// recompute the chain.
const AuditKeyFile = "audit.key"

// ErrNoAuditKey means DATA_DIR/audit.key does not exist.
var ErrNoAuditKey = errors.New("no audit key")

// LoadAuditKey reads DATA_DIR/audit.key; with create, a missing key is made (and created
// reports it). A key readable by anyone but its owner, or not 32 bytes, is an error.
func LoadAuditKey(dataDir string, create bool) (key []byte, created bool, err error) {
	path := filepath.Join(dataDir, AuditKeyFile)
	raw, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) && create {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, false, fmt.Errorf("audit key: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, false, fmt.Errorf("create audit key: %w", err)
		}
		_, werr := f.WriteString(hex.EncodeToString(key) + "\n")
		if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
			return nil, false, fmt.Errorf("write audit key %s: %w", path, err)
		}
		return key, true, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("%w: %s does not exist", ErrNoAuditKey, path)
	}
	if err != nil {
		return nil, false, err
	}
	key, err = hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil || len(key) != 32 {
		return nil, false, fmt.Errorf("audit key %s: want 64 hex digits (32 bytes)", path)
	}
	return key, false, nil
}

// readKeyFile reads the key, refusing a file that others may read.
func readKeyFile(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("audit key %s has mode %s: it must be readable by its owner only (chmod 600)", path, info.Mode().Perm())
	}
	return os.ReadFile(path)
}
