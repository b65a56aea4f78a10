package collector

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"monit-intel/engine/fleet"
)

// Defaults for Options.
const (
	DefaultMaxBytes    = 4 << 20
	DefaultReadTimeout = 30 * time.Second
)

// ServerHeader makes Monit gzip its later messages: on its first successful message Monit
// looks for `Server: mmonit/X.Y` and compresses from then on when X.Y >= 3.6 (REFERENCE 3.3).
const ServerHeader = "mmonit/3.7 (monit-intel)"

// Pusher takes one decompressed collector message sent as the authenticated collector user
// user (fleet.Fleet), which binds each host to the user it pushes as.
type Pusher interface {
	Push(ctx context.Context, user string, body []byte) (fleet.PushResult, error)
}

// Options configure the handler.
type Options struct {
	// Users are the accepted user names and passwords (collector.users). Without any the
	// endpoint refuses every message.
	Users map[string]string
	// MaxBytes caps a message, as sent and once decompressed; DefaultMaxBytes when zero.
	MaxBytes int64
	// ReadTimeout bounds reading one body; DefaultReadTimeout when zero.
	ReadTimeout time.Duration
	Logger      *slog.Logger
}

// Handler serves POST /collector.
type Handler struct {
	push  Pusher
	users map[string][32]byte // user name → SHA-256 of the password
	opts  Options
	log   *slog.Logger
}

// New returns the handler.
func New(p Pusher, opts Options) *Handler {
	opts.MaxBytes = cmp.Or(opts.MaxBytes, DefaultMaxBytes)
	opts.ReadTimeout = cmp.Or(opts.ReadTimeout, DefaultReadTimeout)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	users := make(map[string][32]byte, len(opts.Users))
	for u, pw := range opts.Users {
		users[u] = sha256.Sum256([]byte(pw))
	}
	opts.Users = nil // only the hashes are kept
	return &Handler{push: p, users: users, opts: opts, log: opts.Logger.With("component", "collector")}
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		refuse(w, http.StatusMethodNotAllowed, "only POST: this is where Monit's `set mmonit` sends its status")
		return
	}
	user, ok := h.authorized(r)
	if !ok {
		h.log.Warn("collector message with bad credentials", "remote", r.RemoteAddr)
		w.Header().Set("WWW-Authenticate", `Basic realm="monit-intel collector", charset="UTF-8"`)
		refuse(w, http.StatusUnauthorized, "the user and password of `set mmonit http://USER:PASS@…` must be one of collector.users")
		return
	}
	body, status, err := h.read(w, r)
	if err != nil {
		h.log.Warn("collector message refused", "remote", r.RemoteAddr, "status", status, "err", err)
		refuse(w, status, err.Error())
		return
	}
	res, err := h.push.Push(r.Context(), user, body)
	if err != nil {
		status := statusOf(err)
		h.log.Warn("collector message refused", "remote", r.RemoteAddr, "status", status, "err", err)
		refuse(w, status, err.Error())
		return
	}
	h.log.Debug("collector message", "host", res.Host, "gzip", r.Header.Get("Content-Encoding") != "", "services", res.Services, "events", len(res.Events),
		"monit_events", len(res.MonitEvents))
	w.Header().Set("Server", ServerHeader)
	w.WriteHeader(http.StatusOK)
}

// authorized checks HTTP Basic credentials in constant time (an unknown user costs the same
// as a wrong password) and returns the user.
func (h *Handler) authorized(r *http.Request) (string, bool) {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return "", false
	}
	want, known := h.users[user]
	got := sha256.Sum256([]byte(pass))
	return user, subtle.ConstantTimeCompare(got[:], want[:]) == 1 && known
}

// read returns the decompressed body, or the status to refuse it with.
func (h *Handler) read(w http.ResponseWriter, r *http.Request) ([]byte, int, error) {
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(h.opts.ReadTimeout))
	if r.ContentLength > h.opts.MaxBytes {
		return nil, http.StatusRequestEntityTooLarge, h.tooLarge()
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.opts.MaxBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, http.StatusRequestEntityTooLarge, h.tooLarge()
	case err != nil:
		return nil, http.StatusBadRequest, fmt.Errorf("read the message: %w", err)
	}
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		return raw, 0, nil
	case "gzip", "x-gzip":
		return h.gunzip(raw)
	default:
		return nil, http.StatusUnsupportedMediaType, fmt.Errorf("Content-Encoding %q: Monit sends plain or gzip", enc)
	}
}

func (h *Handler) gunzip(raw []byte) ([]byte, int, error) {
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("gzip body: %w", err)
	}
	body, err := io.ReadAll(io.LimitReader(zr, h.opts.MaxBytes+1))
	if err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("gzip body: %w", err)
	}
	if int64(len(body)) > h.opts.MaxBytes {
		return nil, http.StatusRequestEntityTooLarge, h.tooLarge()
	}
	return body, 0, nil
}

func (h *Handler) tooLarge() error {
	return fmt.Errorf("message larger than %d bytes (collector.max_bytes)", h.opts.MaxBytes)
}

// statusOf maps the fleet's errors: the message's own faults are 4xx, so that Monit logs
// them; a storage failure is 503, so that Monit queues its events and sends them again.
func statusOf(err error) int {
	switch {
	case errors.Is(err, fleet.ErrOtherUser):
		return http.StatusForbidden
	case errors.Is(err, fleet.ErrRefused):
		return http.StatusBadRequest
	case errors.Is(err, fleet.ErrNameTaken):
		return http.StatusConflict
	default:
		return http.StatusServiceUnavailable
	}
}

func refuse(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, msg+"\n")
}
