// Command monit-intel watches a server through Monit, remembers its history, explains
// failures and lets a person talk to it ("Mother") and approve safe fixes.
//
// main only wires: it parses the command line, loads the configuration, opens the stores and
// hands them to the packages that do the work.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first signal starts an orderly shutdown; restoring the default handling makes
		// a second one end the process at once.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// command is one sub-command.
type command struct {
	name, args, summary string
	run                 func(ctx context.Context, e *env, args []string) error
}

// env is what every command gets from main: its streams, the environment and a logger.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	logger         *slog.Logger
}

func commands() []command {
	return []command{
		{"serve", "[--config F] [--listen ADDR]", "run the daemon: scheduled ingest, analysis and the REST API", cmdServe},
		{"ingest", "[--config F] [--no-analyze]", "run one ingest cycle and exit", cmdIngest},
		{"logs", "SERVICE [-n N] [--config F]", "print a service's log lines from the registry", cmdLogs},
		{"repl", "[--url URL] [--session NAME] [--dry-run] [--config F]", "talk to Mother (needs a running daemon)", cmdRepl},
		{"audit", "verify [--config F]", "check the action audit log's hash chain", cmdAudit},
		{"user", "add|passwd|del|list [NAME] [--role viewer|operator] [--config F] [--url URL]", "manage the web UI's users (password from the terminal or one line of stdin)", cmdUser},
		{"version", "", "print the version", cmdVersion},
		{"install", "[--user NAME] [--config FILE] [--binary PATH] [--root DIR] [--dry-run]", "write the systemd unit, env file, sample config and polkit/sudoers rule", cmdInstall},
		{"uninstall", "[--user NAME] [--root DIR] [--dry-run]", "remove what install wrote, keeping edited files", cmdUninstall},
	}
}

// errUsage marks an error the user fixes by reading the usage text.
var errUsage = errors.New("usage")

// errBadFlag marks a flag the flag package refused; it has printed the error and the usage.
var errBadFlag = errors.New("bad flag")

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv,
		logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel(getenv("MONIT_INTEL_LOG_LEVEL"))}))}
	if len(args) > 1 && args[0] == "help" {
		// `monit-intel help CMD` is `monit-intel CMD --help`.
		args = []string{args[1], "--help"}
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errBadFlag):
			return 2
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "monit-intel %s: %v\nusage: monit-intel %s %s\n", c.name, err, c.name, c.args)
			return 2
		default:
			fmt.Fprintf(stderr, "monit-intel %s: %v\n", c.name, oneLine(err))
			return 1
		}
	}
	fmt.Fprintf(stderr, "monit-intel: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func cmdVersion(_ context.Context, e *env, args []string) error {
	if err := parseNoArgs(newFlags(e, "version", args), args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "monit-intel", version)
	return nil
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "monit-intel: Monit history, failure analysis and Mother, in one binary.")
	fmt.Fprintln(w, "\nUsage: monit-intel COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\n`monit-intel COMMAND --help` shows a command's flags. The configuration file comes from")
	fmt.Fprintln(w, "--config or MONIT_INTEL_CONFIG; MONIT_URL, MONIT_USER, MONIT_PASSWORD and MONIT_INTEL_TOKEN")
	fmt.Fprintln(w, "override it.")
}

func logLevel(s string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return slog.LevelInfo
	}
	return l
}

// oneLine keeps a multi-line error (several config problems) readable on one line each.
func oneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

// newFlags returns the flag set of the command name, to parse args. Its usage (the command's
// line in commands, its summary and its flags) goes to stdout when args ask for it with -h or
// --help, and to stderr after a bad flag.
func newFlags(e *env, name string, args []string) *flag.FlagSet {
	var c command
	for _, c = range commands() {
		if c.name == name {
			break
		}
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	askedForHelp(e, fs, args)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "usage: monit-intel %s\n\n%s.\n", strings.TrimSpace(name+" "+c.args), c.summary)
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintln(w, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// askedForHelp points fs's output at stdout when args ask for the usage: it is then the
// answer, not an error.
func askedForHelp(e *env, fs *flag.FlagSet, args []string) {
	for _, a := range args {
		switch a {
		case "--":
			return
		case "-h", "-help", "--help":
			fs.SetOutput(e.stdout)
			return
		}
	}
}

// parseInterleaved parses flags that may come before or after positional arguments
// (`monit-intel logs nordvpn_status -n 20 --config F`), which flag.Parse alone does not.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			return nil, err
		} else if err != nil {
			return nil, fmt.Errorf("%w: %w", errBadFlag, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}
