// Package monittest runs a real Monit daemon for integration tests: a control file in a
// temporary directory, httpd with random credentials on a free loopback port (plain, or TLS
// with a self-signed certificate it makes) or on a unix socket, `set daemon 1`, and the
// caller's checks. Tests then read Monit through the engine/monit client, act on
// it through its HTTP interface or CLI, and change the world it watches with the script and
// file helpers.
//
// Start skips the test when monit is not installed, and fails it when CI=true. Everything is
// cleaned up with t.Cleanup: the daemon, and every process it started (found by an
// environment marker that Monit passes on to the programs it runs).
//
// It is test support: it must not be imported by non-test code, and it never touches
// anything outside its temporary directory and 127.0.0.1.
package monittest
