package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"monit-intel/bolt"
	"monit-intel/engine/config"
	"monit-intel/engine/user"
	"monit-intel/rest/client"
)

// userAdmin is where `monit-intel user` keeps users: the state file itself, or the daemon's
// API when the daemon holds the file (bbolt allows one process).
type userAdmin interface {
	put(ctx context.Context, name string, role user.Role, password string, create bool) error
	del(ctx context.Context, name string) error
	list(ctx context.Context) ([]userRow, error)
	Close() error
}

type userRow struct {
	name, role string
	updated    time.Time
}

func cmdUser(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "user", args)
	cfgPath := fs.String("config", "", "configuration file (default $MONIT_INTEL_CONFIG)")
	daemonURL := fs.String("url", "", "the daemon's API, used when it holds the state file (default http://LISTEN from the config)")
	roleFlag := fs.String("role", "", "viewer (reads) or operator (also approves); add defaults to viewer")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return fmt.Errorf("%w: say add, passwd, del or list", errUsage)
	}
	verb, names := pos[0], pos[1:]
	if want := map[string]int{"add": 1, "passwd": 1, "del": 1, "list": 0}; want[verb] != len(names) || (verb != "list" && len(names) == 0) {
		if _, known := want[verb]; !known {
			return fmt.Errorf("%w: unknown user command %q", errUsage, verb)
		}
		return fmt.Errorf("%w: %s takes %s", errUsage, verb, map[bool]string{true: "no name", false: "one NAME"}[verb == "list"])
	}
	var role user.Role
	if *roleFlag != "" {
		if role, err = user.ParseRole(*roleFlag); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return err
	}
	base := *daemonURL
	if base == "" {
		base = "http://" + strings.Replace(cfg.Listen, "0.0.0.0", "127.0.0.1", 1)
	}
	admin, err := openUserAdmin(ctx, e, cfg, base)
	if err != nil {
		return err
	}
	defer admin.Close()
	switch verb {
	case "list":
		return listUsers(ctx, e.stdout, admin)
	case "del":
		if err := admin.del(ctx, names[0]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "deleted %s\n", names[0])
		return nil
	}
	if verb == "add" && role == "" {
		role = user.RoleViewer
	}
	pw, err := readPassword(e, names[0])
	if err != nil {
		return err
	}
	if err := admin.put(ctx, names[0], role, pw, verb == "add"); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s %s\n", map[bool]string{true: "added", false: "changed"}[verb == "add"], names[0])
	return nil
}

func listUsers(ctx context.Context, w io.Writer, admin userAdmin) error {
	rows, err := admin.list(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tCHANGED")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.name, r.role, r.updated.UTC().Format(time.RFC3339))
	}
	return tw.Flush()
}

// readPassword asks twice on a terminal (without echo), or reads one line from a pipe.
func readPassword(e *env, name string) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(e.stderr, "password for %s: ", name)
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
		fmt.Fprint(e.stderr, "again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
		if string(a) != string(b) {
			return "", errors.New("the two passwords differ")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(io.LimitReader(e.stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on standard input (give one line, or run on a terminal)")
	}
	return line, nil
}

// openUserAdmin opens the state file, or, when the daemon holds it, uses the daemon's API.
func openUserAdmin(ctx context.Context, e *env, cfg config.Config, daemonURL string) (userAdmin, error) {
	st, err := bolt.Open(cfg.DataDir, time.Second)
	if err == nil {
		return &localUsers{st: st, acc: user.NewAccounts(st, user.Params{}, nil)}, nil
	}
	if !errors.Is(err, bolt.ErrLocked) {
		return nil, err
	}
	token, terr := clientToken(cfg)
	if terr != nil {
		return nil, fmt.Errorf("%w; and %w", err, terr)
	}
	c, cerr := client.New(daemonURL, token)
	if cerr != nil {
		return nil, cerr
	}
	if perr := c.Ping(ctx); perr != nil {
		return nil, fmt.Errorf("%w; and the daemon's API does not answer: %w", err, perr)
	}
	e.logger.Debug("the daemon holds the state file; going through its API", "url", daemonURL)
	return remoteUsers{c: c}, nil
}

type localUsers struct {
	st  *bolt.Store
	acc *user.Accounts
}

func (l *localUsers) put(ctx context.Context, name string, role user.Role, pw string, create bool) error {
	if create {
		return l.acc.Add(ctx, name, role, pw)
	}
	return l.acc.Change(ctx, name, role, pw)
}

func (l *localUsers) del(ctx context.Context, name string) error { return l.acc.Delete(ctx, name) }

func (l *localUsers) list(ctx context.Context) ([]userRow, error) {
	us, err := l.acc.List(ctx)
	var rows []userRow
	for _, u := range us {
		rows = append(rows, userRow{u.Name, string(u.Role), u.UpdatedAt})
	}
	return rows, err
}

func (l *localUsers) Close() error { return l.st.Close() }

type remoteUsers struct{ c *client.Client }

func (r remoteUsers) put(ctx context.Context, name string, role user.Role, pw string, create bool) error {
	_, err := r.c.PutUser(ctx, name, string(role), pw, create)
	return err
}

func (r remoteUsers) del(ctx context.Context, name string) error { return r.c.DeleteUser(ctx, name) }

func (r remoteUsers) list(ctx context.Context) ([]userRow, error) {
	us, err := r.c.Users(ctx)
	var rows []userRow
	for _, u := range us {
		rows = append(rows, userRow{u.Name, u.Role, u.UpdatedAt})
	}
	return rows, err
}

func (remoteUsers) Close() error { return nil }
