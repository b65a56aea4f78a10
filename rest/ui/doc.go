// Package ui is the web interface served at /ui/: the overview of every service, a service's
// page, Mother's chat, the approvals and the audit log, behind a login.
//
// Pages are rendered on the server with html/template (everything from outside is escaped) and
// work before the script loads; static/ui.js only enhances them (live updates over SSE,
// charts with the vendored uPlot, Mother's streamed answers through the JSON API). Nothing is
// loaded from another origin.
//
// It owns the web sessions and the login; it reads through small interfaces (the board, the
// history, the logs, the approval flow, the audit log) and never opens a database itself.
// Approving needs the operator role; every proposal and decision it makes names the user.
package ui
