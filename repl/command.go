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
	argsServiceN             // SERVICE [N] [on HOST]
	argsService              // SERVICE [on HOST]
	argsID                   // ID
	argsN                    // [N]
	argsVerbService          // ACTION SERVICE [on HOST]
	argsHost                 // [on HOST]
)

// argKind is what one argument position holds; completion uses it.
type argKind int

const (
	argNothing argKind = iota
	argService
	argCount // optional
	argID
	argVerb
	argHost // optional: "on HOST", or HOST alone
)

// optional reports whether an argument may be left out; optional ones come last, in any
// order.
func (k argKind) optional() bool { return k == argCount || k == argHost }

// kinds lists the arguments of a shape, position by position.
func (s argShape) kinds() []argKind {
	switch s {
	case argsServiceN:
		return []argKind{argService, argCount, argHost}
	case argsService:
		return []argKind{argService, argHost}
	case argsID:
		return []argKind{argID}
	case argsN:
		return []argKind{argCount}
	case argsVerbService:
		return []argKind{argVerb, argService, argHost}
	case argsHost:
		return []argKind{argHost}
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
	{name: "/status", kind: cmdStatus, shape: argsHost, usage: "[on HOST]", help: "all services (of one host)"},
	{name: "/failing", kind: cmdFailing, shape: argsHost, usage: "[on HOST]", help: "failing services (of one host)"},
	{name: "/history", kind: cmdHistory, shape: argsServiceN, usage: "SERVICE [N] [on HOST]", help: "last N failure events", defN: 20},
	{name: "/logs", kind: cmdLogs, shape: argsServiceN, usage: "SERVICE [N] [on HOST]", help: "last N log lines (this machine's only)", defN: 50},
	{name: "/analyze", kind: cmdAnalyze, shape: argsService, usage: "SERVICE [on HOST]", help: "explain a failure"},
	{name: "/actions", kind: cmdActions, help: "pending proposals"},
	{name: "/approve", kind: cmdApprove, shape: argsID, usage: "ID", help: "run a pending proposal"},
	{name: "/reject", kind: cmdReject, shape: argsID, usage: "ID", help: "reject a pending proposal"},
	{name: "/suggest", kind: cmdSuggest, shape: argsVerbService, usage: "ACTION SERVICE [on HOST]", help: "propose an action"},
	{name: "/audit", kind: cmdAudit, shape: argsN, usage: "[N]", help: "last N audit entries", defN: 20},
	{name: "/clear", kind: cmdClear, help: "forget this session's conversation"},
	{name: "/help", kind: cmdHelp, help: "this help"},
	{name: "/quit", kind: cmdQuit, help: "leave (Ctrl-D too)"},
}

// A service on several hosts needs its host: "on HOST" (or HOST alone) after the service.

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

// target is the service a command is about, with its host when one was said: "web on beta".
func (c command) target() string {
	if c.host == "" {
		return c.service
	}
	return c.service + " on " + c.host
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

// parseArgs checks a slash command's arguments against its shape: the required ones in
// order, then the optional ones (a count, a host as "on HOST" or alone) in any order.
func parseArgs(spec cmdSpec, args []string) (command, error) {
	kinds := spec.shape.kinds()
	var required []argKind
	takes := map[argKind]bool{}
	for _, k := range kinds {
		if k.optional() {
			takes[k] = true
		} else {
			required = append(required, k)
		}
	}
	if len(args) < len(required) {
		return command{}, fmt.Errorf("missing argument")
	}
	cmd := command{kind: spec.kind, n: spec.defN}
	for i, k := range required {
		if err := cmd.set(k, args[i]); err != nil {
			return command{}, err
		}
	}
	return cmd, cmd.setOptional(args[len(required):], takes)
}

// setOptional reads the optional arguments: "on HOST", a number as the count, a word as the
// host.
func (c *command) setOptional(args []string, takes map[argKind]bool) error {
	seen := map[argKind]bool{}
	for i := 0; i < len(args); i++ {
		a, k := args[i], argNothing
		switch {
		case takes[argHost] && strings.EqualFold(a, "on"):
			if i+1 == len(args) {
				return fmt.Errorf("\"on\" needs a host after it")
			}
			i++
			a, k = args[i], argHost
		case takes[argCount] && (isNumber(a) || !takes[argHost]):
			k = argCount
		case takes[argHost]:
			k = argHost
		}
		if k == argNothing || seen[k] {
			return fmt.Errorf("too many arguments")
		}
		seen[k] = true
		if err := c.set(k, a); err != nil {
			return err
		}
	}
	return nil
}

// set checks one argument and stores it.
func (c *command) set(k argKind, a string) error {
	var err error
	switch k {
	case argService:
		c.service, err = checkToken("service", a)
	case argID:
		c.id, err = checkToken("id", a)
	case argCount:
		c.n, err = parseCount(a)
	case argVerb:
		c.action, err = parseVerb(a)
	case argHost:
		c.host, err = checkToken("host", a)
	}
	return err
}

func isNumber(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
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
