package rest

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// TokenFile is the API token's file name in the data directory.
const TokenFile = "api-token"

// ErrTokenFile is wrapped by the errors of reading the token file.
var ErrTokenFile = errors.New("API token file")

// LoadOrCreateToken returns the token in path, creating the file with a new random token
// (256 bits, mode 0600) when it does not exist. The file is written under a temporary name
// and linked into place, so a concurrent start reads a whole token or creates none.
func LoadOrCreateToken(path string) (token string, created bool, err error) {
	token, err = ReadToken(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return token, false, err
	}
	var b [32]byte
	rand.Read(b[:]) // never fails (crypto/rand crashes the program instead)
	token = base64.RawURLEncoding.EncodeToString(b[:])
	tmp, err := os.CreateTemp(filepath.Dir(path), ".api-token-*")
	if err != nil {
		return "", false, fmt.Errorf("create the API token: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.WriteString(token + "\n")
	if err := errors.Join(werr, tmp.Sync(), tmp.Close()); err != nil {
		return "", false, fmt.Errorf("write the API token: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) { // another process was first
			token, err = ReadToken(path)
			return token, false, err
		}
		return "", false, fmt.Errorf("create the API token: %w", err)
	}
	return token, true, nil
}

// ReadToken reads the token file. It refuses a file that others may read or write (the
// token can run actions) and an empty one.
func ReadToken(path string) (string, error) {
	// O_NONBLOCK: a FIFO in its place must not hang the start.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrTokenFile, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrTokenFile, err)
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("%w %s: not a regular file", ErrTokenFile, path)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("%w %s: mode %04o lets other users read it: chmod 600 %s", ErrTokenFile, path,
			st.Mode().Perm(), path)
	}
	b := make([]byte, 1024)
	n, err := f.Read(b)
	if err != nil && n == 0 {
		return "", fmt.Errorf("%w %s: empty", ErrTokenFile, path)
	}
	token := strings.TrimSpace(string(b[:n]))
	if token == "" || strings.ContainsAny(token, " \t\r\n") {
		return "", fmt.Errorf("%w %s: want one line with the token", ErrTokenFile, path)
	}
	return token, nil
}
