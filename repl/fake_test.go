package repl

import (
	"context"
	"errors"
)

var errNotFaked = errors.New("not faked")

// fakeBackend is a hand-written Backend: each method calls its func field, or fails when the
// test did not set it.
type fakeBackend struct {
	status   func(ctx context.Context, failingOnly bool) ([]ServiceStatus, error)
	history  func(ctx context.Context, host, service string, n int) ([]Event, error)
	logs     func(ctx context.Context, host, service string, n int) (Logs, error)
	analyze  func(ctx context.Context, host, service string) ([]Analysis, error)
	chat     func(ctx context.Context, session, message string, onChunk func(string)) (ChatReply, error)
	clear    func(ctx context.Context, session string) error
	suggest  func(ctx context.Context, action, service string) (Proposal, error)
	actions  func(ctx context.Context) ([]Proposal, error)
	execute  func(ctx context.Context, id string, approve, dryRun bool) (ExecResult, error)
	auditLog func(ctx context.Context, n int) ([]AuditEntry, error)
}

var _ Backend = (*fakeBackend)(nil)

func (f *fakeBackend) Status(ctx context.Context, failingOnly bool) ([]ServiceStatus, error) {
	if f.status == nil {
		return nil, errNotFaked
	}
	return f.status(ctx, failingOnly)
}

func (f *fakeBackend) History(ctx context.Context, host, service string, n int) ([]Event, error) {
	if f.history == nil {
		return nil, errNotFaked
	}
	return f.history(ctx, host, service, n)
}

func (f *fakeBackend) Logs(ctx context.Context, host, service string, n int) (Logs, error) {
	if f.logs == nil {
		return Logs{}, errNotFaked
	}
	return f.logs(ctx, host, service, n)
}

func (f *fakeBackend) Analyze(ctx context.Context, host, service string) ([]Analysis, error) {
	if f.analyze == nil {
		return nil, errNotFaked
	}
	return f.analyze(ctx, host, service)
}

func (f *fakeBackend) Chat(ctx context.Context, session, message string, onChunk func(string)) (ChatReply, error) {
	if f.chat == nil {
		return ChatReply{}, errNotFaked
	}
	return f.chat(ctx, session, message, onChunk)
}

func (f *fakeBackend) ClearSession(ctx context.Context, session string) error {
	if f.clear == nil {
		return errNotFaked
	}
	return f.clear(ctx, session)
}

func (f *fakeBackend) Suggest(ctx context.Context, action, service, host string) (Proposal, error) {
	if f.suggest == nil {
		return Proposal{}, errNotFaked
	}
	p, err := f.suggest(ctx, action, service)
	p.Host = host
	return p, err
}

func (f *fakeBackend) Actions(ctx context.Context) ([]Proposal, error) {
	if f.actions == nil {
		return nil, errNotFaked
	}
	return f.actions(ctx)
}

func (f *fakeBackend) Execute(ctx context.Context, id string, approve, dryRun bool) (ExecResult, error) {
	if f.execute == nil {
		return ExecResult{}, errNotFaked
	}
	return f.execute(ctx, id, approve, dryRun)
}

func (f *fakeBackend) Audit(ctx context.Context, n int) ([]AuditEntry, error) {
	if f.auditLog == nil {
		return nil, errNotFaked
	}
	return f.auditLog(ctx, n)
}

// fakeConsole answers confirmations from a script and lets a test press Ctrl-C.
type fakeConsole struct {
	answers   []bool // consumed in order; asked is false once they run out
	questions []string
	cancel    context.CancelFunc // the latest interruptible call's cancel: "Ctrl-C"
}

func (c *fakeConsole) interruptible(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	c.cancel = cancel
	return ctx, cancel
}

func (c *fakeConsole) confirm(_ context.Context, question string) (bool, bool, error) {
	c.questions = append(c.questions, question)
	if len(c.answers) == 0 {
		return false, false, nil
	}
	yes := c.answers[0]
	c.answers = c.answers[1:]
	return yes, true, nil
}
