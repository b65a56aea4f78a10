package approve

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"monit-intel/engine"
)

// TestActorIsRecorded checks that the user on whose behalf a request acts (set by REST from
// the authenticated principal) is named for each proposal, approval and rejection.
func TestActorIsRecorded(t *testing.T) {
	e := newEnv(t)
	var logs bytes.Buffer
	e.flow.log = slog.New(slog.NewTextHandler(&logs, nil))
	ctx := engine.WithActor(t.Context(), "ripley")
	p1, err := e.flow.Propose(ctx, engine.SuggestedAction{Action: "restart", Service: "nordvpn_status"}, engine.SourceUser, "session a")
	if err != nil {
		t.Fatal(err)
	}
	p2, err := e.flow.Propose(engine.WithActor(t.Context(), "api"), engine.SuggestedAction{Action: "restart", Service: "sshd"}, engine.SourceAPI, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.flow.Execute(ctx, p1.ID, true, false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.flow.Execute(engine.WithActor(t.Context(), "dallas"), p2.ID, false, false); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`msg="proposed action" proposal_id=id1 action=systemctl_restart host="" service=nordvpn_status source=user actor=ripley`,
		`msg="proposed action" proposal_id=id2 action=monit_restart host="" service=sshd source=api actor=api`,
		`msg="approved action" proposal_id=id1 action=systemctl_restart host="" service=nordvpn_status source=user actor=ripley result=executed`,
		`msg="rejected action" proposal_id=id2 action=monit_restart host="" service=sshd actor=dallas`,
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, logs.String())
		}
	}
}
