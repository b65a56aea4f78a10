package approve

import (
	"context"
	"fmt"

	"monit-intel/act"
	"monit-intel/engine"
)

// StatusReader reads the status of the Monit at a hosts: entry's URL (*monit.Client): who
// answers there, by its Monit id and its localhostname.
type StatusReader interface {
	Fetch(ctx context.Context) (engine.Status, error)
	// Source is the URL read, without credentials.
	Source() string
}

// confirm checks that the Monit at a hosts: entry's URL is host's: its localhostname is
// host and, when the fleet knows host's Monit id (from its pushes), its id is that one. The
// configuration chose the URL; what the Monit says only verifies it, never chooses a target.
// A mismatch wraps act.ErrRefused and names both; a Monit that cannot be read is another
// error (nothing was run either).
func (f *Flow) confirm(ctx context.Context, host string, r Remote) error {
	if r.Status == nil {
		return fmt.Errorf("%w: hosts.%s: there is no way to read its Monit's status, so monit-intel cannot confirm "+
			"that it is %s's: nothing was run", act.ErrRefused, show(host), show(host))
	}
	st, err := r.Status.Fetch(ctx)
	if err != nil {
		return fmt.Errorf("host %s: cannot confirm that hosts.%s.url (%s) is %s's Monit: %w: nothing was run",
			quote(host), show(host), r.Status.Source(), show(host), err)
	}
	var want string
	if f.opts.Hosts.MonitID != nil {
		want = f.opts.Hosts.MonitID(host)
	}
	if st.Host == host && (want == "" || st.MonitID == want) {
		return nil
	}
	wantID := ""
	if want != "" {
		wantID = fmt.Sprintf(" (id %s)", show(want))
	}
	return fmt.Errorf("%w: hosts.%s.url (%s) answers as Monit %s (id %s), not %s%s: nothing was run",
		act.ErrRefused, show(host), r.Status.Source(), show(st.Host), show(st.MonitID), show(host), wantID)
}

// confirming runs a command on another host's Monit only after confirming, right before
// the run, that the Monit at its URL is still that host's.
type confirming struct {
	f    *Flow
	host string
	r    Remote
}

func (c confirming) Run(ctx context.Context, cmd act.Command) (act.Result, error) {
	if err := c.f.confirm(ctx, c.host, c.r); err != nil {
		return act.Result{ExitCode: -1, Via: act.ViaMonitHTTP, Output: err.Error()}, err
	}
	return c.r.Runner.Run(ctx, cmd)
}

func quote(s string) string { return fmt.Sprintf("%q", clip(s)) }
