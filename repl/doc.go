// Package repl is Mother's terminal client: a chat with the running daemon plus slash commands
// that answer straight from it (/status, /logs, /actions, /approve …).
//
// It owns command parsing, completion, output formatting, the proposal confirmation and the
// terminal handling. It talks to the daemon only through the Backend interface it declares
// (main hands it an HTTP client); it never opens a database or runs a command itself.
//
// On a terminal it drives github.com/c-bata/go-prompt behind the small lineEditor interface,
// saves the terminal state before the prompt and restores it on every way out (go-prompt
// leaves the terminal raw), and never calls os.Exit. When standard input is not a terminal it
// does not start go-prompt at all: it reads one message or command per line (pipe mode) and
// never approves an action, since there is no one to ask.
package repl
