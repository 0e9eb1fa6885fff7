package content

import (
	"fmt"
	"time"

	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// HotTopicLate reports whether hot-topic content missed its 24-hour SLA: not
// published by start+24h (when now is past that), or published after it.
func HotTopicLate(start, published *time.Time, now time.Time) bool {
	if start == nil {
		return false
	}
	deadline := start.Add(HotTopicSLA)
	if published != nil {
		return published.After(deadline)
	}
	return now.After(deadline)
}

// TimeSlot is a posting window in minutes after midnight, [Start, End).
type TimeSlot struct{ Start, End int }

// String formats the slot as HH:MM-HH:MM.
func (s TimeSlot) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.Start/60, s.Start%60, s.End/60, s.End%60)
}

// ParseSlot reads HH:MM-HH:MM (24:00 allowed as an end).
func ParseSlot(s string) (TimeSlot, error) {
	st, en, err := schematype.ParseSlot(s)
	return TimeSlot{st, en}, err
}

// Cadence is a store's publishing target.
type Cadence struct {
	WeekdayPosts, WeekendPosts int
	DeepOnWeekends             bool
	Slots                      []TimeSlot
}

// DefaultCadence is the playbook's rhythm: a light post each weekday, a deep
// one each weekend day, in the slots 8–10, 11:30–13:30 and 18–24.
var DefaultCadence = Cadence{WeekdayPosts: 1, WeekendPosts: 1, DeepOnWeekends: true,
	Slots: []TimeSlot{{8 * 60, 10 * 60}, {11*60 + 30, 13*60 + 30}, {18 * 60, 24 * 60}}}

// DeepMinRunes is the body length from which an article or video script counts
// as a deep post (深度内容); live streams are always deep, topic posts never.
const DeepMinRunes = 600

// Deep reports whether content is a deep post.
func Deep(kind string, bodyRunes int) bool {
	switch kind {
	case "LIVE":
		return true
	case "TOPIC":
		return false
	}
	return bodyRunes >= DeepMinRunes
}

// Item is a piece of content on the calendar.
type Item struct {
	ID            int
	Kind          string
	BodyRunes     int
	Status        Status
	ScheduledAt   *time.Time
	PublishedAt   *time.Time
	HotTopicStart *time.Time
}

// At is when the item is (or was) out: published time, else scheduled time.
func (it Item) At() *time.Time {
	if it.PublishedAt != nil {
		return it.PublishedAt
	}
	return it.ScheduledAt
}

// Breaches of the cadence.
const (
	BreachGap           = "GAP"
	BreachNoDeepPost    = "NO_DEEP_POST"
	BreachDeepOnWeekday = "DEEP_ON_WEEKDAY"
	BreachOffSlot       = "OFF_SLOT"
	BreachHotTopicLate  = "HOT_TOPIC_LATE"
)

// Day is one store day of the calendar.
type Day struct {
	Date                   string // YYYY-MM-DD in the store's zone
	Scheduled, Due, Posted []int  // content ids
	Target                 int
	Breaches               []string
}

// Plan lays items out over the days [from, to) in loc and flags breaches of
// c: fewer posts than the target (GAP), a weekend without a deep post or a
// deep post on a weekday (when c.DeepOnWeekends), a post outside the slots,
// and hot topics that missed their 24 h SLA (as of now).
func Plan(items []Item, from, to time.Time, loc *time.Location, c Cadence, now time.Time) []Day {
	if len(c.Slots) == 0 {
		c.Slots = DefaultCadence.Slots
	}
	type acc struct {
		day                   *Day
		deep, light           int
		offSlot, hotTopicLate bool
	}
	var days []*acc
	index := map[string]*acc{}
	start := time.Date(from.In(loc).Year(), from.In(loc).Month(), from.In(loc).Day(), 0, 0, 0, 0, loc)
	for d := start; d.Before(to); d = d.AddDate(0, 0, 1) {
		target := c.WeekdayPosts
		if weekend(d) {
			target = c.WeekendPosts
		}
		a := &acc{day: &Day{Date: d.Format("2006-01-02"), Target: target}}
		days = append(days, a)
		index[a.day.Date] = a
	}
	for _, it := range items {
		at := it.At()
		if at == nil {
			continue
		}
		local := at.In(loc)
		a := index[local.Format("2006-01-02")]
		if a == nil {
			continue
		}
		switch it.Status {
		case Scheduled:
			a.day.Scheduled = append(a.day.Scheduled, it.ID)
		case Due:
			a.day.Due = append(a.day.Due, it.ID)
		case Published:
			a.day.Posted = append(a.day.Posted, it.ID)
		default:
			continue
		}
		if Deep(it.Kind, it.BodyRunes) {
			a.deep++
		} else {
			a.light++
		}
		if !inSlots(local, c.Slots) {
			a.offSlot = true
		}
		if HotTopicLate(it.HotTopicStart, it.PublishedAt, now) {
			a.hotTopicLate = true
		}
	}
	out := make([]Day, len(days))
	for i, a := range days {
		d := a.day
		date, _ := time.ParseInLocation("2006-01-02", d.Date, loc)
		if a.deep+a.light < d.Target {
			d.Breaches = append(d.Breaches, BreachGap)
		}
		if c.DeepOnWeekends {
			if weekend(date) && a.deep == 0 && d.Target > 0 {
				d.Breaches = append(d.Breaches, BreachNoDeepPost)
			}
			if !weekend(date) && a.deep > 0 {
				d.Breaches = append(d.Breaches, BreachDeepOnWeekday)
			}
		}
		if a.offSlot {
			d.Breaches = append(d.Breaches, BreachOffSlot)
		}
		if a.hotTopicLate {
			d.Breaches = append(d.Breaches, BreachHotTopicLate)
		}
		out[i] = *d
	}
	return out
}

func weekend(t time.Time) bool { return t.Weekday() == time.Saturday || t.Weekday() == time.Sunday }

func inSlots(t time.Time, slots []TimeSlot) bool {
	m := t.Hour()*60 + t.Minute()
	for _, s := range slots {
		if m >= s.Start && m < s.End {
			return true
		}
	}
	return false
}
