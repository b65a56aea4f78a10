package engine

// AuditHead is the end of the action audit log as last written, kept outside the database
// (bbolt, and a log line at each append): with it, deleting the newest rows is detected even
// when the rest of the chain is intact.
type AuditHead struct {
	Rows    int64  // rows in the log
	LastID  int64  // the newest row's ID
	LastMAC string // the newest row's MAC (or SHA-256 hash for a row from before the keyed chain)
	// KeyedFrom is the first row of the keyed chain: rows before it were written before the
	// audit key existed and keep their SHA-256 chain, anchored by the first keyed row.
	KeyedFrom int64
}
