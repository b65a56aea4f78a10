package repl

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func testPrinter(color bool) (*printer, *bytes.Buffer) {
	var buf bytes.Buffer
	return &printer{w: &buf, color: color, now: func() time.Time { return testNow }, loc: time.UTC}, &buf
}

func TestShortDuration(t *testing.T) {
	tests := []struct {
		name string
		d    time.Duration
		want string
	}{
		{name: "negative", d: -time.Second, want: "0s"},
		{name: "seconds", d: 45*time.Second + 300*time.Millisecond, want: "45s"},
		{name: "minutes", d: 12*time.Minute + 30*time.Second, want: "12m30s"},
		{name: "hours", d: 3*time.Hour + 12*time.Minute + 5*time.Second, want: "3h12m"},
		{name: "days", d: 50 * time.Hour, want: "2d2h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := shortDuration(tt.d); got != tt.want {
				t.Errorf("shortDuration(%v) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, in, want, wantLine string
	}{
		{name: "plain", in: "hello", want: "hello", wantLine: "hello"},
		{name: "escape sequence", in: "\x1b[31mred\x1b[0m", want: "[31mred[0m", wantLine: "[31mred[0m"},
		{name: "newline and tab kept", in: "a\n\tb", want: "a\n\tb", wantLine: "a  b"},
		{name: "carriage return and bell", in: "a\r\x07b", want: "ab", wantLine: "ab"},
		{name: "C1 and DEL", in: "a\u009bb\x7fc", want: "abc", wantLine: "abc"},
		{name: "invalid utf8", in: "a\xffb", want: "ab", wantLine: "ab"},
		{name: "unicode kept", in: "état ✓", want: "état ✓", wantLine: "état ✓"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sanitize(tt.in); got != tt.want {
				t.Errorf("sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := sanitizeLine(tt.in); got != tt.wantLine {
				t.Errorf("sanitizeLine(%q) = %q, want %q", tt.in, got, tt.wantLine)
			}
		})
	}
}

func TestStatusTable(t *testing.T) {
	vpn := ServiceStatus{Host: "home", Service: "nordvpn_status", Type: "program", State: "ONGOING",
		StatusText: "Status failed", Status: 0x200000, Monitor: "monitored",
		FailingSince: testNow.Add(-3*time.Hour - 12*time.Minute), Failures: 4}
	backup := ServiceStatus{Host: "home", Service: "system_backup", Type: "program", State: "OK",
		StatusText: "OK", Monitor: "monitored", Failures: 1}
	tests := []struct {
		name        string
		sts         []ServiceStatus
		failingOnly bool
		fleet       bool
		want        string
	}{
		{name: "no failing", failingOnly: true, want: "No failing services.\n"},
		{name: "no services", want: "No services.\n"},
		{name: "one host", sts: []ServiceStatus{vpn, backup}, want: "" +
			"SERVICE         TYPE     STATE    STATUS         FAILING FOR  FAILS\n" +
			"nordvpn_status  program  ONGOING  Status failed  3h12m        4\n" +
			"system_backup   program  OK       OK                          1\n" +
			"2 services, 1 failing\n"},
		{name: "hosts and monitor columns", sts: []ServiceStatus{vpn, {Host: "nas", Service: "raid", Type: "program",
			State: "OK", StatusText: "OK", Monitor: "not monitored"}}, want: "" +
			"HOST  SERVICE         TYPE     STATE    STATUS         FAILING FOR  FAILS  MONITOR\n" +
			"home  nordvpn_status  program  ONGOING  Status failed  3h12m        4      monitored\n" +
			"nas   raid            program  OK       OK                          0      not monitored\n" +
			"2 services, 1 failing\n"},
		{name: "failing on one host of a fleet", sts: []ServiceStatus{vpn}, failingOnly: true, fleet: true, want: "" +
			"HOST  SERVICE         TYPE     STATE    STATUS         FAILING FOR  FAILS\n" +
			"home  nordvpn_status  program  ONGOING  Status failed  3h12m        4\n" +
			"1 service, 1 failing\n"},
		{name: "a stale host's services", sts: []ServiceStatus{vpn, {Host: "nas", Service: "raid", Type: "program",
			State: "OK", StatusText: "OK", HostStale: true}}, want: "" +
			"HOST         SERVICE         TYPE     STATE    STATUS         FAILING FOR  FAILS\n" +
			"home         nordvpn_status  program  ONGOING  Status failed  3h12m        4\n" +
			"nas (STALE)  raid            program  OK       OK                          0\n" +
			"2 services, 1 failing\n"},
		{name: "hostile name", sts: []ServiceStatus{{Host: "h", Service: "x\x1b[2Jy", State: "OK", StatusText: "OK"}}, want: "" +
			"SERVICE  TYPE  STATE  STATUS  FAILING FOR  FAILS\n" +
			"x[2Jy          OK     OK                   0\n" +
			"1 service, 0 failing\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, buf := testPrinter(false)
			p.statusTable(tt.sts, tt.failingOnly, tt.fleet)
			if got := buf.String(); got != tt.want {
				t.Errorf("statusTable() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestStatusTableColour(t *testing.T) {
	p, buf := testPrinter(true)
	p.statusTable([]ServiceStatus{{Service: "a", State: "NEW", StatusText: "Timeout", Status: 4}}, false, false)
	got := buf.String()
	for _, want := range []string{"\x1b[1mSERVICE\x1b[0m", "\x1b[31mNEW\x1b[0m", "\x1b[2m1 service, 1 failing\x1b[0m"} {
		if !strings.Contains(got, want) {
			t.Errorf("statusTable() with colour = %q, want it to contain %q", got, want)
		}
	}
}

func TestPrinterItems(t *testing.T) {
	at := testNow.Add(-time.Hour)
	tests := []struct {
		name  string
		print func(p *printer)
		want  string
	}{
		{name: "events", print: func(p *printer) {
			p.events("vpn", []Event{{At: at, Kind: "NEW", Detail: "Connection failed"}, {At: testNow, Kind: "RECOVERED", Detail: "OK (was: Connection failed)"}}, false)
		}, want: "AT                   KIND       DETAIL\n" +
			"2026-11-24 11:00:00  NEW        Connection failed\n" +
			"2026-11-24 12:00:00  RECOVERED  OK (was: Connection failed)\n"},
		{name: "events of several hosts", print: func(p *printer) {
			p.events("web", []Event{{At: at, Host: "beta", Kind: "NEW", Detail: "Does not exist"}, {At: at, Host: "alpha", Kind: "NEW", Detail: "Does not exist"}}, false)
		}, want: "HOST   AT                   KIND  DETAIL\n" +
			"beta   2026-11-24 11:00:00  NEW   Does not exist\n" +
			"alpha  2026-11-24 11:00:00  NEW   Does not exist\n"},
		{name: "events of one host in a fleet", print: func(p *printer) {
			p.events("job", []Event{{At: at, Host: "alpha", Kind: "NEW", Detail: "Status failed"}}, true)
		}, want: "HOST   AT                   KIND  DETAIL\n" +
			"alpha  2026-11-24 11:00:00  NEW   Status failed\n"},
		{name: "no events", print: func(p *printer) { p.events("vpn", nil, true) }, want: "No events for vpn.\n"},
		{name: "logs", print: func(p *printer) {
			p.logs(Logs{Service: "vpn", Source: "journalctl", Lines: []string{"a\rb", "c"}})
		}, want: "vpn · journalctl · 2 lines\nab\nc\n"},
		{name: "no logs", print: func(p *printer) { p.logs(Logs{Service: "vpn", Source: "file"}) }, want: "No log lines for vpn (file).\n"},
		{name: "analyses", print: func(p *printer) {
			p.analyses("vpn", []Analysis{{Service: "vpn", Source: "llm", Model: "qwen3:4b", Text: "It lost the link.\n", At: at},
				{Service: "vpn", Source: "rules", Text: "Connection failed.", At: at}}, false)
		}, want: "vpn · llm (qwen3:4b) · 2026-11-24 11:00:00\nIt lost the link.\n\nvpn · rules · 2026-11-24 11:00:00\nConnection failed.\n"},
		{name: "analyses when the model did not answer", print: func(p *printer) {
			p.analyses("vpn", []Analysis{{Service: "vpn", Source: "rules", Model: "qwen3:4b", Text: "Connection failed.", At: at}}, false)
		}, want: "vpn · rules · 2026-11-24 11:00:00\nConnection failed.\n"},
		{name: "analyses in a fleet name the host", print: func(p *printer) {
			p.analyses("job on beta", []Analysis{{Host: "beta", Service: "job", Source: "rules", Text: "Status failed.", At: at}}, true)
		}, want: "job on beta · rules · 2026-11-24 11:00:00\nStatus failed.\n"},
		{name: "analyse a healthy service", print: func(p *printer) {
			p.analyses("sshd", []Analysis{{Service: "sshd", Healthy: true}}, false)
		}, want: "sshd is healthy: Monit reports no failure, so there is nothing to analyse.\n"},
		{name: "proposals", print: func(p *printer) {
			p.proposals([]Proposal{{ID: "p1", Action: "restart", Service: "vpn", Command: "systemctl restart vpn", ExpiresAt: testNow.Add(90 * time.Second), ProposedBy: "mother"},
				{ID: "p2", Action: "stop", Service: "x", ExpiresAt: at}})
		}, want: "ID  ACTION   SERVICE  COMMAND                EXPIRES   BY\n" +
			"p1  restart  vpn      systemctl restart vpn  in 1m30s  mother\n" +
			"p2  stop     x                               expired\n"},
		{name: "proposals on hosts", print: func(p *printer) {
			p.proposal(Proposal{ID: "p1", Action: "monit_restart", Host: "web2", Service: "job", Command: "monit restart job"})
			p.proposals([]Proposal{{ID: "p1", Action: "monit_restart", Host: "web2\x1b[2J", Service: "job", Command: "monit restart job"}})
		}, want: "Proposal p1: monit_restart job on web2\n  command: monit restart job\n" +
			"ID  ACTION         SERVICE         COMMAND            EXPIRES  BY\n" +
			"p1  monit_restart  job on web2[2J  monit restart job\n"},
		{name: "no proposals", print: func(p *printer) { p.proposals(nil) }, want: "No pending proposals.\n"},
		{name: "one proposal", print: func(p *printer) {
			p.proposal(Proposal{ID: "p1", Action: "restart", Service: "vpn", Command: "systemctl restart vpn", ExpiresAt: testNow.Add(5 * time.Minute), ProposedBy: "mother"})
		}, want: "Proposal p1: restart vpn\n  command: systemctl restart vpn\n  expires in 5m0s, proposed by mother\n"},
		{name: "simulated proposal", print: func(p *printer) {
			p.proposal(Proposal{ID: "p1", Action: "monit_restart", Service: "sleeper", Command: "monit restart sleeper", Simulated: true})
			p.proposals([]Proposal{{ID: "p1", Action: "monit_restart", Service: "sleeper", Command: "monit restart sleeper", Simulated: true}})
		}, want: "Proposal p1: monit_restart sleeper\n  command: monit restart sleeper\n" +
			"  simulated: Monit is read from a file, so approving it runs nothing\n" +
			"ID  ACTION         SERVICE  COMMAND                            EXPIRES  BY\n" +
			"p1  monit_restart  sleeper  monit restart sleeper (simulated)\n"},
		{name: "simulated approval", print: func(p *printer) {
			p.execResult(ExecResult{ID: "p1", Command: "monit restart sleeper", Status: "simulated", ExitCode: -1,
				Output: "simulated, nothing ran: monit restart sleeper (Monit is read from the file demo.xml)"})
			p.audit([]AuditEntry{{At: at, Action: "monit_restart", Service: "sleeper", Command: "monit restart sleeper",
				Result: "dry_run", Source: "user", Approved: true, Simulated: true}})
		}, want: "simulated, nothing ran: monit restart sleeper\n" +
			"simulated, nothing ran: monit restart sleeper (Monit is read from the file demo.xml)\n" +
			"AT                   ACTION         SERVICE  RESULT                  APPROVED  BY    COMMAND\n" +
			"2026-11-24 11:00:00  monit_restart  sleeper  simulated, nothing ran  yes       user  monit restart sleeper\n"},
		{name: "executed", print: func(p *printer) {
			p.execResult(ExecResult{ID: "p1", Command: "systemctl restart vpn", Status: "executed", Output: "done\n"})
		}, want: "executed: systemctl restart vpn (exit 0)\ndone\n"},
		{name: "executed and failed", print: func(p *printer) {
			p.execResult(ExecResult{ID: "p1", Command: "systemctl restart vpn", Status: "executed", ExitCode: 1, Error: "unit not found"})
		}, want: "executed: systemctl restart vpn (exit 1)\nerror: unit not found\n"},
		{name: "rejected", print: func(p *printer) { p.execResult(ExecResult{ID: "p1", Status: "rejected"}) }, want: "rejected: p1\n"},
		{name: "dry run", print: func(p *printer) { p.execResult(ExecResult{Command: "systemctl restart vpn", Status: "dry_run"}) },
			want: "dry run, would run: systemctl restart vpn\n"},
		{name: "refused", print: func(p *printer) {
			p.execResult(ExecResult{Command: "rm -rf /", Status: "refused", Error: "not whitelisted"})
		}, want: "refused: rm -rf /\nerror: not whitelisted\n"},
		{name: "refused without command", print: func(p *printer) {
			p.execResult(ExecResult{ID: "p9", Status: "refused", Error: "expired"})
		}, want: "refused: p9\nerror: expired\n"},
		{name: "audit", print: func(p *printer) {
			p.audit([]AuditEntry{{At: at, Action: "restart", Service: "vpn", Command: "systemctl restart vpn", Result: "executed", Source: "repl", Approved: true},
				{At: at, Action: "stop", Service: "x", Result: "failed", Error: "exit 5", Source: "api"}})
		}, want: "AT                   ACTION   SERVICE  RESULT          APPROVED  BY    COMMAND\n" +
			"2026-11-24 11:00:00  restart  vpn      executed        yes       repl  systemctl restart vpn\n" +
			"2026-11-24 11:00:00  stop     x        failed: exit 5  no        api\n"},
		{name: "audit on hosts", print: func(p *printer) {
			p.audit([]AuditEntry{{At: at, Action: "monit_restart", Host: "web2", Service: "job", Command: "monit restart job", Result: "executed", Source: "api", Approved: true}})
		}, want: "AT                   ACTION         SERVICE      RESULT    APPROVED  BY   COMMAND\n" +
			"2026-11-24 11:00:00  monit_restart  job on web2  executed  yes       api  monit restart job\n"},
		{name: "no audit", print: func(p *printer) { p.audit(nil) }, want: "No audit entries.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, buf := testPrinter(false)
			tt.print(p)
			if got := buf.String(); got != tt.want {
				t.Errorf("printed\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	p, buf := testPrinter(false)
	p.help()
	for _, c := range commands {
		if !strings.Contains(buf.String(), c.name) {
			t.Errorf("help() lacks %s:\n%s", c.name, buf.String())
		}
	}
}
