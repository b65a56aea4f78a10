package mother

import (
	"fmt"
	"strings"
	"testing"
)

// bigFleet is 200 services with unit names, as a large host might have.
func bigFleet() ([]string, map[string][]string) {
	var known []string
	units := map[string][]string{}
	for i := range 200 {
		n := fmt.Sprintf("svc%03d_%s", i, []string{"status", "backup", "conn", "proxy", "worker"}[i%5])
		known = append(known, n)
		units[n] = []string{fmt.Sprintf("unit%03d.service", i)}
	}
	return known, units
}

func BenchmarkRecognise(b *testing.B) {
	bigKnown, bigUnits := bigFleet()
	long := strings.Repeat("why is nordvpn_stauts failing and what about the backup? ", 40)
	cases := []struct {
		name, msg string
		known     []string
		units     map[string][]string
	}{
		{"fleet/why", "why is system_backup failing?", fleet, fleetUnits},
		{"fleet/typo", "show me the last 5 failures of nordvpn stauts", fleet, fleetUnits},
		{"fleet/action", "please restart nordvpnd", fleet, fleetUnits},
		{"fleet/long", long, fleet, fleetUnits},
		{"200/why", "why is svc042_proxy failing?", bigKnown, bigUnits},
		{"200/typo", "show me the last 5 failures of svc042_prxoy", bigKnown, bigUnits},
		{"200/unknown", "anything I should worry about tonight?", bigKnown, bigUnits},
		{"200/long", long, bigKnown, bigUnits},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Recognise(c.msg, testNow, Known{Names: c.known, Aliases: c.units})
			}
		})
	}
}

func BenchmarkBuildPrompt(b *testing.B) {
	for _, numCtx := range []int{2048, 8192, 32768} {
		b.Run(fmt.Sprint(numCtx), func(b *testing.B) {
			tr := bigTurn(numCtx) // the data is gathered once; building the prompt is measured
			b.ReportAllocs()
			for b.Loop() {
				tr.buildPrompt(testNonce)
			}
		})
	}
}
