package repl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"
)

// ErrCommandFailed is returned by Run in pipe mode when at least one line ended in an error.
// The errors themselves were already written to Options.Err, so main only needs a non-zero
// exit status.
var ErrCommandFailed = errors.New("a command failed")

// defaultSession is the chat session used when Options.Session is empty.
const defaultSession = "default"

// Run starts Mother. When both Options.In and Options.Out are terminals it runs the
// interactive prompt; otherwise it reads one message or slash command per line from In until
// EOF (pipe mode). It returns when the user leaves, input ends or ctx is cancelled.
func Run(ctx context.Context, b Backend, opts Options) error {
	if b == nil {
		return errors.New("repl: no backend")
	}
	opts = withDefaults(opts)
	inFD, inTTY := terminalFD(opts.In)
	_, outTTY := terminalFD(opts.Out)
	s := &session{
		b:      b,
		name:   opts.Session,
		dryRun: opts.DryRun,
		out:    &printer{w: opts.Out, color: inTTY && outTTY, now: opts.Now, loc: time.Local},
		errw:   opts.Err,
		con:    pipeConsole{},
		known:  newKnownNames(opts.Verbs),
		// A person can approve only where the prompt runs (both ends on a terminal).
		canApprove: inTTY && outTTY,
	}
	if !inTTY || !outTTY {
		return runPipe(ctx, s, opts.In)
	}
	return runTerminal(ctx, s, inFD, opts)
}

func withDefaults(o Options) Options {
	if o.In == nil {
		o.In = os.Stdin
	}
	if o.Out == nil {
		o.Out = os.Stdout
	}
	if o.Err == nil {
		o.Err = os.Stderr
	}
	if o.Session == "" {
		o.Session = defaultSession
	}
	if o.HistoryMax <= 0 {
		o.HistoryMax = defaultHistoryMax
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// terminalFD reports whether v is a file open on a terminal, and its descriptor.
func terminalFD(v any) (int, bool) {
	f, ok := v.(*os.File)
	if !ok {
		return -1, false
	}
	fd := int(f.Fd())
	return fd, term.IsTerminal(fd)
}

// runPipe reads one line at a time and answers it, without a prompt or colour. Lines are read
// in a goroutine so that a cancelled ctx ends Run even while the input blocks (a terminal
// with output redirected); that goroutine then ends at the next line or at EOF.
func runPipe(ctx context.Context, s *session, in io.Reader) error {
	readCtx, stop := context.WithCancel(ctx)
	defer stop()
	lines, readErr := readLines(readCtx, in)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case line, ok := <-lines:
			if !ok {
				return pipeResult(ctx, s, <-readErr)
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if s.handle(ctx, line) {
				return pipeResult(ctx, s, nil)
			}
		}
	}
}

// readLines sends in's lines on the first channel, then its error (nil at EOF) on the second.
// It stops sending when ctx ends.
func readLines(ctx context.Context, in io.Reader) (<-chan string, <-chan error) {
	lines, errc := make(chan string), make(chan error, 1)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
	}()
	return lines, errc
}

func pipeResult(ctx context.Context, s *session, readErr error) error {
	switch {
	case readErr != nil:
		return fmt.Errorf("read input: %w", readErr)
	case ctx.Err() != nil:
		return ctx.Err()
	case s.failed > 0:
		if s.failed == 1 {
			return fmt.Errorf("pipe mode: %w", ErrCommandFailed)
		}
		return fmt.Errorf("pipe mode: %w (%d commands failed)", ErrCommandFailed, s.failed)
	}
	return nil
}
