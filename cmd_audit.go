package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"monit-intel/logs/redact"
	"strings"
	"time"

	"monit-intel/act"
	"monit-intel/bolt"
	"monit-intel/engine"
	"monit-intel/engine/approve"
	"monit-intel/engine/config"
	"monit-intel/engine/monit"
	"monit-intel/sqliteexport"
)

// actOptions builds the one act.Options that both validation and the runner use (the runner
// refuses any command its own options would not have built). Actions reach Monit the way
// its status is read: src's transport (socket, TLS trust), and unix://PATH for a socket
// given as a bare path.
func actOptions(cfg config.Config, src *monit.Client) act.Options {
	opts := act.Options{Sudo: cfg.Actions.Sudo, Timeout: cfg.Actions.Timeout.D(), MonitControlFile: cfg.Actions.Monitrc,
		MonitURL: cfg.Monit.URL, MonitUser: cfg.Monit.Username, MonitPassword: cfg.Monit.Password}
	if src == nil { // a fleet that only pushes: the local Monit is reached through its CLI
		return opts
	}
	opts.MonitTransport = src.Transport()
	if strings.HasPrefix(src.Source(), "unix://") {
		opts.MonitURL = src.Source()
	}
	return opts
}

// newFlow wires the approval flow: targets are each host's services on the board; this
// machine's host (local names it: the host of the first poll target) also has the units mapped
// in the configuration, and another host's Monit is reached through its hosts: entry.
func newFlow(cfg config.Config, props approve.Proposals, audit approve.Audit, red *redact.Redactor, board *engine.Board,
	src *monit.Client, local func() string, monitID func(host string) string, e *env) (*approve.Flow, error) {
	opts := actOptions(cfg, src)
	remote, err := remoteHosts(cfg, e.logger)
	if err != nil {
		return nil, err
	}
	var simulate string
	switch {
	case cfg.Monit.Replay.Timeline != "":
		// The watched "server" is a recording (the demo): the host's own Monit and systemd
		// are not it, so no action may reach them.
		simulate = fmt.Sprintf("Monit is a recording replayed from %s, not this host's", cfg.Monit.Replay.Timeline)
	case cfg.Monit.FromFile():
		// The same for a saved document.
		simulate = fmt.Sprintf("Monit is read from the file %s, not from this host", cfg.Monit.URL)
	}
	hosts := approve.Hosts{Local: local, Of: board.HostsOf, Known: board.Hosts, Remote: remote, MonitID: monitID}
	return approve.New(props, audit, actionTargets(cfg, board, local), act.NewRunner(opts), approve.Options{
		Act: opts, Hosts: hosts, ExpireIn: cfg.Actions.ExpireIn.D(), Simulate: simulate, Redactor: red, Logger: e.logger}), nil
}

// remoteHosts builds the act options and runner of each hosts: entry: its URL and
// credentials, and the transport a Monit client builds for it (its TLS trust). Credentials
// Monit sends in its pushes are not among them: only the configuration's. The client also
// reads the status there, which confirms that the Monit at the URL is the host's before an
// action is proposed or runs.
func remoteHosts(cfg config.Config, logger *slog.Logger) (map[string]approve.Remote, error) {
	remote := make(map[string]approve.Remote, len(cfg.Hosts))
	for name, h := range cfg.Hosts {
		client, err := monit.New(h.MonitOptions())
		if err != nil {
			return nil, fmt.Errorf("hosts.%s: %w", name, err)
		}
		if h.TLS.InsecureSkipVerify {
			logger.Warn("hosts."+name+".tls.insecure_skip_verify is on: the Monit's certificate is not checked, so anyone "+
				"between here and it can read the credentials actions send; set hosts."+name+".tls.ca_file instead",
				"component", "approve", "host", name, "monit", client.Source())
		}
		opts := act.Options{Timeout: cfg.Actions.Timeout.D(), MonitURL: h.URL, MonitUser: h.Username, MonitPassword: h.Password,
			MonitTransport: client.Transport(), MonitRemote: true, MonitHost: name}
		remote[name] = approve.Remote{Act: opts, Runner: act.NewRunner(opts), Status: client}
	}
	return remote, nil
}

// actionTargets is what actions may name on a host now: its services on the board, and for
// this machine's host (local names it) the units mapped in the configuration. Another host's
// targets are marked remote: only Monit actions reach it.
func actionTargets(cfg config.Config, board *engine.Board, local func() string) approve.Targets {
	return func(_ context.Context, host string) (act.Targets, error) {
		t := act.Targets{Services: map[string]bool{}, Host: host, Remote: host != local()}
		if !t.Remote {
			t.Units = cfg.Actions.Units
		}
		for _, c := range board.ServicesOn(host) {
			t.Services[c.Snapshot.Name] = true
		}
		return t, nil
	}
}

func cmdAudit(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "audit", args)
	cfgPath := fs.String("config", "", "configuration file (default $MONIT_INTEL_CONFIG)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "verify" {
		return fmt.Errorf("%w: the only audit command is `verify`", errUsage)
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return err
	}
	// Without a key (a database the daemon has not started on since the keyed chain) the rows
	// are the SHA-256 chain of before, checked as such; a keyed row then fails with the reason.
	key, _, err := sqliteexport.LoadAuditKey(cfg.DataDir, false)
	if err != nil && !errors.Is(err, sqliteexport.ErrNoAuditKey) {
		return err
	}
	db, err := sqliteexport.Open(ctx, cfg.DataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	db.UseAuditKey(key)
	head, headNote, err := readAuditHead(cfg.DataDir)
	if err != nil {
		return err
	}
	start := time.Now()
	rep, err := db.VerifyAudit(ctx, head)
	var chain *sqliteexport.ChainError
	if errors.As(err, &chain) {
		return fmt.Errorf("%w (%d rows checked)", err, rep.Rows)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "action audit log intact: %d rows (%d keyed, HMAC-SHA256), chain verified in %s; %s\n",
		rep.Rows, rep.KeyedRows, time.Since(start).Round(time.Millisecond), headNote(rep))
	if key == nil {
		fmt.Fprintf(e.stdout, "no %s yet: the daemon makes it at its first start; until then the chain is unkeyed SHA-256\n",
			sqliteexport.AuditKeyFile)
	}
	return nil
}

// readAuditHead reads the audit head from the state file. When the daemon holds the file the
// head is not read (nil), and the note says the log's end was checked against SQLite only.
func readAuditHead(dataDir string) (*engine.AuditHead, func(sqliteexport.AuditReport) string, error) {
	st, err := bolt.Open(dataDir, 500*time.Millisecond)
	if errors.Is(err, bolt.ErrLocked) {
		return nil, func(sqliteexport.AuditReport) string {
			return "end of the log not checked against the head (the daemon holds state.db; it checks it at start)"
		}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	defer st.Close()
	h, ok, err := st.AuditHead(context.Background())
	if err != nil || !ok {
		return nil, func(sqliteexport.AuditReport) string { return "no head stored yet (the daemon records it at start)" }, err
	}
	return &h, func(rep sqliteexport.AuditReport) string {
		if rep.HeadBehind > 0 {
			return fmt.Sprintf("the head is %d rows behind (rows past it carry valid MACs; the daemon updates it at start)", rep.HeadBehind)
		}
		return fmt.Sprintf("its end matches the head kept in state.db (row %d)", h.LastID)
	}, nil
}
