package repl

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// cmdKind says what an input line asks for.
type cmdKind int

const (
	cmdNone cmdKind = iota // empty line
	cmdChat                // free text for Mother
	cmdStatus
	cmdFailing
	cmdHistory
	cmdLogs
	cmdAnalyze
	cmdClear
	cmdHelp
	cmdQuit
	cmdActions
	cmdApprove
	cmdReject
	cmdAudit
	cmdSuggest
)

// argShape is the argument list a slash command takes.
type argShape int

const (
	argsNone        argShape = iota
	argsServiceN             // SERVICE [N]
	argsService              // SERVICE
	argsID                   // ID
	argsN                    // [N]
	argsVerbService          // ACTION SERVICE [HOST]
)

// argKind is what one argument position holds; completion uses it.
type argKind int

const (
	argNothing argKind = iota
	argService
	argCount
	argID
	argVerb
	argHost // optional, last
)

// kinds lists the arguments of a shape, position by position.
func (s argShape) kinds() []argKind {
	switch s {
	case argsServiceN:
		return []argKind{argService, argCount}
	case argsService:
		return []argKind{argService}
	case argsID:
		return []argKind{argID}
	case argsN:
		return []argKind{argCount}
	case argsVerbService:
		return []argKind{argVerb, argService, argHost}
	}
	return nil
}

// cmdSpec describes one slash command; the table drives parsing, /help and completion.
type cmdSpec struct {
	name  string
	kind  cmdKind
	shape argShape
	usage string
	help  string
	defN  int
}

// commands is the slash command table, in /help order.
var commands = []cmdSpec{
	{name: "/status", kind: cmdStatus, help: "all services"},
	{name: "/failing", kind: cmdFailing, help: "failing services"},
	{name: "/history", kind: cmdHistory, shape: argsServiceN, usage: "SERVICE [N]", help: "last N failure events", defN: 20},
	{name: "/logs", kind: cmdLogs, shape: argsServiceN, usage: "SERVICE [N]", help: "last N log lines", defN: 50},
	{name: "/analyze", kind: cmdAnalyze, shape: argsService, usage: "SERVICE", help: "explain a failure"},
	{name: "/actions", kind: cmdActions, help: "pending proposals"},
	{name: "/approve", kind: cmdApprove, shape: argsID, usage: "ID", help: "run a pending proposal"},
	{name: "/reject", kind: cmdReject, shape: argsID, usage: "ID", help: "reject a pending proposal"},
	{name: "/suggest", kind: cmdSuggest, shape: argsVerbService, usage: "ACTION SERVICE [HOST]", help: "propose an action (on HOST when several have SERVICE)"},
	{name: "/audit", kind: cmdAudit, shape: argsN, usage: "[N]", help: "last N audit entries", defN: 20},
	{name: "/clear", kind: cmdClear, help: "forget this session's conversation"},
	{name: "/help", kind: cmdHelp, help: "this help"},
	{name: "/quit", kind: cmdQuit, help: "leave (Ctrl-D too)"},
}

// maxCount bounds N in /history, /logs and /audit.
const maxCount = 1000

// maxToken bounds a service name or a proposal ID.
const maxToken = 200

var verbPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

// command is one parsed input line.
type command struct {
	kind    cmdKind
	text    string // chat message
	service string
	host    string
	n       int
	id      string
	action  string
}

// lookupCommand finds a slash command by name, case-insensitively.
func lookupCommand(name string) (cmdSpec, bool) {
	name = strings.ToLower(name)
	if name == "/exit" {
		name = "/quit"
	}
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return cmdSpec{}, false
}

// parseCommand turns one input line into a command. Lines that do not start with "/" are chat
// messages; errors are meant for the user and say how to use the command.
func parseCommand(line string) (command, error) {
	line = strings.TrimSpace(line)
	if line == "" {
		return command{kind: cmdNone}, nil
	}
	if !strings.HasPrefix(line, "/") {
		return command{kind: cmdChat, text: line}, nil
	}
	fields := strings.Fields(line)
	spec, ok := lookupCommand(fields[0])
	if !ok {
		return command{}, fmt.Errorf("unknown command %q (see /help)", truncate(fields[0], 40))
	}
	cmd, err := parseArgs(spec, fields[1:])
	if err != nil {
		usage := strings.TrimSpace(spec.name + " " + spec.usage)
		return command{}, fmt.Errorf("%w; usage: %s", err, usage)
	}
	return cmd, nil
}

// parseArgs checks a slash command's arguments against its shape.
func parseArgs(spec cmdSpec, args []string) (command, error) {
	kinds := spec.shape.kinds()
	required := len(kinds)
	if required > 0 && (kinds[required-1] == argCount || kinds[required-1] == argHost) {
		required--
	}
	switch {
	case len(args) < required:
		return command{}, fmt.Errorf("missing argument")
	case len(args) > len(kinds):
		return command{}, fmt.Errorf("too many arguments")
	}
	cmd := command{kind: spec.kind, n: spec.defN}
	for i, a := range args {
		var err error
		switch kinds[i] {
		case argService:
			cmd.service, err = checkToken("service", a)
		case argID:
			cmd.id, err = checkToken("id", a)
		case argCount:
			cmd.n, err = parseCount(a)
		case argVerb:
			cmd.action, err = parseVerb(a)
		case argHost:
			cmd.host, err = checkToken("host", a)
		}
		if err != nil {
			return command{}, err
		}
	}
	return cmd, nil
}

// checkToken accepts a printable word without spaces; the daemon validates it further.
func checkToken(what, s string) (string, error) {
	if len(s) > maxToken {
		return "", fmt.Errorf("%s longer than %d bytes", what, maxToken)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return "", fmt.Errorf("%s %q has a control character", what, truncate(s, 40))
		}
	}
	return s, nil
}

func parseCount(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxCount {
		return 0, fmt.Errorf("the count must be a number from 1 to %d, not %q", maxCount, truncate(s, 20))
	}
	return n, nil
}

func parseVerb(s string) (string, error) {
	v := strings.ToLower(s)
	if !verbPattern.MatchString(v) {
		return "", fmt.Errorf("action %q is not a word like restart", truncate(s, 40))
	}
	return v, nil
}

// truncate shortens s to at most n runes for an error message.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
