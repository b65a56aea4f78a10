package repl

import (
	"strconv"
	"strings"
	"testing"
	"unicode"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		want    command
		wantErr string
	}{
		{name: "empty", line: "   ", want: command{kind: cmdNone}},
		{name: "chat trimmed", line: "  why is nordvpn failing?  ", want: command{kind: cmdChat, text: "why is nordvpn failing?"}},
		{name: "chat with slash inside", line: "is a/b ok", want: command{kind: cmdChat, text: "is a/b ok"}},
		{name: "status", line: "/status", want: command{kind: cmdStatus}},
		{name: "upper case name", line: "/STATUS", want: command{kind: cmdStatus}},
		{name: "failing", line: "/failing", want: command{kind: cmdFailing}},
		{name: "history default n", line: "/history nordvpn_status", want: command{kind: cmdHistory, service: "nordvpn_status", n: 20}},
		{name: "history n", line: "/history nordvpn_status 5", want: command{kind: cmdHistory, service: "nordvpn_status", n: 5}},
		{name: "logs default n", line: "/logs system_backup", want: command{kind: cmdLogs, service: "system_backup", n: 50}},
		{name: "logs extra spaces", line: "/logs   system_backup\t 7 ", want: command{kind: cmdLogs, service: "system_backup", n: 7}},
		{name: "analyze", line: "/analyze root_fs", want: command{kind: cmdAnalyze, service: "root_fs"}},
		{name: "clear", line: "/clear", want: command{kind: cmdClear}},
		{name: "help", line: "/help", want: command{kind: cmdHelp}},
		{name: "quit", line: "/quit", want: command{kind: cmdQuit}},
		{name: "exit alias", line: "/exit", want: command{kind: cmdQuit}},
		{name: "actions", line: "/actions", want: command{kind: cmdActions}},
		{name: "approve", line: "/approve p-42", want: command{kind: cmdApprove, id: "p-42"}},
		{name: "reject", line: "/reject p-42", want: command{kind: cmdReject, id: "p-42"}},
		{name: "audit default", line: "/audit", want: command{kind: cmdAudit, n: 20}},
		{name: "audit n", line: "/audit 100", want: command{kind: cmdAudit, n: 100}},
		{name: "suggest", line: "/suggest Restart nordvpn_status", want: command{kind: cmdSuggest, action: "restart", service: "nordvpn_status"}},
		{name: "unknown", line: "/reboot now", wantErr: `unknown command "/reboot"`},
		{name: "missing service", line: "/logs", wantErr: "missing argument; usage: /logs SERVICE [N]"},
		{name: "too many", line: "/status all beta", wantErr: "too many arguments; usage: /status [on HOST]"},
		{name: "status on a host", line: "/status on beta", want: command{kind: cmdStatus, host: "beta"}},
		{name: "failing of a host", line: "/failing beta", want: command{kind: cmdFailing, host: "beta"}},
		{name: "history on a host", line: "/history web on beta", want: command{kind: cmdHistory, service: "web", host: "beta", n: 20}},
		{name: "history n and host", line: "/history web 3 beta", want: command{kind: cmdHistory, service: "web", host: "beta", n: 3}},
		{name: "history host before n", line: "/history web on beta 3", want: command{kind: cmdHistory, service: "web", host: "beta", n: 3}},
		{name: "history two counts", line: "/history web 3 4", wantErr: "too many arguments"},
		{name: "history bad count after host", line: "/history web beta 0", wantErr: "the count must be a number from 1 to 1000"},
		{name: "logs on a host", line: "/logs web ON gamma", want: command{kind: cmdLogs, service: "web", host: "gamma", n: 50}},
		{name: "analyze on a host", line: "/analyze job on beta", want: command{kind: cmdAnalyze, service: "job", host: "beta"}},
		{name: "analyze on nothing", line: "/analyze job on", wantErr: `"on" needs a host after it`},
		{name: "a host named on", line: "/analyze job on on", want: command{kind: cmdAnalyze, service: "job", host: "on"}},
		{name: "audit takes no host", line: "/audit 3 beta", wantErr: "too many arguments"},
		{name: "suggest with on", line: "/suggest restart web on beta", want: command{kind: cmdSuggest, action: "restart", service: "web", host: "beta"}},
		{name: "n zero", line: "/history x 0", wantErr: "the count must be a number from 1 to 1000"},
		{name: "n too big", line: "/logs x 1001", wantErr: "the count must be a number from 1 to 1000"},
		{name: "n not a number", line: "/audit ten", wantErr: `not "ten"`},
		{name: "approve without id", line: "/approve", wantErr: "usage: /approve ID"},
		{name: "suggest on a host", line: "/suggest restart web beta", want: command{kind: cmdSuggest, action: "restart", service: "web", host: "beta"}},
		{name: "suggest too many", line: "/suggest restart web beta gamma", wantErr: "too many arguments"},
		{name: "suggest one arg", line: "/suggest restart", wantErr: "usage: /suggest ACTION SERVICE"},
		{name: "bad verb", line: "/suggest rm;reboot x", wantErr: "is not a word like restart"},
		{name: "control char in service", line: "/logs a\x1bb", wantErr: "has a control character"},
		{name: "service too long", line: "/analyze " + strings.Repeat("s", maxToken+1), wantErr: "longer than 200 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseCommand(tt.line)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseCommand(%q) error = %v, want it to contain %q", tt.line, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseCommand(%q) error = %v", tt.line, err)
			}
			if got != tt.want {
				t.Errorf("parseCommand(%q) = %+v, want %+v", tt.line, got, tt.want)
			}
		})
	}
}

// format writes a command back as input text; parsing it again must give the same command.
func format(c command) string {
	for _, s := range commands {
		if s.kind != c.kind {
			continue
		}
		var parts []string
		for _, k := range s.shape.kinds() {
			switch k {
			case argService:
				parts = append(parts, c.service)
			case argID:
				parts = append(parts, c.id)
			case argVerb:
				parts = append(parts, c.action)
			case argCount:
				parts = append(parts, strconv.Itoa(c.n))
			case argHost:
				if c.host != "" {
					parts = append(parts, "on", c.host)
				}
			}
		}
		return strings.Join(append([]string{s.name}, parts...), " ")
	}
	return c.text
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"", "hello", "/status", "/logs nordvpn_status 5", "/suggest restart x", "/suggest restart x web2", "/history web on beta 3", "/logs x 5 b", "/status on a",
		"/approve p1", "/audit 3", "/history a\x00b", "/LOGS x 1000", "/exit", "/ é 9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		c, err := parseCommand(line)
		if err != nil {
			return
		}
		switch c.kind {
		case cmdNone:
			if strings.TrimSpace(line) != "" {
				t.Fatalf("parseCommand(%q) = empty for a non-blank line", line)
			}
			return
		case cmdChat:
			if c.text != strings.TrimSpace(line) || strings.HasPrefix(c.text, "/") {
				t.Fatalf("parseCommand(%q) chat text = %q", line, c.text)
			}
			return
		}
		for _, tok := range []string{c.service, c.id, c.action, c.host} {
			if strings.IndexFunc(tok, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0 {
				t.Fatalf("parseCommand(%q) argument %q has a space or control character", line, tok)
			}
		}
		if c.n < 0 || c.n > maxCount {
			t.Fatalf("parseCommand(%q) n = %d out of range", line, c.n)
		}
		again, err := parseCommand(format(c))
		if err != nil || again != c {
			t.Fatalf("parseCommand(format(%+v)) = %+v, %v; want the same command", c, again, err)
		}
	})
}
