package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"monit-intel/repl"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fakemother", flag.ContinueOnError)
	fs.SetOutput(stderr)
	session := fs.String("session", "test", "chat session name")
	dryRun := fs.Bool("dry-run", false, "never execute actions")
	history := fs.String("history", "", "history file")
	record := fs.String("record", "", "file that records Execute calls and cancelled chats")
	delay := fs.Duration("slow-delay", 150*time.Millisecond, "delay between chunks of a slow answer")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	b := &backend{record: *record, slowDelay: *delay, now: time.Now}
	err := repl.Run(ctx, b, repl.Options{
		Session:     *session,
		DryRun:      *dryRun,
		HistoryFile: *history,
		In:          stdin,
		Out:         stdout,
		Err:         stderr,
		Verbs:       []string{"restart", "start", "stop"},
	})
	if err != nil {
		fmt.Fprintln(stderr, "fakemother:", err)
		return 1
	}
	return 0
}
