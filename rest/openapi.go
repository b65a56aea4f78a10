package rest

import (
	"fmt"
	"reflect"

	"github.com/danielgtaylor/huma/v2"
)

// tags group the operations in the document (and in /docs), in this order.
var tags = []*huma.Tag{
	{Name: "monitoring", Description: "The daemon and the services Monit reports now."},
	{Name: "history", Description: "What happened: failure events, figures over time, logs."},
	{Name: "analysis", Description: "Why services fail: the rules' findings and the model's explanation."},
	{Name: "mother", Description: "Talking to Mother, the assistant, and what it remembers."},
	{Name: "actions", Description: "Whitelisted fixes: proposed, approved once by a person, audited."},
	{Name: "users", Description: "The web UI's accounts, managed with the API token (what `monit-intel user` calls while the daemon runs)."},
}

// opDoc is one operation's tag and description, kept here together so that the document reads
// as one text; New fails for an operation without one (a test builds a server).
type opDoc struct{ tag, description string }

var opDocs = map[string]opDoc{
	"root":   {"monitoring", "The API's name, version and the paths of its main endpoints."},
	"health": {"monitoring", "Whether the daemon works: its last ingest cycle, whether Monit and Ollama answered their last check, and the databases' sizes. `status` is `degraded` when a dependency is down. Needs no token."},
	"status": {"monitoring", "Every service of Monit's latest status with its failure state (OK, NEW, ONGOING, CHANGED, RECOVERED), since when it has been failing and how often it failed, ordered by host and name."},
	"history": {"history", "Failure events (NEW, CHANGED, RECOVERED; STALE and RECOVERED of service Monit for a host that went silent) newest first, of one service or of all, of one host (`host`) or of all. " +
		"A name that is neither in Monit's status nor in the history is a 404."},
	"hosts":             {"monitoring", "The Monit hosts: those that push to /collector and those polled (with their interval, last message and whether they are STALE), then those only the history knows."},
	"history-snapshots": {"history", "One service's snapshots with their figures (CPU, memory, exit status, disk use, response times), newest first, by default over the last 24 hours."},
	"trends": {"history", "One figure of a service over a window (default the last 24 hours): its readings oldest first, " +
		"and the latest, minimum, average and maximum with the time of the maximum (summary is null when the window holds no reading). An unknown service is a 404."},
	"logs":            {"history", "A service's log lines as the log registry reads them (a file, the newest file matching a glob, or the journal), redacted, oldest first."},
	"analyze":         {"analysis", "Analyses one service, or every failing one, now: the rules always, the model unless it already explained the same failure (`force` asks it again). Actions the model suggests become pending proposals."},
	"analyses":        {"analysis", "Stored analyses newest first, of one service or of all."},
	"mother-chat":     {"mother", "Asks Mother. Without `Accept: text/event-stream` the whole reply comes as JSON; with it, the answer streams as server-sent events: `chunk` events as the answer is generated, then one `done` event with the whole reply, or an `error` event."},
	"mother-history":  {"mother", "The turns Mother remembers of one conversation (session), oldest first."},
	"mother-clear":    {"mother", "Forgets one conversation (session)."},
	"actions-suggest": {"actions", "Proposes a whitelisted action on a service. Nothing runs: the proposal waits for a person's approval and expires. Refusals are audited."},
	"actions-execute": {"actions", "Approves (runs once), rejects, or dry-runs a pending proposal."},
	"actions-pending": {"actions", "Proposals waiting for approval."},
	"actions-audit":   {"actions", "The hash-chained audit log of proposals, approvals, rejections, refusals and results, newest first."},
	"users-list":      {"users", "The web UI's users with their roles (viewer reads; operator also proposes, approves and rejects), never their password hashes. Needs the API token: a web session is refused."},
	"users-put":       {"users", "Adds a user (`create: true`) or changes a user's role or password; a new password or role ends the user's web sessions. Needs the API token."},
	"users-delete":    {"users", "Deletes a user; their web sessions end at once. Needs the API token."},
}

// describe completes the document once every operation is registered: tags and
// descriptions, the servers, and arrays marked as never null.
func describe(api huma.API, listen string) error {
	oapi := api.OpenAPI()
	oapi.Tags = tags
	oapi.Info.Contact = &huma.Contact{Name: "monit-intel"}
	oapi.Servers = []*huma.Server{{URL: "http://" + listen, Description: "this daemon (the listen address)"}}
	for path, item := range oapi.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil {
				continue
			}
			d, ok := opDocs[op.OperationID]
			if !ok {
				return fmt.Errorf("openapi: operation %s (%s) has no tag and description in opDocs", op.OperationID, path)
			}
			op.Tags, op.Description = []string{d.tag}, d.description
		}
	}
	// huma's own error model: `errors` is omitted when empty, never null.
	if em := oapi.Components.Schemas.Map()["ErrorModel"]; em != nil {
		if p := em.Properties["errors"]; p != nil {
			p.Nullable = false
		}
	}
	return nil
}

// sseSchema describes a stream of server-sent events, one oneOf member per event type with
// its data's schema (the shape huma's sse package documents).
func sseSchema(reg huma.Registry, events []sseEvent) *huma.Schema {
	s := &huma.Schema{Type: "array", Title: "Server-sent events",
		Description: "Each member is one possible event, sent as `event: NAME` and `data: JSON` lines.",
		Items:       &huma.Schema{}}
	for _, e := range events {
		s.Items.OneOf = append(s.Items.OneOf, &huma.Schema{
			Type: "object", Title: "Event " + e.name, Description: e.description,
			Properties: map[string]*huma.Schema{
				"event": {Type: "string", Enum: []any{e.name}, Description: "the event type"},
				"data":  reg.Schema(e.data, true, ""),
			},
			Required: []string{"event", "data"},
		})
	}
	return s
}

// sseEvent is one event type of a stream.
type sseEvent struct {
	name, description string
	data              reflect.Type
}
