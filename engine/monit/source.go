package monit

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
)

// sourceKind is how monit.url reaches Monit.
type sourceKind uint8

const (
	sourceHTTP sourceKind = iota // http:// or https://
	sourceUnix                   // Monit's httpd on a unix socket: unix:///path, or a bare socket path
	sourceFile                   // a saved status document to replay
)

// source is what monit.url names.
type source struct {
	kind sourceKind
	base *url.URL // sourceHTTP
	path string   // sourceUnix, sourceFile
}

// hostPort matches an address written without a scheme: 127.0.0.1:2812, monit.lan:2812,
// [::1]:2812, with an optional path.
var hostPort = regexp.MustCompile(`^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):[0-9]{1,5}(/.*)?$`)

// CheckURL reports whether raw is a monit.url monit-intel can use, without any I/O: an
// http(s):// URL, unix:///path/to/monit.sock, file://PATH or a path. An address without a
// scheme gets a suggestion. Errors never contain a password written into the URL.
func CheckURL(raw string) error {
	_, err := parseURL(raw)
	return err
}

// parseURL is CheckURL's work. A bare path is a file here; resolveSource tells sockets apart.
func parseURL(raw string) (source, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return source{}, errors.New("no URL or file")
	}
	if rest, ok := strings.CutPrefix(raw, "unix://"); ok {
		if !strings.HasPrefix(rest, "/") {
			return source{}, errors.New("unix socket URL needs an absolute path, e.g. unix:///run/monit.sock")
		}
		return source{kind: sourceUnix, path: rest}, nil
	}
	if hostPort.MatchString(raw) {
		return source{}, fmt.Errorf("%q has no scheme: did you mean http://%s?", raw, raw)
	}
	u, err := url.Parse(raw)
	switch {
	case err == nil && (u.Scheme == "http" || u.Scheme == "https"):
		if u.Host == "" {
			return source{}, fmt.Errorf("URL %s has no host", u.Redacted())
		}
		return source{kind: sourceHTTP, base: u}, nil
	case err == nil && u.Scheme == "file":
		if u.Path == "" {
			return source{}, errors.New("file URL without a path")
		}
		return source{kind: sourceFile, path: u.Path}, nil
	case err == nil && len(u.Scheme) > 1:
		return source{}, fmt.Errorf("URL scheme %q: want http, https, unix or file", u.Scheme)
	}
	// A plain path (Windows drive letters parse as one-letter schemes).
	return source{kind: sourceFile, path: raw}, nil
}

// resolveSource is parseURL, then a bare path that is a socket, or that does not exist yet
// and ends in ".sock", is read as Monit's httpd on that socket rather than as a file.
func resolveSource(raw string) (source, error) {
	src, err := parseURL(raw)
	if err != nil || src.kind != sourceFile || strings.HasPrefix(strings.TrimSpace(raw), "file://") {
		return src, err
	}
	fi, err := os.Stat(src.path)
	switch {
	case err == nil && fi.Mode()&os.ModeSocket != 0:
		src.kind = sourceUnix
	case errors.Is(err, os.ErrNotExist) && strings.HasSuffix(src.path, ".sock"):
		src.kind = sourceUnix
	}
	return src, nil
}

// IsFile reports whether raw names a saved status document (a file path or a file:// URL)
// rather than a Monit httpd (http, https, a unix:// URL or a bare path to a socket).
func IsFile(raw string) bool {
	src, err := resolveSource(raw)
	return err == nil && src.kind == sourceFile
}
