package config

import (
	"fmt"
	"net/url"
	"time"

	"monit-intel/engine/notify"
)

// Notify is one notification target: where to send and what.
type Notify struct {
	// URL is a shoutrrr service URL (ntfy://, slack://, smtp://, …) or an http(s):// URL, our
	// JSON webhook. It carries secrets: it is only ever shown redacted.
	URL string `yaml:"url"`
	// Events are the kinds to send (NEW, CHANGED, RECOVERED, FLAPPING, ANALYSIS, PROPOSAL and
	// any event kind the engine knows); empty: all.
	Events []string `yaml:"events"`
	// Services and Hosts are globs (path.Match) on Monit's names; empty: all.
	Services []string `yaml:"services"`
	Hosts    []string `yaml:"hosts"`
	// MinDuration holds a failure's message until it has lasted this long; a failure that
	// recovers first sends nothing.
	MinDuration Duration `yaml:"min_duration"`
}

// NotifyFlapping says when a service is flapping: Changes state changes within Window.
type NotifyFlapping struct {
	Changes int      `yaml:"changes"`
	Window  Duration `yaml:"window"`
}

// NotifyTargets returns the notification targets.
func (c Config) NotifyTargets() []notify.Target {
	out := make([]notify.Target, 0, len(c.Notify))
	for _, n := range c.Notify {
		out = append(out, notify.Target{URL: n.URL, Events: n.Events, Services: n.Services, Hosts: n.Hosts,
			MinDuration: n.MinDuration.D()})
	}
	return out
}

// NotifyOptions returns the notifier's options.
func (c Config) NotifyOptions() notify.Options {
	return notify.Options{BaseURL: c.NotifyBaseURL, FlapChanges: c.NotifyFlapping.Changes,
		FlapWindow: c.NotifyFlapping.Window.D()}
}

func (c Config) validateNotify() []error {
	var errs []error
	for i, t := range c.NotifyTargets() {
		if err := t.Validate(fmt.Sprintf("notify[%d]", i)); err != nil {
			errs = append(errs, err)
		}
	}
	if c.NotifyBaseURL != "" {
		u, err := url.Parse(c.NotifyBaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			errs = append(errs, fmt.Errorf("notify_base_url: want the web UI's address as people reach it, such as https://monit-intel.home.lan, got %q", redactURL(c.NotifyBaseURL)))
		}
	}
	if f := c.NotifyFlapping; f.Changes < 2 {
		errs = append(errs, fmt.Errorf("notify_flapping.changes: must be at least 2, got %d", f.Changes))
	}
	if f := c.NotifyFlapping; f.Window.D() < time.Minute {
		errs = append(errs, fmt.Errorf("notify_flapping.window: must be at least 1m, got %s", f.Window.D()))
	}
	return errs
}
