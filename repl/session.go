package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// console is what the REPL needs from the user's side besides input lines: a way to cancel
// the call in progress (Ctrl-C on a terminal) and someone to ask before running an action.
type console interface {
	// interruptible returns a child of ctx that the user can cancel and a func that stops
	// watching; the func must be called before anything else reads the terminal.
	interruptible(ctx context.Context) (context.Context, func())
	// confirm asks a yes/no question. asked is false when there is no one to ask.
	confirm(ctx context.Context, question string) (yes, asked bool, err error)
}

// session runs input lines against the backend and prints the answers. Both the terminal and
// the pipe mode drive one.
type session struct {
	b      Backend
	name   string
	dryRun bool
	out    *printer
	errw   io.Writer
	con    console
	known  *knownNames
	failed int // commands that ended in an error, for pipe mode's exit status
	// canApprove is true at a terminal only: in pipe mode no person is there to approve,
	// whatever the input says (a script, or text pasted from elsewhere).
	canApprove bool
}

// ErrNoTerminal refuses /approve in pipe mode.
var ErrNoTerminal = errors.New("approval needs a terminal: in pipe mode nothing is approved " +
	"(run monit-intel repl at a terminal, or approve through the API; /reject and --dry-run work here)")

// handle runs one input line and reports whether the user asked to leave.
func (s *session) handle(ctx context.Context, line string) (quit bool) {
	cmd, err := parseCommand(line)
	if err != nil {
		s.fail(err)
		return false
	}
	switch cmd.kind {
	case cmdNone:
		return false
	case cmdQuit:
		return true
	case cmdHelp:
		s.out.help()
		return false
	}
	callCtx, stop := s.con.interruptible(ctx)
	offers, err := s.run(callCtx, cmd)
	interrupted := callCtx.Err() != nil && ctx.Err() == nil
	stop()
	switch {
	case interrupted:
		s.out.note("(cancelled)")
		return false
	case err != nil:
		s.fail(err)
		return false
	}
	for _, p := range offers {
		s.offer(ctx, p)
	}
	return false
}

// fail reports an error to the user and counts it.
func (s *session) fail(err error) {
	s.failed++
	fmt.Fprintln(s.errw, "error: "+sanitizeLine(err.Error()))
}

// run calls the backend for one command and prints the answer; it returns the proposals the
// answer offers.
func (s *session) run(ctx context.Context, cmd command) ([]Proposal, error) {
	switch cmd.kind {
	case cmdChat:
		return s.chat(ctx, cmd.text)
	case cmdStatus, cmdFailing:
		return nil, s.status(ctx, cmd)
	case cmdHistory:
		evs, err := s.b.History(ctx, cmd.host, cmd.service, cmd.n)
		if err != nil {
			return nil, wrapStep("history "+cmd.target(), err)
		}
		s.out.events(cmd.target(), evs, cmd.host == "" && len(evs) > 0 && s.known.hostCount(ctx, s.b) > 1)
	case cmdLogs:
		l, err := s.b.Logs(ctx, cmd.host, cmd.service, cmd.n)
		if err != nil {
			return nil, wrapStep("logs "+cmd.target(), err)
		}
		s.out.logs(l)
	case cmdAnalyze:
		as, err := s.b.Analyze(ctx, cmd.host, cmd.service)
		if err != nil {
			return nil, wrapStep("analyze "+cmd.target(), err)
		}
		s.out.analyses(cmd.target(), as, s.known.hostCount(ctx, s.b) > 1)
	default:
		return s.runAction(ctx, cmd)
	}
	return nil, nil
}

// status lists the services, or the failing ones, of every host or of the one named.
func (s *session) status(ctx context.Context, cmd command) error {
	failingOnly := cmd.kind == cmdFailing
	sts, err := s.b.Status(ctx, failingOnly)
	if err != nil {
		return wrapStep("status", err)
	}
	if !failingOnly {
		s.known.setServices(sts)
	}
	if cmd.host != "" {
		hosts := s.known.hostNames(sts)
		if !slices.Contains(hosts, cmd.host) {
			return fmt.Errorf("status: unknown host %q: the known hosts are %s", cmd.host, strings.Join(hosts, ", "))
		}
		var on []ServiceStatus
		for _, st := range sts {
			if st.Host == cmd.host {
				on = append(on, st)
			}
		}
		sts = on
	}
	s.out.statusTable(sts, failingOnly, s.known.hostCount(ctx, s.b) > 1)
	return nil
}

