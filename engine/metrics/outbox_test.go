package metrics

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

type fakeOutbox struct {
	n   int
	err error
}

func (f fakeOutbox) OutboxDepth(context.Context) (int, error) { return f.n, f.err }

func TestWatchOutbox(t *testing.T) {
	tests := []struct {
		name string
		box  fakeOutbox
		want string
	}{
		{"waiting", fakeOutbox{n: 3}, "monit_intel_notify_outbox_depth 3\n"},
		{"empty", fakeOutbox{}, "monit_intel_notify_outbox_depth 0\n"},
		{"unreadable", fakeOutbox{err: errors.New("state.db closed")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(&fakeBoard{}, nil)
			m.WatchOutbox(tt.box)
			want := ""
			if tt.want != "" {
				want = "# HELP monit_intel_notify_outbox_depth Notifications waiting in the outbox to be delivered (retries included).\n" +
					"# TYPE monit_intel_notify_outbox_depth gauge\n" + tt.want
			}
			err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want), "monit_intel_notify_outbox_depth")
			if err != nil {
				t.Errorf("scrape: %v", err)
			}
		})
	}
}
