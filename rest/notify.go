package rest

import (
	"context"
	"reflect"
	"time"

	"monit-intel/engine/notify"
)

// NotifyWebhook is the body monit-intel POSTs to a webhook notify target (a plain http(s)
// URL in the notify configuration), with the header Idempotency-Key set to its id. It is in
// the OpenAPI document's components so receivers can generate their types from it.
type NotifyWebhook notify.Message

// registerNotifySchema puts the webhook body into the OpenAPI components. (OpenAPI 3.1's
// webhooks would describe the request too, but huma's 3.0 document would then carry a key
// 3.0 does not have.)
func (s *Server) registerNotifySchema() {
	s.api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[NotifyWebhook](), true, "NotifyWebhook")
}

// NotifyStatus reports the notification outbox for /health.
type NotifyStatus interface {
	NotifyHealth(ctx context.Context) (NotifyHealth, error)
}

// NotifyHealth is the notification outbox's state; /health shows it with the token, when notify
// targets are configured.
type NotifyHealth struct {
	OutboxDepth int            `json:"outbox_depth" doc:"notifications waiting for their targets"`
	Targets     []NotifyTarget `json:"targets" nullable:"false"`
	Error       string         `json:"error,omitempty" doc:"reading the outbox failed"`
}

// NotifyTarget is one target's delivery state.
type NotifyTarget struct {
	Target      string    `json:"target" doc:"the notify URL, redacted"`
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
	LastSentAt  time.Time `json:"last_sent_at,omitzero"`
}

// notifyHealth is the notify part of /health, nil without notifications.
func (s *Server) notifyHealth(ctx context.Context) *NotifyHealth {
	if s.deps.Notify == nil {
		return nil
	}
	h, err := s.deps.Notify.NotifyHealth(ctx)
	if err != nil {
		h.Error = err.Error()
	}
	if h.Targets == nil {
		h.Targets = []NotifyTarget{}
	}
	return &h
}
