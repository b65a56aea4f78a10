// Package act is the only part of monit-intel that runs commands which change anything.
//
// It owns the action whitelist (systemctl restart/start/stop/status, Monit's
// start/stop/restart/monitor/unmonitor, and a read-only journalctl view), turns a requested
// action and target into an exact argument vector (Resolve), and runs it (Runner.Run) with a
// timeout and a cap on captured output. Monit actions go through Monit's HTTP action
// interface first and fall back to the monit CLI only when the HTTP interface cannot be
// reached and is on this machine (loopback or a unix socket). Another host's Monit (Options.MonitRemote) is reached through its HTTP interface
// only, and systemctl and journalctl are refused for another host's services: they would run
// on this machine. An answer that redirects to another origin is never followed.
//
// What it must not do: run a shell, run anything that is not in the whitelist, or put text
// from a user or the LLM into an argument vector. Targets come only from what the caller
// knows (Monit services seen in snapshots, systemd units mapped in the configuration) and
// must also pass strict name checks; Run checks a Command again before running it, so a
// Command built by hand is held to the same rules. It imports the standard library only.
package act
