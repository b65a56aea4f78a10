package mother

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/rca"
)

// answer is what one intent gathered: the facts shown first, the data for the model, and what
// the model is asked to do.
type answer struct {
	facts string
	// modelFacts is the facts as the model sees them when they differ (the logs intent does
	// not repeat the lines its service block fences); "" means facts.
	modelFacts string
	sections   []section
	logs       []string
	services   []string
	proposed   []engine.SuggestedAction
	proposals  []engine.Proposal
	refused    []string
	// window is the window the answer covered, defaults applied; zero when none.
	window Window
	prose  bool
	task   string
}

// Bounds on what one answer shows.
const (
	maxServicesShown = 5   // services in one status or history answer
	defaultEvents    = 10  // history without a count
	maxEvents        = 100 // history with a count
	defaultLogLines  = 20  // logs shown without a count
	maxLogLines      = 200 // logs shown with a count
	maxChanges       = 50  // changes listed
	defaultChanges   = 24 * time.Hour
)

// gather fetches the data of the intent and renders its facts. Data errors become part of the
// facts: a store that fails hides only its own part of the answer.
func (tr *turnState) gather(ctx context.Context) answer {
	a := tr.gatherIntent(ctx)
	a.facts = tr.staleNote(tr.staleHosts(a)) + a.facts
	for _, part := range tr.in.Ignored {
		a.facts += fmt.Sprintf("Ignored %q: I never run commands; I only propose restart, start, stop, monitor or unmonitor of one service.\n", show(part))
	}
	return a
}

func (tr *turnState) gatherIntent(ctx context.Context) answer {
	in := tr.in
	switch in.Kind {
	case KindUnknown:
		return notUnderstood(tokenize(tr.message))
	case KindCannot:
		return cannot(tokenize(tr.message))
	case KindAudit:
		return tr.audit(ctx, in)
	case KindPending:
		return tr.pending(ctx)
	}
	if len(in.Services) == 0 && len(in.Unknown) > 0 && in.Kind != KindHelp {
		note := unknownNote(in.Unknown, names(tr.services))
		if in.Kind != KindStatus && in.Kind != KindChanges && in.Kind != KindFigures {
			return answer{facts: note}
		}
		a := tr.gatherKind(ctx, in)
		a.facts = note + a.facts
		return a
	}
	if len(in.Services) == 0 && len(in.Ambiguous) > 0 && in.Kind != KindStatus && in.Kind != KindFigures &&
		in.Kind != KindUptime {
		return answer{facts: fmt.Sprintf("Which service do you mean: %s?\n", orList(in.Ambiguous))}
	}
	return tr.gatherKind(ctx, in)
}

func (tr *turnState) gatherKind(ctx context.Context, in Intent) answer {
	switch in.Kind {
	case KindAction:
		return tr.action(ctx, in)
	case KindWhy:
		return tr.why(ctx, in)
	case KindLogs:
		return tr.logs(ctx, in)
	case KindHistory:
		return tr.history(ctx, in)
	case KindChanges:
		return tr.changes(ctx, in)
	case KindFigures:
		return tr.figures(ctx, in)
	case KindUptime:
		return tr.uptime(in)
	case KindHelp:
		return tr.help()
	}
	return tr.status(in)
}

// service returns the classified service of a name.
func (tr *turnState) service(name string) (engine.Classified, bool) {
	for _, c := range tr.services {
		if c.Snapshot.Name == name {
			return c, true
		}
	}
	return engine.Classified{}, false
}

// oneService picks the service a single-service intent is about: the first named, else the
// only failing one. The note says when it chose.
func (tr *turnState) oneService(in Intent) (engine.Classified, string, bool) {
	if len(in.Services) > 0 {
		c, ok := tr.service(in.Services[0])
		note := ""
		if len(in.Services) > 1 {
			note = fmt.Sprintf("One service at a time: about %s.\n", show(in.Services[0]))
		}
		return c, note, ok
	}
	var failing []engine.Classified
	for _, c := range tr.services {
		if c.Snapshot.Failing() {
			failing = append(failing, c)
		}
	}
	if len(failing) == 1 {
		return failing[0], fmt.Sprintf("About %s, the only failing service.\n", show(failing[0].Snapshot.Name)), true
	}
	return engine.Classified{}, "", false
}

// askService is the answer when a single-service intent names none.
func (tr *turnState) askService() answer {
	var failing []string
	for _, c := range tr.services {
		if c.Snapshot.Failing() {
			failing = append(failing, c.Snapshot.Name)
		}
	}
	facts := "Which service? Name one, e.g. \"why is <service> failing?\".\n"
	if len(failing) > 0 {
		facts += fmt.Sprintf("Failing now: %s.\n", strings.Join(showAll(failing), ", "))
	}
	return answer{facts: facts}
}

