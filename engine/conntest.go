package engine

import (
	"fmt"
	"strconv"
)

// TestKind is the kind of a connection test Monit runs for a service.
type TestKind string

// The connection tests Monit reports: "if failed port …", "if failed unixsocket …" and
// "if failed ping".
const (
	TestPort TestKind = "port"
	TestUnix TestKind = "unix"
	TestIcmp TestKind = "icmp"
)

// ConnTest is one connection test of a snapshot, whatever its kind: what storage keys a test
// by and what the analysis names. Two tests on one port that differ in protocol or request
// path are two tests.
type ConnTest struct {
	Kind     TestKind
	Hostname string // port tests
	Port     int    // port tests
	Path     string // unix socket tests
	Type     string // TCP or UDP for ports; the ICMP type ("Ping") for icmp
	Protocol string // Monit's protocol name (HTTP, MYSQL, DEFAULT, …)
	Request  string // the request path of an HTTP test
	// ResponseSec is the response time; -1 when the test failed or has not run yet.
	ResponseSec float64
	// Failed is set when Monit reports the test's failure: no response and the service's
	// connection (or ICMP) bit set.
	Failed bool
}

// Tests returns every connection test of the snapshot: ports, unix sockets, then pings, in
// the order Monit printed each kind.
func (s Snapshot) Tests() []ConnTest {
	n := len(s.Ports) + len(s.Sockets) + len(s.Icmp)
	if n == 0 {
		return nil
	}
	conn := s.FailingBits()&BitConnection != 0
	out := make([]ConnTest, 0, n)
	for _, p := range s.Ports {
		out = append(out, ConnTest{Kind: TestPort, Hostname: p.Hostname, Port: p.Port, Type: p.Type,
			Protocol: p.Protocol, Request: p.Request, ResponseSec: p.ResponseSec, Failed: conn && p.ResponseSec < 0})
	}
	for _, u := range s.Sockets {
		out = append(out, ConnTest{Kind: TestUnix, Path: u.Path, Protocol: u.Protocol,
			ResponseSec: u.ResponseSec, Failed: conn && u.ResponseSec < 0})
	}
	icmp := s.FailingBits()&BitIcmp != 0
	for _, c := range s.Icmp {
		out = append(out, ConnTest{Kind: TestIcmp, Type: c.Type, ResponseSec: c.ResponseSec,
			Failed: icmp && c.ResponseSec < 0})
	}
	return out
}

// FailedTests returns the tests Monit reports as failed.
func (s Snapshot) FailedTests() []ConnTest {
	var out []ConnTest
	for _, t := range s.Tests() {
		if t.Failed {
			out = append(out, t)
		}
	}
	return out
}

// ResponseSummary is the one response time that stands for the service: -1 when any test
// failed (a passing figure never hides a failing test), else the slowest answer. ok is false
// when no test has answered yet.
func (s Snapshot) ResponseSummary() (sec float64, ok bool) {
	sec = -1
	for _, t := range s.Tests() {
		if t.Failed {
			return -1, true
		}
		if t.ResponseSec >= 0 && t.ResponseSec > sec {
			sec, ok = t.ResponseSec, true
		}
	}
	return sec, ok
}

// Name words the test the way people name it: "HTTP GET /api/ready on 127.0.0.1:8080",
// "MYSQL on db:3306", "port 127.0.0.1:22 (TCP)", "unix socket /run/php/fpm.sock", "ping (Ping)".
// Names come from the control file: sanitise them before they reach a prompt.
func (t ConnTest) Name() string {
	switch t.Kind {
	case TestUnix:
		if isDefaultProtocol(t.Protocol) {
			return "unix socket " + t.Path
		}
		return t.Protocol + " on unix socket " + t.Path
	case TestIcmp:
		if t.Type == "" {
			return "ping"
		}
		return "ping (" + t.Type + ")"
	}
	addr := t.Hostname + ":" + strconv.Itoa(t.Port)
	if t.Type == "UDP" {
		addr += " (UDP)"
	}
	switch {
	case isDefaultProtocol(t.Protocol):
		if t.Type == "UDP" {
			return "port " + addr
		}
		return "port " + addr + " (TCP)"
	case t.Request != "" && (t.Protocol == "HTTP" || t.Protocol == "HTTPS"):
		return fmt.Sprintf("%s GET %s on %s", t.Protocol, t.Request, addr)
	case t.Request != "":
		return fmt.Sprintf("%s %s on %s", t.Protocol, t.Request, addr)
	}
	return t.Protocol + " on " + addr
}

// Result words the test's outcome: "HTTP GET /api/ready on 127.0.0.1:8080 failed",
// "… answered in 0.7 ms", "… not tested yet".
func (t ConnTest) Result() string {
	switch {
	case t.Failed:
		return t.Name() + " failed"
	case t.ResponseSec < 0:
		return t.Name() + " not tested yet"
	}
	return fmt.Sprintf("%s answered in %.1f ms", t.Name(), t.ResponseSec*1000)
}

func isDefaultProtocol(p string) bool { return p == "" || p == "DEFAULT" }
