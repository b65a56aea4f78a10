package ui

import (
	"context"
	"errors"
	"net/http"

	"monit-intel/act"
	"monit-intel/engine"
	enginefleet "monit-intel/engine/fleet"
	"monit-intel/logs"
)

type serviceData struct {
	Row      row
	Figures  []figure // all of them; the row keeps three
	Snap     engine.Snapshot
	Pending  string
	Ports    []engine.PortCheck
	Range    string
	Ranges   any
	Chart    string
	Points   int
	Events   []engine.Event
	Analyses []engine.Analysis
	Logs     logs.Result
	LogsErr  string
	Actions  []offer
	Problems []string // parts of the page that could not be read
	// Stale is set when the service's host is STALE: the page shows its last report.
	Stale *enginefleet.Host
}

func (u *UI) service(w http.ResponseWriter, r *http.Request, _ Principal) {
	name := r.PathValue("name")
	c, ok := u.lookup(w, r, name)
	if !ok {
		return
	}
	host, ctx := c.Snapshot.Host, r.Context()
	d := serviceData{Row: toRow(c), Figures: figures(c.Snapshot), Snap: c.Snapshot, Pending: c.Snapshot.PendingAction.String(),
		Ports: c.Snapshot.Ports, Range: "24h", Ranges: ranges}
	span := ranges[0].Span
	for _, rg := range ranges {
		if rg.Key == r.URL.Query().Get("range") {
			d.Range, span = rg.Key, rg.Span
		}
	}
	snaps, err := u.deps.History.SeriesOn(ctx, host, name, u.opts.Now().Add(-span), 100000)
	if err != nil {
		d.Problems = append(d.Problems, "figures: "+err.Error())
	}
	d.Chart, d.Points = chart(snaps), len(snaps)
	if d.Events, err = u.deps.History.EventsOn(ctx, host, name, 50); err != nil {
		d.Problems = append(d.Problems, "events: "+err.Error())
	}
	if d.Analyses, err = u.deps.History.AnalysesOn(ctx, host, name, 5); err != nil {
		d.Problems = append(d.Problems, "analyses: "+err.Error())
	}
	if h, ok := u.staleHosts()[host]; ok {
		d.Stale = &h
	}
	if err := u.logsHere(host, name); err != nil {
		d.LogsErr = err.Error()
	} else if u.deps.Logs != nil {
		if d.Logs, err = u.deps.Logs.Read(ctx, name, 50); err != nil {
			d.LogsErr = err.Error()
		}
	}
	d.Actions = u.applicable(ctx, c.Snapshot.Host, name)
	u.render(w, r, http.StatusOK, "service", name, d)
}

// lookup finds the service of a page: on the host its ?host= names, or on the only host that
// has it. A name several hosts have, without a host, gets a page that lets the person choose
// (409); an unknown one a 404. ok is false when the page has been written.
func (u *UI) lookup(w http.ResponseWriter, r *http.Request, name string) (engine.Classified, bool) {
	host := r.URL.Query().Get("host")
	hosts := []string{host}
	if host == "" {
		hosts = u.deps.Board.HostsOf(name)
	}
	if host != "" {
		if msg := u.unknownHost(host); msg != "" {
			u.fail(w, r, http.StatusNotFound, msg)
			return engine.Classified{}, false
		}
	}
	if len(hosts) > 1 {
		u.render(w, r, http.StatusConflict, "choosehost", name, choice{Name: name, Hosts: hosts, Range: r.URL.Query().Get("range")})
		return engine.Classified{}, false
	}
	if len(hosts) == 1 {
		if c, err := u.deps.Board.ServiceOn(hosts[0], name); err == nil {
			return c, true
		}
	}
	msg := "Monit reports no service called “" + name + "”"
	if host != "" {
		msg += " on " + host
	}
	u.fail(w, r, http.StatusNotFound, msg+".")
	return engine.Classified{}, false
}

// choice is the page that asks which host's service to show.
type choice struct {
	Name, Range string
	Hosts       []string
}

// offer is an action a service's page offers: the command as the approval flow resolves it
// (with how it runs), or why the flow refuses it there.
type offer struct {
	act.Command
	Refused string
}

// applicable lists the whitelisted actions that apply to the service now, each as the
// approval flow would propose it: another host's Monit action shows the interface it goes
// through, or why it is refused (no hosts: entry).
func (u *UI) applicable(ctx context.Context, host, service string) []offer {
	if u.deps.Actions == nil || u.deps.Targets == nil {
		return nil
	}
	t, err := u.deps.Targets(ctx, host)
	if err != nil {
		return nil
	}
	var out []offer
	for _, n := range act.Names() {
		c, err := act.Resolve(string(n), service, t, act.Options{})
		if err != nil {
			continue
		}
		o := offer{Command: c}
		if o.Command, err = u.deps.Actions.Preview(ctx, engine.SuggestedAction{Action: string(n), Host: host, Service: service}); err != nil {
			o.Command, o.Refused = c, err.Error()
		}
		out = append(out, o)
	}
	return out
}

// propose stores a pending proposal for the action a person chose on a service's page and
// sends them to the approvals.
func (u *UI) propose(w http.ResponseWriter, r *http.Request, p Principal) {
	if u.deps.Actions == nil {
		u.fail(w, r, http.StatusServiceUnavailable, "Actions are not configured.")
		return
	}
	name := r.PathValue("name")
	// The host is the one the page showed; the flow refuses one the board does not have.
	asked := engine.SuggestedAction{Action: r.PostFormValue("action"), Host: r.PostFormValue("host"), Service: name}
	prop, err := u.deps.Actions.Propose(r.Context(), asked, engine.SourceUser, proposer(p))
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, act.ErrRefused) {
			status = http.StatusUnprocessableEntity
		}
		u.fail(w, r, status, err.Error())
		return
	}
	http.Redirect(w, r, "/ui/approvals/"+prop.ID, http.StatusSeeOther)
}

// proposer names the person in the proposal and so in its audit rows.
func proposer(p Principal) string { return "web user " + p.Name }
