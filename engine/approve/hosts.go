package approve

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"monit-intel/act"
	"monit-intel/engine"
)

// Hosts says where actions go. Its zero value is one host, this machine's: proposals then
// name no host and every action runs here.
type Hosts struct {
	// Local returns the host whose Monit, systemd and journal are this machine's (the host
	// of the first poll target); "" while none is known.
	Local func() string
	// Of returns the hosts that have a service of that name, sorted (engine.Board.HostsOf).
	Of func(service string) []string
	// Known returns every host on the board, sorted (engine.Board.Hosts).
	Known func() []string
	// Remote are the other hosts whose Monit actions may reach (the hosts: entries), by name.
	Remote map[string]Remote
	// MonitID returns the Monit id the fleet knows for a host from its pushes; "" when it
	// knows none (a polled host, or one not heard yet): its localhostname alone is checked.
	MonitID func(host string) string
}

// Remote is another host's Monit: the act options that reach it (its URL, credentials and
// transport, with MonitRemote and MonitHost set), a Runner built with them, and the status
// of the Monit at that URL, read to confirm it is the host's before anything is proposed or
// run there.
type Remote struct {
	Act    act.Options
	Runner Runner
	Status StatusReader
}

// place is where a resolved action runs.
type place struct {
	host   string
	runner Runner
}

// resolve finds the host of a, reads its targets and resolves the command there; on another
// host, it confirms that the Monit reached is that host's. Its errors wrap act.ErrRefused,
// except when the targets cannot be read.
func (f *Flow) resolve(ctx context.Context, a engine.SuggestedAction) (act.Command, place, error) {
	cmd, host, r, err := f.command(ctx, a)
	at := place{host: host, runner: f.runner}
	if r == nil {
		return cmd, at, err
	}
	if err == nil {
		// A Monit that answers as another host is refused now; one that cannot be read now
		// may be proposed: the runner confirms it again right before anything runs.
		if cerr := f.confirm(ctx, host, *r); errors.Is(cerr, act.ErrRefused) {
			err = cerr
		}
	}
	at.runner = confirming{f: f, host: host, r: *r}
	return cmd, at, err
}

// Preview resolves an action as Propose would, stores nothing and reads no other host's
// Monit: the command a page offers, with how it will run ("(gamma's Monit HTTP interface,
// URL)" on another host). Its errors wrap act.ErrRefused and say why, except when the
// targets cannot be read.
func (f *Flow) Preview(ctx context.Context, a engine.SuggestedAction) (act.Command, error) {
	cmd, _, _, err := f.command(ctx, a)
	return cmd, err
}

// command finds the host of a and resolves the command there, with the options of that
// host's Monit; r is that Monit when the host is another one (nil for this machine).
func (f *Flow) command(ctx context.Context, a engine.SuggestedAction) (cmd act.Command, host string, r *Remote, err error) {
	if host, err = f.locate(a); err != nil {
		return act.Command{}, a.Host, nil, err
	}
	t, err := f.targets(ctx, host)
	if err != nil {
		return act.Command{}, host, nil, fmt.Errorf("read targets: %w", err)
	}
	h := f.opts.Hosts
	if h.Local == nil || host == h.Local() {
		cmd, err = act.Resolve(a.Action, a.Service, t, f.opts.Act)
		return cmd, host, nil, err
	}
	t.Host, t.Remote = host, true
	remote, ok := h.Remote[host]
	opts := remote.Act
	if !ok {
		opts = act.Options{MonitRemote: true, MonitHost: host}
	}
	cmd, err = act.Resolve(a.Action, a.Service, t, opts) // a local-only action says so first
	if err == nil && !ok {
		err = fmt.Errorf("%w: no hosts.%s entry: monit-intel has no credentials for %s's Monit", act.ErrRefused, show(host), show(host))
	}
	return cmd, host, &remote, err
}

// locate returns the host an action is for: the one it names, which must be on the board, or
// else the one host that has the service. A service on several hosts needs the host named; a
// service on none is looked for on this machine (act refuses it there, or maps a unit).
func (f *Flow) locate(a engine.SuggestedAction) (string, error) {
	h := f.opts.Hosts
	if h.Local == nil {
		if a.Host != "" {
			return "", fmt.Errorf("%w: unknown host %s: actions reach this machine's Monit only", act.ErrRefused, show(a.Host))
		}
		return "", nil
	}
	if a.Host != "" {
		if known := h.Known(); a.Host != h.Local() && !slices.Contains(known, a.Host) {
			return "", fmt.Errorf("%w: unknown host %s (the hosts are: %s)", act.ErrRefused, show(a.Host), showList(known))
		}
		return a.Host, nil
	}
	on := h.Of(a.Service)
	switch len(on) {
	case 0:
		return h.Local(), nil
	case 1:
		return on[0], nil
	}
	return "", fmt.Errorf("%w: service %s is on several hosts (%s): name the host", act.ErrRefused, show(a.Service), showList(on))
}

// show renders a name from outside (a host or service name Monit reported) for a message:
// as it is when it is plain, else quoted with its control characters escaped, and clipped.
func show(s string) string {
	s = clip(s)
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r == ' ' || r == '"' || !unicode.IsPrint(r) }) {
		return s
	}
	return strconv.Quote(s)
}

func showList(names []string) string {
	if len(names) == 0 {
		return "none yet"
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = show(n)
	}
	return strings.Join(out, ", ")
}
