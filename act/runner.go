package act

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"
)

// ErrTimeout is wrapped when a run is stopped because Options.Timeout passed.
var ErrTimeout = errors.New("action timed out")

// ExitError reports a command that ran and exited non-zero. Result.ExitCode has the same code.
type ExitError struct {
	Argv []string
	Code int
}

func (e *ExitError) Error() string {
	return fmt.Sprintf("%s exited with status %d", display(e.Argv), e.Code)
}

// Result is what one run produced.
type Result struct {
	ExitCode  int    // 0 on success; -1 when there is no exit code (killed, HTTP error, not started)
	Output    string // stdout and stderr interleaved, capped at Options.MaxOutput
	Truncated bool   // Output was cut; Output ends with a note saying so
	Duration  time.Duration
	Via       string // "exec", "monit-http" or "monit-cli"
}

// Via values.
const (
	ViaExec      = "exec"
	ViaMonitHTTP = "monit-http"
	ViaMonitCLI  = "monit-cli"
)

// Runner runs resolved Commands. It is safe for concurrent use.
type Runner struct {
	opts Options
	// http talks to Monit with RoundTrip, not an http.Client: Monit answers an accepted
	// action with 302 and a Location holding the decoded path, which a client would follow
	// (turning the POST into a GET that can fail) or fail to parse (a name with '%').
	http http.RoundTripper
}

// NewRunner returns a Runner. Zero fields of opts take their defaults.
func NewRunner(opts Options) *Runner {
	if opts.MonitTransport != nil {
		return &Runner{opts: opts.withDefaults(), http: opts.MonitTransport}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// Monit is local; never send its credentials through a proxy from the environment.
	tr.Proxy = nil
	return &Runner{opts: opts.withDefaults(), http: tr}
}

// Run checks c again (whitelist, names, and that its Argv is exactly what Resolve would build
// with the Runner's options) and runs it within Options.Timeout.
//
// The error is nil only when the action succeeded: it wraps ErrRefused when c was refused
// (nothing ran), ErrTimeout when the run was stopped, is an *ExitError for a non-zero exit
// and an *HTTPError when Monit rejected the action. Except after a refusal, the Result is
// filled in whatever happened, for the audit log.
func (r *Runner) Run(ctx context.Context, c Command) (Result, error) {
	sp, err := r.check(c)
	if err != nil {
		return Result{ExitCode: -1}, err
	}
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	if sp.kind == kindMonit {
		return r.runMonit(ctx, sp.verb, c)
	}
	return r.exec(ctx, c.Argv, ViaExec)
}

// check is the defence in depth behind Resolve: a Command built by hand must name a
// whitelisted action, carry names that pass the checks, and have the argv Resolve builds.
func (r *Runner) check(c Command) (spec, error) {
	sp, ok := lookup(c.Action)
	if !ok {
		return spec{}, fmt.Errorf("%w: unknown action %s", ErrRefused, quote(string(c.Action)))
	}
	switch sp.kind {
	case kindMonit:
		if err := checkService(c.Service); err != nil {
			return spec{}, err
		}
	case kindSystemctl, kindJournal:
		if err := CheckUnit(c.Unit); err != nil {
			return spec{}, err
		}
		if c.Service != "" {
			if err := checkService(c.Service); err != nil {
				return spec{}, err
			}
		}
	}
	if want := argv(sp, c, r.opts); !slices.Equal(c.Argv, want) {
		return spec{}, fmt.Errorf("%w: argv %s does not match the whitelist template %s",
			ErrRefused, quote(display(c.Argv)), display(want))
	}
	return sp, nil
}

// exec runs argv without a shell, in its own process group so a timeout kills the children
// too, with stdout and stderr captured together.
func (r *Runner) exec(ctx context.Context, argv []string, via string) (Result, error) {
	start := time.Now()
	out := newCapWriter(r.opts.MaxOutput)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		if errors.Is(err, syscall.ESRCH) {
			return os.ErrProcessDone
		}
		return err
	}
	// A child that escaped the process group could hold the pipes open; stop waiting for it.
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	res := Result{ExitCode: -1, Duration: time.Since(start), Via: via}
	res.Output, res.Truncated = out.result()
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return res, nil
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return res, fmt.Errorf("%s: %w after %s", display(argv), ErrTimeout, r.opts.Timeout)
	case ctx.Err() != nil:
		return res, fmt.Errorf("%s: %w", display(argv), ctx.Err())
	case errors.As(err, &exitErr) && res.ExitCode >= 0:
		return res, &ExitError{Argv: argv, Code: res.ExitCode}
	}
	return res, fmt.Errorf("run %s: %w", display(argv), err)
}
