package repl

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// How often and how patiently the service list for completion is fetched.
const (
	refreshEvery   = 30 * time.Second
	initialTimeout = 3 * time.Second
)

// runTerminal runs the interactive prompt on the terminal fd. It saves the terminal state
// first and restores it on every way out, including a panic inside go-prompt.
func runTerminal(ctx context.Context, s *session, fd int, opts Options) (err error) {
	state, err := term.GetState(fd)
	if err != nil {
		return fmt.Errorf("read terminal state: %w", err)
	}
	defer func() {
		if rerr := term.Restore(fd, state); rerr != nil {
			err = errors.Join(err, fmt.Errorf("restore terminal: %w", rerr))
		}
	}()
	con, err := newTTYConsole(fd, opts.Out)
	if err != nil {
		return err
	}
	s.con = con

	var hist *historyFile
	var lines []string
	if opts.HistoryFile != "" {
		hist, lines, err = loadHistory(opts.HistoryFile, opts.HistoryMax)
		if err != nil {
			fmt.Fprintln(opts.Err, "warning: "+err.Error())
		}
	}
	s.banner(ctx)

	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { s.known.keepFresh(ctx, s.b, refreshEvery) })
	defer wg.Wait()
	defer cancel()

	prefix := "mother> "
	if s.dryRun {
		prefix = "mother (dry run)> "
	}
	ed := &goPrompt{
		input:    promptInput{c: con},
		prefix:   prefix,
		history:  lines,
		complete: func(before string) []suggestion { return complete(before, s.known.data()) },
		stop:     func() bool { return ctx.Err() != nil },
	}
	return runLines(ctx, s, ed, hist)
}

// runLines feeds the editor's lines to the session, saving each to the history first.
func runLines(ctx context.Context, s *session, ed lineEditor, hist *historyFile) error {
	warned := false
	return ed.Run(func(line string) bool {
		if hist != nil {
			if err := hist.add(line); err != nil && !warned {
				warned = true
				fmt.Fprintln(s.errw, "warning: "+err.Error())
			}
		}
		return s.handle(ctx, line) || ctx.Err() != nil
	})
}

// banner greets the user and shows what is failing; it also fills the completion list.
func (s *session) banner(ctx context.Context) {
	s.out.line(s.out.paint(ansiBold, "Mother") + " · session " + sanitizeLine(s.name) +
		" · /help for commands · Ctrl-C cancels an answer · Ctrl-D leaves")
	if s.dryRun {
		s.out.note("Dry run: approved actions are shown, never run.")
	}
	sts, err := s.known.refreshServices(ctx, s.b, initialTimeout)
	if err != nil {
		fmt.Fprintln(s.errw, "warning: daemon: "+sanitizeLine(err.Error()))
		return
	}
	var failing []string
	for _, st := range sts {
		if st.Status != 0 {
			failing = append(failing, sanitizeLine(st.Service))
		}
	}
	summary := fmt.Sprintf("%s, %d failing", count(len(sts), "service"), len(failing))
	if len(failing) > 0 {
		summary += ": " + strings.Join(failing, ", ")
	}
	s.out.note("%s", summary)
}
