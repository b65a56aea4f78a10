package config

import (
	"testing"
)

func TestMonitURLAndTLS(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string // "" means valid
	}{
		{"unix socket URL", "monit: {url: unix:///run/monit.sock}", ""},
		{"bare socket path", "monit: {url: /run/monit/monit.sock}", ""},
		{"https with a CA", "monit: {url: https://127.0.0.1:2812, tls: {ca_file: /etc/monit/ca.pem, server_name: monit.lan}}", ""},
		{"https without verification", "monit: {url: https://127.0.0.1:2812, tls: {insecure_skip_verify: true}}", ""},
		{"no scheme", "monit: {url: \"127.0.0.1:2812\"}", "monit.url: \"127.0.0.1:2812\" has no scheme: did you mean http://127.0.0.1:2812?"},
		{"relative socket", "monit: {url: unix://monit.sock}", "monit.url: unix socket URL"},
		{"TLS on plain HTTP", "monit: {url: http://127.0.0.1:2812, tls: {ca_file: /x.pem}}", "monit.tls: applies to an https:// monit.url only"},
		{"unknown TLS key", "monit: {url: https://h:1, tls: {cafile: /x.pem}}", "unknown key monit.tls.cafile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkYAML(t, tt.yaml, tt.want) })
	}
	c := Default()
	c.Monit.URL = "https://127.0.0.1:2812"
	c.Monit.TLS = MonitTLS{CAFile: "/ca.pem", ServerName: "monit.lan", InsecureSkipVerify: true}
	if o := c.MonitOptions().TLS; o.CAFile != "/ca.pem" || o.ServerName != "monit.lan" || !o.InsecureSkipVerify {
		t.Errorf("MonitOptions().TLS = %+v, want the configured values", o)
	}
}
