package ui

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"monit-intel/engine"
)

type auditData struct {
	Entries    []engine.AuditEntry
	Service    string
	User       string
	Kind       string
	Kinds      []string
	Verified   bool
	Rows       int
	VerifyErr  string
	Configured bool
	CSV        string
}

// auditLimit is how many of the newest rows the page and the export filter.
const auditLimit = 1000

var auditKinds = []string{engine.AuditProposed, engine.AuditApproved, engine.AuditRejected, engine.AuditExecuted,
	engine.AuditFailed, engine.AuditRefused, engine.AuditDryRun}

func (u *UI) audit(w http.ResponseWriter, r *http.Request, _ Principal) {
	d, err := u.auditData(r.Context(), r)
	if err != nil {
		u.fail(w, r, http.StatusInternalServerError, "The audit log could not be read: "+err.Error())
		return
	}
	if d.Configured {
		n, err := u.deps.Audit.VerifyAudit(r.Context())
		d.Rows, d.Verified = n, err == nil
		if err != nil {
			d.VerifyErr = err.Error()
		}
	}
	u.render(w, r, http.StatusOK, "audit", "Audit", d)
}

func (u *UI) auditData(ctx context.Context, r *http.Request) (auditData, error) {
	q := r.URL.Query()
	d := auditData{Service: q.Get("service"), User: q.Get("user"), Kind: q.Get("kind"), Kinds: auditKinds,
		Configured: u.deps.Audit != nil}
	d.CSV = "/ui/audit.csv?" + q.Encode()
	if !d.Configured {
		return d, nil
	}
	all, err := u.deps.Audit.AuditEntries(ctx, auditLimit)
	if err != nil {
		return d, err
	}
	for _, e := range all {
		if (d.Service == "" || e.Service == d.Service) && (d.Kind == "" || e.Result == d.Kind) &&
			(d.User == "" || e.Actor == d.User || strings.Contains(e.Proposer, d.User)) {
			d.Entries = append(d.Entries, e)
		}
	}
	return d, nil
}

// auditCSV exports the filtered rows. Cells that a spreadsheet would take for a formula are
// prefixed with a quote (CWE-1236): service names and output come from outside.
func (u *UI) auditCSV(w http.ResponseWriter, r *http.Request, _ Principal) {
	d, err := u.auditData(r.Context(), r)
	if err != nil {
		http.Error(w, "read the audit log: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="monit-intel-audit-%s.csv"`, u.opts.Now().UTC().Format("20060102-150405")))
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "at", "user", "proposer", "source", "action", "host", "service", "command", "result", "exit_code", "error", "proposal_id", "hash"})
	for _, e := range d.Entries {
		code := ""
		if e.ExitCode != nil {
			code = strconv.Itoa(*e.ExitCode)
		}
		rec := []string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Proposer, e.Source, e.Action,
			e.Host, e.Service, e.Command, e.Result, code, e.Error, e.ProposalID, e.Hash}
		for i := range rec {
			rec[i] = csvSafe(rec[i])
		}
		cw.Write(rec)
	}
	cw.Flush()
}

func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
