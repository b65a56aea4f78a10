package deploy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// ErrNotInstalled is returned by Uninstall when there is no manifest to follow.
var ErrNotInstalled = errors.New("monit-intel is not installed here (no install manifest)")

const manifestVersion = 1

// manifest records what install created, so uninstall removes that and nothing else.
type manifest struct {
	Version     int            `json:"version"`
	InstalledAt time.Time      `json:"installed_at"`
	User        string         `json:"user"`
	UserCreated bool           `json:"user_created"`
	Files       []manifestFile `json:"files"`
	Dirs        []string       `json:"dirs"` // directories install created, parents first
}

// manifestFile is a file install wrote, with the SHA-256 of what it wrote: a file whose
// content no longer matches was edited since and is not install's to delete.
type manifestFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

func (m manifest) file(p string) (manifestFile, bool) {
	for _, f := range m.Files {
		if f.Path == p {
			return f, true
		}
	}
	return manifestFile{}, false
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// readManifest returns the manifest under root; ok is false when there is none.
func readManifest(root string) (m manifest, ok bool, err error) {
	b, err := os.ReadFile(onRoot(root, ManifestPath))
	if errors.Is(err, fs.ErrNotExist) {
		return manifest{}, false, nil
	}
	if err != nil {
		return manifest{}, false, fmt.Errorf("read install manifest: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return manifest{}, false, fmt.Errorf("install manifest %s: %w", ManifestPath, err)
	}
	if m.Version != manifestVersion {
		return manifest{}, false, fmt.Errorf("install manifest %s: version %d, want %d", ManifestPath, m.Version, manifestVersion)
	}
	return m, true, nil
}

func (m manifest) encode() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	_ = enc.Encode(m) // a struct of strings, bools and a time: Encode cannot fail
	return b.Bytes()
}
