package mother

import (
	"testing"
	"time"
)

// TestReadWindow resolves time words against testNow, Wednesday 2026-11-25 14:30 UTC.
func TestReadWindow(t *testing.T) {
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 11, day, hour, minute, 0, 0, time.UTC) }
	now := testNow
	tests := []struct {
		msg          string
		since, until time.Time
	}{
		{"what failed last night", at(24, 18, 0), at(25, 8, 0)},
		{"anything overnight", at(24, 18, 0), at(25, 8, 0)},
		{"what failed yesterday", at(24, 0, 0), at(25, 0, 0)},
		{"since yesterday", at(24, 0, 0), now},
		{"yesterday between 2 and 4", at(24, 2, 0), at(24, 4, 0)},
		{"yesterday from 2pm to 4pm", at(24, 14, 0), at(24, 16, 0)},
		{"yesterday between 23 and 1", at(24, 23, 0), at(25, 1, 0)},
		{"between 19:00 and 20:00 on monday", at(23, 19, 0), at(23, 20, 0)},
		{"between 16 and 18", at(24, 16, 0), at(24, 18, 0)},
		{"this week", at(23, 0, 0), now},
		{"since monday", at(23, 0, 0), now},
		{"since last monday", at(23, 0, 0), now},
		{"since yesterday evening", at(24, 18, 0), now},
		{"the day before yesterday", at(23, 0, 0), at(24, 0, 0)},
		{"changes since 8am", at(25, 8, 0), now},
		{"last 90 minutes", at(25, 13, 0), now},
		{"on sunday", at(22, 0, 0), at(23, 0, 0)},
		{"since wednesday", at(25, 0, 0), now},
		{"saturday night", at(21, 18, 0), at(22, 8, 0)},
		{"yesterday afternoon", at(24, 12, 0), at(24, 18, 0)},
		{"this morning", at(25, 0, 0), at(25, 12, 0)},
		{"today", at(25, 0, 0), now},
		{"in the last 2 hours", at(25, 12, 30), now},
		{"past 3 days", at(22, 14, 30), now},
		{"changes 48h", at(23, 14, 30), now},
		{"last hour", at(25, 13, 30), now},
		{"over the weekend", at(21, 0, 0), at(23, 0, 0)},
		{"events from 2026-11-22", at(22, 0, 0), at(23, 0, 0)},
		{"since 2026-11-20", at(20, 0, 0), now},
		{"2 hours ago", at(25, 12, 30), now},
		{"what happened at 3am", at(25, 3, 0), now},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			got := readWindow(tt.msg, tokenize(tt.msg), now)
			if !got.Since.Equal(tt.since) || !got.Until.Equal(tt.until) {
				t.Errorf("readWindow(%q) = %v..%v, want %v..%v", tt.msg, got.Since, got.Until, tt.since, tt.until)
			}
		})
	}
	for _, msg := range []string{"good morning mother", "show me the last 3", "15 min load", "status", "tomorrow at 5"} {
		if got := readWindow(msg, tokenize(msg), now); got.Said() {
			t.Errorf("readWindow(%q) = %v..%v, want no window", msg, got.Since, got.Until)
		}
	}
}

// TestWindowWordsNameNoService: "night" in "last night" is a time, never nightly_dump.
func TestWindowWordsNameNoService(t *testing.T) {
	k := Known{Names: []string{"nightly_dump", "system_backup", "failing", "web_proxy", "media_server"},
		Aliases: map[string][]string{"media_server": {"jellyfin"}}}
	tests := []struct {
		msg      string
		kind     Kind
		services []string
	}{
		{"what failed last night", KindHistory, nil},
		{"why is web_proxy failing?", KindWhy, []string{"web_proxy"}},
		{"status of failing", KindStatus, []string{"failing"}},
		{"why is failing failing", KindWhy, []string{"failing"}},
		{`"failing" status`, KindStatus, []string{"failing"}},
		{"mem jellyfin 24h", KindFigures, []string{"media_server"}},
		{"did anything fail overnight", KindHistory, nil},
	}
	for _, tt := range tests {
		got := Recognise(tt.msg, testNow, k)
		if got.Kind != tt.kind || len(got.Services) != len(tt.services) || (len(tt.services) > 0 && got.Services[0] != tt.services[0]) {
			t.Errorf("Recognise(%q) = %s %v, want %s %v", tt.msg, got.Kind, got.Services, tt.kind, tt.services)
		}
	}
}
