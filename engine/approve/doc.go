// Package approve is the approval flow for actions: a proposal is validated against the
// whitelist (package act), stored as pending with a random, unguessable ID and an expiry, and
// runs only when Execute is called with that ID and approve set. Every step is written to the
// action audit log.
//
// The model can never approve. Nothing in the engine calls Execute: the only caller is the
// REST handler behind the API token (and so the REPL, through REST). Mother, analyses and the
// suggest endpoint only call Propose, and a proposal is data until a person approves it.
//
// A proposal names its host (Hosts): the one the caller's data gives, or the one host that has
// the service. This machine's host runs through the Runner; another host's Monit actions run
// through that host's own Runner (its hosts: entry), and without an entry, or for a systemd or
// journal action there, the proposal is refused. Before such an action is proposed, and again
// right before it runs, the status of the Monit at the entry's URL is read: unless that Monit
// answers as the host (its localhostname, and the Monit id the fleet knows from the host's
// pushes) the action is refused and nothing runs. What a Monit says only verifies the target
// the configuration chose; it never chooses one.
//
// It owns the order of the steps (claim, audit, re-validate, run, audit) and what each flow
// writes to the audit log; storage (Proposals, Audit) and running (Runner) are interfaces.
// It must not run a command except through Runner, nor import bolt, sqliteexport or rest.
//
// Audit rows per flow (results of engine.AuditEntry):
//
//	Propose, valid                      proposed
//	Propose, refused by act             refused (error_message says why; nothing stored)
//	Execute approve, command succeeds   approved, executed
//	Execute approve, command fails      approved, failed (exit code, output, error)
//	Execute approve, refused on re-validation or by the Runner
//	                                    approved, refused
//	Execute approve, targets unreadable approved, failed
//	Execute reject                      rejected
//	Execute dry run                     dry_run (error_message set when it would be refused)
//	Execute on an unknown, expired or used ID (any mode)
//	                                    refused
//
// So propose + approve + result is three rows. A proposal that expires untouched has only its
// proposed row. user_approved is true on approved rows and the result rows after them, and
// on a refused Execute that asked to approve; it is false everywhere else.
package approve
