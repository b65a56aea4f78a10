package engine

import "time"

// Turn is one exchange with Mother, as remembered in a session: the question, the whole
// answer as it was streamed, and the context that was gathered for it. Stores keep turns in
// the order of At.
type Turn struct {
	ID      int64 // the store's ID, set when the turn is read back; 0 before it is stored
	At      time.Time
	Session string
	Query   string // the user's message
	Answer  string // the whole answer: the facts rendered from the data, then the model's prose
	Intent  string // what Mother understood: "status", "history", "logs", "why", …
	// Services are the services the turn was about, as recognised in the message.
	Services []string
	// Hosts are the Monit hosts the turn was about: the one it named ("on web2"), the one
	// Mother was told after asking which, or the hosts of its services. A follow-up that
	// names no host takes a single one over.
	Hosts []string
	// Since and Until are the window the turn was about; zero when it had none. A follow-up
	// that names no time takes them over.
	Since, Until time.Time
	// Context is the data gathered for the model, as it appears in the prompt (fenced), even
	// when the model could not be reached; empty for answers that need no model (actions,
	// help, questions back).
	Context string
	// Logs are the redacted log lines that were read for the turn.
	Logs []string
	// Proposed are the actions Mother proposed; nothing ran because of them.
	Proposed  []SuggestedAction
	Model     string // the model that wrote the prose part; empty when none did
	ModelNote string // why the model's part is missing or short, in plain words
}
