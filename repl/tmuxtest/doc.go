// Package tmuxtest drives a program in a real terminal for tests: a detached tmux session
// of fixed size on a private server socket, keys sent with send-keys, the screen read with
// capture-pane, and bounded waits. It is reusable for any terminal program (the REPL against
// a fake backend or against the real daemon).
//
// Tests skip when tmux is not installed, except under CI=true, where that is a failure.
package tmuxtest
