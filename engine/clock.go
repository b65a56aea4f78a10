package engine

import (
	"fmt"
	"time"
)

// MaxClockSkew is how far Monit's clock may be from monit-intel's before /health says so.
const MaxClockSkew = 5 * time.Minute

// ClockCheck compares Monit's clock with monit-intel's at one cycle. Monit stamps each
// service with the time it tested it; the newest of those stamps is at most one poll
// interval old when both clocks agree.
type ClockCheck struct {
	// OffsetSec is the newest collection time minus the time monit-intel recorded the
	// document, less Monit's poll interval when negative: positive when Monit's clock is
	// ahead, negative when it is behind (or the document is late).
	OffsetSec int64
	Skewed    bool
	Detail    string
}

// CheckClock checks the status fetched at recordedAt. A document without services says nothing.
func CheckClock(st Status, recordedAt time.Time) ClockCheck {
	var newest time.Time
	for _, s := range st.Services {
		if s.CollectedAt.After(newest) {
			newest = s.CollectedAt
		}
	}
	if newest.IsZero() {
		return ClockCheck{}
	}
	ahead := newest.Sub(recordedAt)
	if ahead > 0 {
		c := ClockCheck{OffsetSec: int64(ahead / time.Second)}
		if ahead > MaxClockSkew {
			c.Skewed = true
			c.Detail = fmt.Sprintf("Monit's clock on %s is %s ahead of monit-intel's", st.Host, ahead.Round(time.Second))
		}
		return c
	}
	poll := time.Duration(st.PollSec) * time.Second
	behind := -ahead - poll
	if behind <= 0 {
		return ClockCheck{}
	}
	c := ClockCheck{OffsetSec: -int64(behind / time.Second)}
	if behind > MaxClockSkew {
		c.Skewed = true
		c.Detail = fmt.Sprintf("Monit on %s last collected %s ago (poll interval %s): its clock is behind "+
			"monit-intel's or the document is late", st.Host, (-ahead).Round(time.Second), poll)
	}
	return c
}