func (tr *turnState) status(in Intent) answer {
	if len(in.Services) == 0 && len(in.Ambiguous) == 0 {
		return answer{facts: overview(tr.services, tr.now, tr.fleet), prose: true,
			task: "Say in one to three sentences how the server is doing and what deserves attention first."}
	}
	var b strings.Builder
	named := append(append([]string(nil), in.Services...), in.Ambiguous...)
	var shown []string
	for _, n := range named[:min(len(named), maxServicesShown)] {
		if c, ok := tr.service(n); ok {
			b.WriteString(statusLine(c, tr.now, tr.fleet) + "\n")
			if now := figuresNow(c.Snapshot); now != "" {
				b.WriteString("  " + tr.nowLabel(c) + ": " + now + "\n")
			}
			shown = append(shown, n)
		}
	}
	return answer{facts: b.String(), services: shown, prose: true,
		task: "Say in one to three sentences what this status means for the operator."}
}

func (tr *turnState) history(ctx context.Context, in Intent) answer {
	count := defaultEvents
	if in.Count > 0 {
		count = min(in.Count, maxEvents)
	}
	w := in.Window
	if len(in.Services) == 0 {
		return tr.allHistory(ctx, count, w)
	}
	fetch := 4 * count
	if w.Said() {
		fetch = 4 * maxEvents
	}
	var b strings.Builder
	var shown []string
	for _, n := range in.Services[:min(len(in.Services), maxServicesShown)] {
		c, ok := tr.service(n)
		if !ok {
			continue
		}
		shown = append(shown, n)
		b.WriteString(statusLine(c, tr.now, tr.fleet) + "\n")
		events, err := tr.m.data.Events(ctx, c.Snapshot.Host, n, fetch)
		if err != nil {
			fmt.Fprintf(&b, "  (failure events unavailable: %s)\n", show(err.Error()))
			continue
		}
		writeFailures(&b, events, count, w, tr.now, labelNone)
	}
	return answer{facts: b.String(), services: shown, prose: true, window: w,
		task: "Say in one to three sentences what pattern these failures show: one-off, recurring, flapping or getting worse."}
}

// allHistory lists the last failures of every service, in the window when one was said.
func (tr *turnState) allHistory(ctx context.Context, count int, w Window) answer {
	var events []engine.Event
	var err error
	if w.Said() {
		events, err = tr.m.data.EventsSince(ctx, w.Since, 4*maxEvents)
	} else {
		events, err = tr.m.data.Events(ctx, tr.host, "", 4*count)
	}
	if err != nil {
		return answer{facts: fmt.Sprintf("Failure events unavailable: %s\n", show(err.Error()))}
	}
	events = tr.hostEvents(events)
	var b strings.Builder
	if tr.host != "" {
		fmt.Fprintf(&b, "All services on %s:\n", show(tr.host))
	} else {
		b.WriteString("All services:\n")
	}
	label := labelOf(events)
	if tr.fleet && tr.host == "" {
		label = labelHost // in a fleet a list of all services names each row's host
	}
	writeFailures(&b, events, count, w, tr.now, label)
	return answer{facts: b.String(), prose: true, window: w,
		task: "Say in one to three sentences which services fail most and whether failures cluster."}
}

// writeFailures lists the last count failures in the window. A failure is a NEW event: a
// CHANGED event is the same failure with another error and a recovery ends one, so neither
// is counted; the other kinds are listed apart.
func writeFailures(b *strings.Builder, events []engine.Event, count int, w Window, now time.Time, label eventLabel) {
	var fails []engine.Event
	for _, e := range events {
		if e.Kind == engine.StateNew && (!w.Said() || w.Contains(e.At)) && len(fails) < count {
			fails = append(fails, e)
		}
	}
	scope := ""
	if w.Said() {
		scope = " " + windowText(w, now)
	}
	if len(fails) == 0 {
		fmt.Fprintf(b, "  No failures recorded%s.\n", scope)
		return
	}
	fmt.Fprintf(b, "  Last %s%s, newest first:\n", plural(len(fails), "failure"), scope)
	for _, e := range fails {
		b.WriteString("    " + eventLine(e, now, label) + "\n")
	}
}

// windowText is "since 2026-11-24 00:00" for a window that runs to now, else "between
// 2026-11-24 02:00 and 2026-11-24 04:00".
func windowText(w Window, now time.Time) string {
	if w.Until.IsZero() || !w.Until.Before(now) {
		return "since " + stamp(w.Since, now)
	}
	return fmt.Sprintf("between %s and %s", stamp(w.Since, now), stamp(w.Until, now))
}

