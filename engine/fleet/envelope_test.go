package fleet

import (
	"fmt"
	"strings"
	"testing"
)

// TestReadEvents reads the events of a message from its tail, and falls back to the whole
// document where the tail's start is not plainly markup.
func TestReadEvents(t *testing.T) {
	event := func(service, message string) string {
		return fmt.Sprintf(`<event><collected_sec>1795507124</collected_sec><service>%s</service><id>512</id>`+
			`<state>1</state><message><![CDATA[%s]]></message></event>`, service, message)
	}
	program := func(output string) string {
		return `<service name="job"><type>7</type><program><output><![CDATA[` + output + `]]></output></program></service>`
	}
	for _, c := range []struct {
		name, doc string
		want      []string
	}{
		{"heartbeat sample", string(readSample(t, "heartbeat.xml")), []string{"Monit"}},
		{"event sample", string(readSample(t, "event.xml")), []string{"failing"}},
		{"no event", `<monit><services>` + program("ok") + `</services><servicegroups/></monit>`, nil},
		{"format 1: no <services>", `<monit><service name="job"/>` + event("job", "x") + `</monit>`, []string{"job"}},
		{"output imitating an event", `<monit><services>` + program(`</services>`+event("fake", "")) + `</services>` +
			event("job", "x") + `</monit>`, []string{"job"}},
		{"message holding </services>", `<monit><services>` + program("ok") + `</services>` +
			event("job", "<services></services>") + `</monit>`, []string{"job"}},
		{"two events", `<monit><services></services>` + event("a", "1") + event("b", "2") + `</monit>`, []string{"a", "b"}},
		{"truncated", `<monit><services></services>` + event("a", "1") + `<event><service>b`, []string{"a"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, e := range readEvents([]byte(c.doc)) {
				got = append(got, e.Service)
			}
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("readEvents() = %v, want %v", got, c.want)
			}
		})
	}
}
