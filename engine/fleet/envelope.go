package fleet

import (
	"bytes"
	"encoding/xml"
	"io"
	"time"
)

// envelope is what a collector message carries besides the status that engine/monit reads:
// the poll interval (how often a heartbeat comes) and the events. There is deliberately no
// field for <credentials>: they are never copied out of the body.
type envelope struct {
	Poll   int        `xml:"server>poll"`
	Events []xmlEvent `xml:"event"`
}

type xmlEvent struct {
	CollectedSec  int64  `xml:"collected_sec"`
	CollectedUsec int64  `xml:"collected_usec"`
	Service       string `xml:"service"`
	Type          int    `xml:"type"`
	ID            uint32 `xml:"id"`
	State         int    `xml:"state"`
	Action        int    `xml:"action"`
}

// MonitEvent is one <event> of a collector message: Monit tells that a service's state
// changed (REFERENCE 3.4). Its message is not kept: the status carries the facts.
type MonitEvent struct {
	At      time.Time
	Service string // "Monit" for the instance's own events
	ID      uint32 // Event_Type bit
	State   int    // 0 succeeded, 1 failed, 2 changed, 4 changed not
}

// readEnvelope decodes the poll interval and events. It is lenient (the status itself has
// been read strictly by engine/monit): a part it cannot read is left out.
func readEnvelope(body []byte) (time.Duration, []MonitEvent) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = false
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var env envelope
	_ = dec.Decode(&env) // what was decoded before an error is kept
	events := make([]MonitEvent, 0, len(env.Events))
	for _, e := range env.Events {
		events = append(events, MonitEvent{
			At:      time.Unix(e.CollectedSec, e.CollectedUsec*int64(time.Microsecond)).UTC(),
			Service: e.Service, ID: e.ID, State: e.State,
		})
	}
	return time.Duration(env.Poll) * time.Second, events
}