// runAction runs the commands about sessions and actions.
func (s *session) runAction(ctx context.Context, cmd command) ([]Proposal, error) {
	switch cmd.kind {
	case cmdClear:
		if err := s.b.ClearSession(ctx, s.name); err != nil {
			return nil, wrapStep(fmt.Sprintf("clear session %s", s.name), err)
		}
		s.out.note("Session %s forgotten.", sanitizeLine(s.name))
	case cmdActions:
		ps, err := s.b.Actions(ctx)
		if err != nil {
			return nil, wrapStep("actions", err)
		}
		s.known.addIDs(ps...)
		s.out.proposals(ps)
	case cmdApprove, cmdReject:
		if cmd.kind == cmdApprove && !s.canApprove && !s.dryRun {
			return nil, fmt.Errorf("approve %s: %w", cmd.id, ErrNoTerminal)
		}
		res, err := s.b.Execute(ctx, cmd.id, cmd.kind == cmdApprove, s.dryRun)
		if err != nil {
			return nil, wrapStep(fmt.Sprintf("execute %s", cmd.id), err)
		}
		s.out.execResult(res)
	case cmdAudit:
		es, err := s.b.Audit(ctx, cmd.n)
		if err != nil {
			return nil, wrapStep("audit", err)
		}
		s.out.audit(es)
	case cmdSuggest:
		p, err := s.b.Suggest(ctx, cmd.action, cmd.service, cmd.host)
		if err != nil {
			return nil, wrapStep("suggest "+cmd.action+" "+cmd.target(), err)
		}
		return []Proposal{p}, nil
	default:
		return nil, fmt.Errorf("command %d not handled", cmd.kind)
	}
	return nil, nil
}

// chat streams Mother's answer to the output as it is generated.
func (s *session) chat(ctx context.Context, text string) ([]Proposal, error) {
	st := &stream{w: s.out.w, stopped: ctx.Err}
	reply, err := s.b.Chat(ctx, s.name, text, st.chunk)
	st.finish()
	if err != nil {
		return nil, wrapStep("chat", err)
	}
	if !st.wrote && reply.Text != "" {
		s.out.line(strings.TrimRight(sanitize(reply.Text), "\n"))
	}
	if reply.ModelNote != "" {
		s.out.note("(%s)", sanitizeLine(reply.ModelNote))
	}
	return reply.Proposals, nil
}

// stream prints answer chunks as they arrive and stops printing once its call is cancelled.
type stream struct {
	mu    sync.Mutex
	w     io.Writer
	wrote bool
	last  byte
	// stopped is the call context's Err: chunks that arrive after a Ctrl-C are not printed.
	stopped func() error
}

func (st *stream) chunk(c string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	c = sanitize(c)
	if c == "" || st.stopped() != nil {
		return
	}
	io.WriteString(st.w, c)
	st.wrote = true
	st.last = c[len(c)-1]
}

// finish ends the answer on a fresh line.
func (st *stream) finish() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.wrote && st.last != '\n' {
		io.WriteString(st.w, "\n")
	}
}

// offer shows a proposal and, when someone can answer, approves or rejects it.
func (s *session) offer(ctx context.Context, p Proposal) {
	s.known.addIDs(p)
	s.out.proposal(p)
	yes, asked, err := s.con.confirm(ctx, confirmQuestion(p, s.dryRun))
	switch {
	case err != nil && !errors.Is(err, context.Canceled):
		s.fail(wrapStep("confirm", err))
		return
	case ctx.Err() != nil:
		return
	case !asked:
		s.out.note("Not approved: no terminal to ask. Approve %s at a terminal (/approve %[1]s) or through the API.", sanitizeLine(p.ID))
		return
	}
	callCtx, stop := s.con.interruptible(ctx)
	res, err := s.b.Execute(callCtx, p.ID, yes, s.dryRun)
	stop()
	if err != nil {
		s.fail(wrapStep(fmt.Sprintf("execute %s", p.ID), err))
		return
	}
	s.out.execResult(res)
}

// confirmQuestion is the question asked before running a proposal.
func confirmQuestion(p Proposal, dryRun bool) string {
	what := sanitizeLine(p.Command)
	if what == "" {
		what = sanitizeLine(p.Action + " " + p.Service)
	}
	what += onHost(p)
	if dryRun {
		return "Execute (dry run): " + what + "? [y/N] "
	}
	return "Execute: " + what + "? [y/N] "
}

// parseConfirm reports whether an answer approves: only "y" and "yes", in any case.
func parseConfirm(answer string) bool {
	a := strings.ToLower(strings.TrimSpace(answer))
	return a == "y" || a == "yes"
}

// wrapStep names step before err, unless err already starts with it: the daemon's errors name
// their own steps ("execute ID: …", "chat: …"), and each step is named once.
func wrapStep(step string, err error) error {
	if strings.HasPrefix(err.Error(), step+":") {
		return err
	}
	return fmt.Errorf("%s: %w", step, err)
}
