package fleet

import (
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"time"
)

// envelope is what a collector message carries besides the status that engine/monit reads:
// the events. There is deliberately no field for <credentials>: they are never copied out of
// the body.
type envelope struct {
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
	State   EventState
}

// EventState is Monit's State_Type of an event: whether the event's test failed, succeeded
// again, changed or did not change. An event of a test that succeeded carries the test's name
// as it reads when it fails ("Does not exist" for a process that is back): log it with its
// state, never alone.
type EventState int

// Monit's event states (State_Type in monit.h).
const (
	EventSucceeded  EventState = 0
	EventFailed     EventState = 1
	EventChanged    EventState = 2
	EventChangedNot EventState = 4
	EventInit       EventState = 8
)

// String words the state as Monit does: "succeeded", "failed", "changed", "changed not".
func (s EventState) String() string {
	switch s {
	case EventSucceeded:
		return "succeeded"
	case EventFailed:
		return "failed"
	case EventChanged:
		return "changed"
	case EventChangedNot:
		return "changed not"
	case EventInit:
		return "init"
	}
	return "state " + strconv.Itoa(int(s))
}

// readEvents decodes the message's events. It is lenient (the status itself has been read
// strictly by engine/monit): a part it cannot read is left out.
//
// Monit writes its event after the services (<services>…</services><servicegroups>…
// </servicegroups><event>…</event></monit>), so only the tail after the last </services>
// is decoded: the document has been decoded once already, and decoding it again cost as
// much as a third of a push. When that boundary is not plainly markup (there is none, as
// in format 1, or it lies inside a CDATA section), the whole document is decoded.
func readEvents(body []byte) []MonitEvent {
	doc := io.Reader(bytes.NewReader(body))
	if i := bytes.LastIndex(body, []byte("</services>")); i >= 0 {
		tail := body[i+len("</services>"):]
		end, start := bytes.Index(tail, []byte("]]>")), bytes.Index(tail, []byte("<![CDATA["))
		if end < 0 || (start >= 0 && start < end) {
			doc = io.MultiReader(strings.NewReader("<monit>"), bytes.NewReader(tail))
		}
	}
	dec := xml.NewDecoder(doc)
	dec.Strict = false
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var env envelope
	_ = dec.Decode(&env) // what was decoded before an error is kept
	events := make([]MonitEvent, 0, len(env.Events))
	for _, e := range env.Events {
		events = append(events, MonitEvent{
			At:      time.Unix(e.CollectedSec, e.CollectedUsec*int64(time.Microsecond)).UTC(),
			Service: e.Service, ID: e.ID, State: EventState(e.State),
		})
	}
	return events
}
