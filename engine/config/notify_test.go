package config

import (
	"strings"
	"testing"
	"time"
)

func TestNotifyConfig(t *testing.T) {
	c, err := Load("../../testdata/config/notify.yaml", env(nil))
	if err != nil {
		t.Fatalf("Load(notify.yaml) = %v", err)
	}
	targets := c.NotifyTargets()
	if len(targets) != 8 {
		t.Fatalf("%d targets, want 8", len(targets))
	}
	if n := targets[0]; n.MinDuration != 2*time.Minute || strings.Join(n.Events, ",") != "NEW,RECOVERED,FLAPPING" ||
		strings.Join(n.Hosts, ",") != "db?,*.lan" {
		t.Errorf("notify[0] = %+v", n)
	}
	o := c.NotifyOptions()
	if o.BaseURL != "https://intel.home.lan" || o.FlapChanges != 4 || o.FlapWindow != 15*time.Minute {
		t.Errorf("NotifyOptions() = %+v", o)
	}
	d := Default()
	if d.NotifyFlapping.Changes != 5 || d.NotifyFlapping.Window.D() != 30*time.Minute || len(d.Notify) != 0 {
		t.Errorf("defaults = %+v", d.NotifyFlapping)
	}
}

func TestNotifyConfigErrorsNameTheFieldAndHideSecrets(t *testing.T) {
	_, err := Load("../../testdata/config/notify_bad.yaml", env(nil))
	if err == nil {
		t.Fatal("Load(notify_bad.yaml) = nil, want errors")
	}
	for _, want := range []string{
		"notify_base_url", "notify_flapping.changes", "notify_flapping.window",
		"notify[0].url: must not be empty",
		`notify[1].url`, `unknown service "carrierpigeon"`,
		"notify[2].url: webhook", "has no host",
		"notify[3].url: telegram://REDACTED@telegram",
		`notify[3].events[1]: unknown kind "BROKEN"`, "NEW, CHANGED, RECOVERED",
		`notify[3].services[0]: bad glob "[web"`, "notify[3].hosts[0]", "notify[3].min_duration",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error shows a secret:\n%v", err)
	}
}
