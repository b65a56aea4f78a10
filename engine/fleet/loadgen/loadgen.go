package loadgen

import (
	"fmt"
	"strings"
	"time"
)

// Fleet describes the synthetic fleet.
type Fleet struct {
	Hosts    int
	Services int           // per host, the system included
	Interval time.Duration // Monit's poll (<poll>), the heartbeat period
}

// HostName is host i's localhostname.
func HostName(i int) string { return fmt.Sprintf("host%04d", i) }

// MonitID is host i's Monit id (32 hex digits).
func MonitID(i int) string { return fmt.Sprintf("%032x", i+1) }

// Message returns host i's message at time at. A third of the services are programs, the
// rest processes; when failing, the host's first program reports a failed status.
func (f Fleet) Message(i int, at time.Time, failing bool) []byte {
	var b strings.Builder
	b.Grow(f.Services * 700)
	sec, usec := at.Unix(), at.Nanosecond()/1000
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="ISO-8859-1"?><monit id="%s" incarnation="%d" version="5.33.0">`,
		MonitID(i), sec-3600)
	fmt.Fprintf(&b, `<server><uptime>3600</uptime><poll>%d</poll><startdelay>0</startdelay><localhostname>%s</localhostname>`+
		`<controlfile>/etc/monit/monitrc</controlfile><httpd><address>127.0.0.1</address><port>2812</port><ssl>0</ssl></httpd>`+
		`<credentials><username>admin</username><password>loadgen-secret</password></credentials></server>`,
		int(f.Interval.Seconds()), HostName(i))
	b.WriteString(`<platform><name>Linux</name><release>6.1</release><version>#1</version><machine>x86_64</machine>` +
		`<cpu>4</cpu><memory>16384000</memory><swap>0</swap></platform><services>`)
	common := func(name string, typ, status int) {
		fmt.Fprintf(&b, `<service name="%s"><type>%d</type><collected_sec>%d</collected_sec><collected_usec>%d</collected_usec>`+
			`<status>%d</status><status_hint>0</status_hint><monitor>1</monitor><monitormode>0</monitormode>`+
			`<onreboot>0</onreboot><pendingaction>0</pendingaction>`, name, typ, sec, usec, status)
	}
	common(HostName(i), 5, 0)
	fmt.Fprintf(&b, `<system><load><avg01>%.2f</avg01><avg05>0.21</avg05><avg15>0.08</avg15></load><cpu><user>10.4</user>`+
		`<system>3.8</system><wait>0.0</wait></cpu><memory><percent>21.6</percent><kilobyte>3905200</kilobyte></memory>`+
		`<swap><percent>0.0</percent><kilobyte>0</kilobyte></swap></system></service>`, float64(sec%300)/100)
	for s := 1; s < f.Services; s++ {
		if s%3 == 0 {
			status, exit := 0, 0
			if failing && s == 3 {
				status, exit = 2097152, 1
			}
			common(fmt.Sprintf("job%02d", s), 7, status)
			fmt.Fprintf(&b, `<program><started>%d</started><status>%d</status><output><![CDATA[job %d ran]]></output></program></service>`,
				sec-1, exit, s)
			continue
		}
		common(fmt.Sprintf("proc%02d", s), 3, 0)
		fmt.Fprintf(&b, `<pid>%d</pid><ppid>1</ppid><uptime>3600</uptime><threads>4</threads><children>0</children>`+
			`<memory><percent>1.2</percent><percenttotal>1.2</percenttotal><kilobyte>%d</kilobyte><kilobytetotal>%d</kilobytetotal></memory>`+
			`<cpu><percent>%.1f</percent><percenttotal>%.1f</percenttotal></cpu>`+
			`<filedescriptors><open>12</open><opentotal>12</opentotal><limit><soft>1024</soft><hard>4096</hard></limit></filedescriptors>`+
			`</service>`, 1000+s, 20000+sec%1000, 20000+sec%1000, float64(sec%50)/10, float64(sec%50)/10)
	}
	b.WriteString(`</services><servicegroups></servicegroups></monit>`)
	return []byte(b.String())
}
