package repl

import "context"

// pipeConsole is the console of pipe mode: no Ctrl-C to watch (a signal ends the process)
// and no one to ask, so proposals are never approved.
type pipeConsole struct{}

func (pipeConsole) interruptible(ctx context.Context) (context.Context, func()) {
	return context.WithCancel(ctx)
}

func (pipeConsole) confirm(context.Context, string) (bool, bool, error) {
	return false, false, nil
}
