package repl

import (
	"fmt"
	"slices"
	"testing"
)

func TestComplete(t *testing.T) {
	data := completionData{
		services: []suggestion{{text: "nordvpn_status", desc: "ONGOING"}, {text: "root_fs"}, {text: "system_backup"}, {text: "nginx"}},
		hosts:    []suggestion{{text: "alpha"}, {text: "gamma"}, {text: "nas"}},
		verbs:    []string{"restart", "start", "stop"},
		ids:      []suggestion{{text: "p1"}, {text: "p2"}},
	}
	tests := []struct {
		name   string
		before string
		want   []string
	}{
		{name: "empty", before: "", want: nil},
		{name: "slash alone lists every command", before: "/", want: []string{"/status", "/failing", "/history", "/logs",
			"/analyze", "/actions", "/approve", "/reject", "/suggest", "/audit", "/clear", "/help", "/quit"}},
		{name: "command prefix", before: "/a", want: []string{"/analyze", "/actions", "/approve", "/audit"}},
		{name: "command prefix any case", before: "/ST", want: []string{"/status"}},
		{name: "unknown command", before: "/zz", want: nil},
		{name: "service after logs", before: "/logs n", want: []string{"nginx", "nordvpn_status"}},
		{name: "all services after space", before: "/history ", want: []string{"nginx", "nordvpn_status", "root_fs", "system_backup"}},
		{name: "service by part", before: "/analyze backup", want: []string{"system_backup"}},
		{name: "whole-name matches first", before: "/logs s", want: []string{"system_backup", "nordvpn_status"}},
		{name: "hosts after the count", before: "/logs nginx 5 ", want: []string{"alpha", "gamma", "nas"}},
		{name: "hosts after the service", before: "/history nginx ", want: []string{"alpha", "gamma", "nas"}},
		{name: "host after the service", before: "/analyze nginx g", want: []string{"gamma"}},
		{name: "host after on in history", before: "/history nginx 3 on ", want: []string{"alpha", "gamma", "nas"}},
		{name: "host after on, before the count", before: "/logs nginx on n", want: []string{"nas"}},
		{name: "nothing after the host", before: "/analyze nginx gamma ", want: nil},
		{name: "hosts for failing", before: "/failing on a", want: []string{"alpha"}},
		{name: "hosts for status", before: "/status ", want: []string{"alpha", "gamma", "nas"}},
		{name: "no args for audit", before: "/audit ", want: nil},
		{name: "verb first for suggest", before: "/suggest st", want: []string{"start", "stop"}},
		{name: "service second for suggest", before: "/suggest restart no", want: []string{"nordvpn_status"}},
		{name: "host third for suggest", before: "/suggest restart nginx g", want: []string{"gamma"}},
		{name: "ids for approve", before: "/approve ", want: []string{"p1", "p2"}},
		{name: "unknown command args", before: "/nope x", want: nil},
		{name: "free text short word", before: "why is ng", want: nil},
		{name: "host after on", before: "restart nginx on a", want: []string{"alpha"}},
		{name: "host after on, any case", before: "restart nginx ON G", want: []string{"gamma"}},
		{name: "host after on in a command", before: "/status on n", want: []string{"nas"}},
		{name: "no host: other words", before: "restart nginx on nord", want: []string{"nordvpn_status"}},
		{name: "on alone offers nothing yet", before: "restart nginx on ", want: nil},
		{name: "free text service", before: "why is nord", want: []string{"nordvpn_status"}},
		{name: "free text after space", before: "why is nordvpn_status ", want: nil},
		{name: "free text no match", before: "hello", want: nil},
		{name: "free text verb", before: "rest", want: []string{"restart"}},
		{name: "free text verb after words", before: "please sto", want: []string{"stop"}},
		{name: "free text verb short word", before: "st", want: nil},
		{name: "free text services before verbs", before: "why does sta", want: []string{"nordvpn_status", "start"}},
		{name: "free text service then verb", before: "nordvpn_status res", want: []string{"restart"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range complete(tt.before, data) {
				got = append(got, s.text)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("complete(%q) = %q, want %q", tt.before, got, tt.want)
			}
		})
	}
}

func TestCompleteDescribesCommands(t *testing.T) {
	got := complete("/hist", completionData{})
	want := []suggestion{{text: "/history", desc: "SERVICE [N] [on HOST] last N failure events"}}
	if !slices.Equal(got, want) {
		t.Errorf("complete(/hist) = %+v, want %+v", got, want)
	}
}

// BenchmarkComplete measures one keystroke's completion against a large home setup: go-prompt
// calls the completer on every key.
func BenchmarkComplete(b *testing.B) {
	var d completionData
	for i := range 500 {
		d.services = append(d.services, suggestion{text: fmt.Sprintf("service_%03d_check", i), desc: "OK"})
	}
	inputs := []string{"/logs service_1", "/analyze check", "why is service_42", "/a"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		complete(inputs[i%len(inputs)], d)
	}
}
