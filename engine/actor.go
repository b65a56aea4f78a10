package engine

import "context"

type actorKey struct{}

// WithActor returns a copy of ctx naming the user on whose behalf a request acts: who
// proposes, approves or rejects an action. The REST layer sets it from the authenticated
// principal ("api" for the API token); the approval flow reads it for its records.
func WithActor(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, actorKey{}, name)
}

// ActorFrom returns the name set by WithActor, or "" when the caller named no one.
func ActorFrom(ctx context.Context) string {
	name, _ := ctx.Value(actorKey{}).(string)
	return name
}
