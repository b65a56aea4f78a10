package ui

import (
	"bytes"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// page is what every template gets: the layout's parts and the page's own Data.
type page struct {
	Title      string
	Nav        string
	User       Principal
	LoggedIn   bool
	CanApprove bool
	Banners    []string
	Data       any
}

var funcs = template.FuncMap{
	"ago":    ago,
	"stamp":  stamp,
	"num":    num,
	"expiry": expiry,
	"deref":  func(p *int) int { return *p },
	"path":   url.PathEscape, // a service name is one path segment, whatever it holds ('#', '?', '/')
}

// ago words a duration since t for people: "3 min ago".
func ago(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

// expiry words the time left until t: "in 9 min", "expired".
func expiry(t time.Time) string {
	d := time.Until(t)
	switch {
	case d <= 0:
		return "expired"
	case d < time.Minute:
		return fmt.Sprintf("in %d s", int(d.Seconds()))
	}
	return fmt.Sprintf("in %d min", int(d.Minutes()))
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

func num(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// render writes a page with the layout. It renders into a buffer first so a template error
// becomes a plain 500 rather than half a page.
func (u *UI) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	p := page{Title: title, Nav: name, Data: data}
	if pr, ok := PrincipalFrom(r.Context()); ok {
		p.User, p.LoggedIn, p.CanApprove = pr, true, pr.Role.CanApprove()
		p.Banners = u.banners()
	}
	var buf bytes.Buffer
	if err := u.pages[name].Execute(&buf, p); err != nil {
		u.log.Error("render", "page", name, "err", err)
		http.Error(w, "the page could not be rendered; the error is in the daemon's log", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fail renders the error page with a plain message.
func (u *UI) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	u.render(w, r, status, "error", http.StatusText(status), msg)
}

// banners say what is degraded: a dependency down, the last cycle failed. Their words never
// include an error's text, which may hold a URL with credentials.
func (u *UI) banners() []string {
	var out []string
	if u.deps.Health != nil {
		for _, d := range u.deps.Health() {
			if d.OK {
				continue
			}
			switch d.Name {
			case "monit":
				out = append(out, "Monit is not answering: the figures below are from the last cycle that reached it.")
			case "ollama":
				out = append(out, "The model (Ollama) is not answering: analyses and Mother answer from the rules and the data alone.")
			default:
				out = append(out, d.Name+" is not answering.")
			}
		}
	}
	stale := u.staleHosts()
	for _, name := range slices.Sorted(maps.Keys(stale)) {
		out = append(out, staleBanner(stale[name]))
	}
	if c := u.deps.Board.LastCycle(); c.Err != "" {
		out = append(out, "The last ingest cycle failed ("+ago(c.At)+"); see the daemon's log.")
	}
	return out
}

// renderPart writes one named template of a page without the layout (the overview's rows,
// fetched by the script when a cycle lands).
func (u *UI) renderPart(w http.ResponseWriter, r *http.Request, name, part string, data any) {
	var buf bytes.Buffer
	if err := u.pages[name].ExecuteTemplate(&buf, part, page{Data: data}); err != nil {
		u.log.Error("render", "page", name, "part", part, "err", err)
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
