package ui

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"

	"monit-intel/engine"
	"monit-intel/engine/user"
)

// Principal is who makes a request.
type Principal struct {
	Name string
	Role user.Role
}

type principalKey struct{}

// PrincipalFrom returns the logged-in user of a request handled by the UI.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

const (
	sessionUser    = "user"
	sessionVersion = "user_updated" // the account's UpdatedAt at login: a new password or role ends the session
	cookieName     = "monit_intel_session"
	maxLifetime    = 12 * time.Hour // even an active session logs in again after this
)

// boltSessions adapts SessionStore to scs.Store with the UI's clock.
type boltSessions struct {
	s   SessionStore
	now func() time.Time
}

func (b boltSessions) Find(token string) ([]byte, bool, error) {
	return b.s.FindSession(token, b.now())
}
func (b boltSessions) Commit(token string, data []byte, expiry time.Time) error {
	return b.s.CommitSession(token, data, expiry)
}
func (b boltSessions) Delete(token string) error { return b.s.DeleteSession(token) }

// newSessions configures scs: an HttpOnly, SameSite=Strict cookie, an idle timeout, and the
// sessions kept in state.db when a store is given (a daemon restart keeps people logged in).
func newSessions(opts Options, store SessionStore) *scs.SessionManager {
	sm := scs.New()
	if store != nil {
		sm.Store = boltSessions{s: store, now: opts.Now}
	}
	sm.IdleTimeout = opts.IdleTimeout
	sm.Lifetime = maxLifetime
	sm.Cookie.Name = cookieName
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteStrictMode
	sm.Cookie.Secure = opts.SecureCookie
	sm.Cookie.Path = "/"
	sm.Cookie.Persist = false
	return sm
}

// Authenticate returns the user of a request that carries a live session cookie. It reads
// the session without the UI's middleware, so the JSON API can accept the cookie too; the
// user is looked up again so that a deleted user or a changed role takes effect at once.
func (u *UI) Authenticate(r *http.Request) (Principal, bool) {
	c, err := r.Cookie(cookieName)
	if err != nil || c.Value == "" {
		return Principal{}, false
	}
	ctx, err := u.sm.Load(r.Context(), c.Value)
	if err != nil {
		return Principal{}, false
	}
	return u.current(ctx)
}

func (u *UI) current(ctx context.Context) (Principal, bool) {
	name := u.sm.GetString(ctx, sessionUser)
	if name == "" {
		return Principal{}, false
	}
	usr, err := u.deps.Users.Lookup(ctx, name)
	if err != nil || usr.UpdatedAt.UnixNano() != u.sm.GetInt64(ctx, sessionVersion) {
		return Principal{}, false
	}
	return Principal{Name: usr.Name, Role: usr.Role}, true
}

// need lets a request through when its session's user has at least role. Without a session a
// page is sent to the login (which comes back to it) and a script gets 401; a viewer asking
// to act gets 403.
func (u *UI) need(role user.Role, h func(http.ResponseWriter, *http.Request, Principal)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := u.current(r.Context())
		if !ok {
			if r.Method == http.MethodGet && acceptsHTML(r.Header.Get("Accept")) {
				http.Redirect(w, r, "/ui/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Error(w, "log in first", http.StatusUnauthorized)
			return
		}
		// The user is the engine's actor too: the approval flow names them in its records.
		r = r.WithContext(engine.WithActor(context.WithValue(r.Context(), principalKey{}, p), p.Name))
		if role == user.RoleOperator && !p.Role.CanApprove() {
			u.fail(w, r, http.StatusForbidden,
				fmt.Sprintf("%s is a %s: a viewer can read everything but only an operator can propose, approve or reject actions.", p.Name, p.Role))
			return
		}
		h(w, r, p)
	})
}

func acceptsHTML(accept string) bool { return strings.Contains(accept, "text/html") }

// safeNext keeps the page to return to after login inside the UI.
func safeNext(next string) string {
	if !strings.HasPrefix(next, Prefix) || strings.Contains(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return Prefix
	}
	return next
}

type loginData struct {
	Next, Name, Message string
}

func (u *UI) loginForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := u.current(r.Context()); ok {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	u.render(w, r, http.StatusOK, "login", "Log in", loginData{Next: safeNext(r.URL.Query().Get("next"))})
}

func (u *UI) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	name, pw := strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("password")
	d := loginData{Next: safeNext(r.PostFormValue("next")), Name: name}
	keys := []string{"ip:" + clientIP(r), "user:" + name}
	if wait := u.limiter.blocked(keys...); wait > 0 {
		d.Message = fmt.Sprintf("Too many failed attempts. Try again in %d seconds.", int(wait.Seconds())+1)
		u.render(w, r, http.StatusTooManyRequests, "login", "Log in", d)
		return
	}
	usr, err := u.checkPassword(r.Context(), name, pw)
	if err != nil {
		u.limiter.fail(keys...)
		d.Message = "Wrong name or password."
		if !errors.Is(err, user.ErrBadPassword) {
			u.log.Error("login", "user", name, "err", err)
			d.Message = "Logging in is not possible right now; the error is in the daemon's log."
		}
		u.render(w, r, http.StatusUnauthorized, "login", "Log in", d)
		return
	}
	if err := u.sm.RenewToken(r.Context()); err != nil {
		u.fail(w, r, http.StatusInternalServerError, "The session could not be started.")
		return
	}
	u.sm.Put(r.Context(), sessionUser, usr.Name)
	u.sm.Put(r.Context(), sessionVersion, usr.UpdatedAt.UnixNano())
	u.log.Info("login", "user", usr.Name, "role", usr.Role, "remote", clientIP(r))
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

// checkPassword runs at most maxHashing password checks at once: each argon2id check holds
// its memory (19 MiB), so a flood of logins queues instead of exhausting the machine.
func (u *UI) checkPassword(ctx context.Context, name, pw string) (user.User, error) {
	select {
	case u.hashing <- struct{}{}:
		defer func() { <-u.hashing }()
	case <-ctx.Done():
		return user.User{}, ctx.Err()
	}
	return u.deps.Users.Authenticate(ctx, name, pw)
}

func (u *UI) logout(w http.ResponseWriter, r *http.Request) {
	if err := u.sm.Destroy(r.Context()); err != nil {
		u.log.Error("logout", "err", err)
	}
	http.Redirect(w, r, "/ui/login", http.StatusSeeOther)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limiter counts failed logins per key (client address, user name) in a sliding window.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	fails  map[string][]time.Time
}

// maxKeys bounds the limiter's memory under a flood of made-up names.
const maxKeys = 10000

func newLimiter(max int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{max: max, window: window, now: now, fails: map[string][]time.Time{}}
}

// blocked returns how long the longest-blocked key must still wait; 0 when none is.
func (l *limiter) blocked(keys ...string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now, wait := l.now(), time.Duration(0)
	for _, k := range keys {
		ts := l.recent(k, now)
		if len(ts) >= l.max {
			wait = max(wait, ts[0].Add(l.window).Sub(now))
		}
	}
	return wait
}

func (l *limiter) fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.fails) >= maxKeys {
		for k := range l.fails {
			if len(l.recent(k, now)) == 0 {
				delete(l.fails, k)
			}
		}
	}
	for _, k := range keys {
		l.fails[k] = append(l.recent(k, now), now)
	}
}

// recent drops failures older than the window; the caller holds mu.
func (l *limiter) recent(k string, now time.Time) []time.Time {
	ts := l.fails[k]
	i := 0
	for i < len(ts) && !ts[i].After(now.Add(-l.window)) {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, k)
		return nil
	}
	l.fails[k] = ts
	return ts
}