func (tr *turnState) changes(ctx context.Context, in Intent) answer {
	w := in.Window.orDefault(tr.now, defaultChanges)
	events, err := tr.m.data.EventsSince(ctx, w.Since, 4*maxChanges)
	if err != nil {
		return answer{facts: fmt.Sprintf("Failure events unavailable: %s\n", show(err.Error()))}
	}
	events = slices.DeleteFunc(tr.hostEvents(events), func(e engine.Event) bool {
		return !w.Contains(e.At) || (len(in.Services) > 0 && !slices.Contains(in.Services, e.Service))
	})
	more := len(events) > maxChanges
	events = events[:min(len(events), maxChanges)]
	var b strings.Builder
	if len(events) == 0 {
		fmt.Fprintf(&b, "Nothing changed %s: no failure events.\n", windowText(w, tr.now))
	} else {
		svcs, hosts := map[engine.ServiceKey]bool{}, map[string]bool{}
		for _, e := range events {
			svcs[engine.ServiceKey{Host: e.Host, Service: e.Service}], hosts[e.Host] = true, true
		}
		f, r := countKinds(events)
		fmt.Fprintf(&b, "%s: %s in %s (%s, %d recovered)", capitalise(windowText(w, tr.now)),
			plural(len(events), "event"), servicesText(len(svcs), len(hosts)), plural(f, "failure"), r)
		if more {
			fmt.Fprintf(&b, "; the newest %d", maxChanges)
		}
		b.WriteString(", newest first:\n")
		label := labelOf(events)
		if tr.fleet {
			label = labelHost // in a fleet each change names its host, also on one host
		}
		for _, e := range events {
			b.WriteString("  " + eventLine(e, tr.now, label) + "\n")
		}
	}
	return answer{facts: b.String(), services: in.Services, prose: len(events) > 0, window: w,
		task: "Summarise in one to three sentences what changed and what deserves attention."}
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (tr *turnState) help() answer {
	facts := helpText(len(tr.services), hostCount(tr.services))
	if tr.classified {
		// The model chose "help" for a message the rules could not read: it answers it.
		return answer{facts: "", modelFacts: overview(tr.services, tr.now, tr.fleet), prose: true,
			task: "Answer the operator's message briefly. If it is not about the monitored services, say what you can help with."}
	}
	return answer{facts: facts}
}

// Around a failure, the lines read for "why": from logBefore before it to logAfter after.
const (
	logBefore = 15 * time.Minute
	logAfter  = 5 * time.Minute
)

// serviceInput gathers what rca needs about one service: snapshot, recent events, and the log
// lines of w (all of the newest lines when w is zero). Lines that carry no time cannot be
// placed in a window: the newest are read then, and logNote says so.
func (tr *turnState) serviceInput(ctx context.Context, c engine.Classified, w Window) (rca.Input, string) {
	in := rca.Input{Snapshot: c.Snapshot}
	events, err := tr.m.data.Events(ctx, c.Snapshot.Host, c.Snapshot.Name, 5)
	if err == nil {
		in.Events = events
	}
	res, err := tr.logsOf(ctx, c, w)
	if err != nil {
		in.LogError = err.Error()
		return in, ""
	}
	in.Logs, in.LogSource = res.Lines, res.Source
	note := ""
	switch {
	case w.Said() && res.Untimed:
		note = fmt.Sprintf("The lines of %s carry no time: these are the newest, not those %s.\n", show(res.Source), windowText(w, tr.now))
	case w.Said() && len(res.Lines) == 0:
		note = fmt.Sprintf("No log lines of %s %s.\n", show(res.Source), windowText(w, tr.now))
	}
	return in, note
}

// failureWindow is the stretch of log around the failure a "why" is about: the current one,
// or the latest that started in the window asked for (else the latest of all).
func (tr *turnState) failureWindow(ctx context.Context, c engine.Classified, asked Window) (Window, time.Time) {
	at := time.Time{}
	if c.Snapshot.Failing() && !c.State.Since.IsZero() && (!asked.Said() || asked.Contains(c.State.Since)) {
		at = c.State.Since
	} else if events, err := tr.m.data.Events(ctx, c.Snapshot.Host, c.Snapshot.Name, 4*maxEvents); err == nil {
		for _, e := range events {
			if e.Kind == engine.StateNew && (!asked.Said() || asked.Contains(e.At)) {
				at = e.At
				break
			}
		}
	}
	if at.IsZero() {
		return asked, at
	}
	return Window{Since: at.Add(-logBefore), Until: minTime(at.Add(logAfter), tr.now)}, at
}
