package insights

import (
	"errors"
	"fmt"
	"time"
)

// Date is a calendar day in a store's business time zone. It is kept as a
// time.Time at 00:00 UTC so that day arithmetic never meets a DST gap.
type Date struct{ t time.Time }

// NewDate is the calendar day y-m-d.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("not a YYYY-MM-DD day: %q", s)
	}
	return Date{t}, nil
}

// DateOf is the business day of instant t in time zone loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return NewDate(y, m, d)
}

// String is YYYY-MM-DD.
func (d Date) String() string { return d.t.Format(time.DateOnly) }

// AddDays moves n days.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// After reports whether d is later than e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.t.IsZero() }

// DaysUntil is the number of days from d to e (negative when e is earlier).
func (d Date) DaysUntil(e Date) int { return int(e.t.Sub(d.t).Hours() / 24) }

// Year, Month and Day of the date.
func (d Date) Year() int             { return d.t.Year() }
func (d Date) Month() time.Month     { return d.t.Month() }
func (d Date) Day() int              { return d.t.Day() }
func (d Date) Weekday() time.Weekday { return d.t.Weekday() }

// Start is the first instant of the business day in time zone loc.
func (d Date) Start(loc *time.Location) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
}

// Granularity is the kind of a reporting period.
type Granularity string

// Reporting periods.
const (
	Day     Granularity = "DAY"
	Week    Granularity = "WEEK" // ISO 8601 week, Monday to Sunday
	Month   Granularity = "MONTH"
	Quarter Granularity = "QUARTER"
	Custom  Granularity = "CUSTOM"
)

// MaxCustomDays bounds a custom range (a bit more than a year with its 同比).
const MaxCustomDays = 400

// Period is a half-open range of business days [From, To).
type Period struct {
	Kind     Granularity
	From, To Date // To is exclusive
}

// ErrPeriod reports an unusable period.
var ErrPeriod = errors.New("invalid period")

// PeriodOf is the day, ISO week, month or quarter containing day.
func PeriodOf(kind Granularity, day Date) (Period, error) {
	switch kind {
	case Day:
		return Period{Day, day, day.AddDays(1)}, nil
	case Week:
		off := (int(day.Weekday()) + 6) % 7 // Monday = 0
		from := day.AddDays(-off)
		return Period{Week, from, from.AddDays(7)}, nil
	case Month:
		from := NewDate(day.Year(), day.Month(), 1)
		return Period{Month, from, Date{from.t.AddDate(0, 1, 0)}}, nil
	case Quarter:
		m := time.Month((int(day.Month())-1)/3*3 + 1)
		from := NewDate(day.Year(), m, 1)
		return Period{Quarter, from, Date{from.t.AddDate(0, 3, 0)}}, nil
	}
	return Period{}, fmt.Errorf("%w: unknown kind %q", ErrPeriod, kind)
}

// CustomPeriod is the range of days from first to last, both included.
func CustomPeriod(first, last Date) (Period, error) {
	if last.Before(first) {
		return Period{}, fmt.Errorf("%w: the last day is before the first", ErrPeriod)
	}
	p := Period{Custom, first, last.AddDays(1)}
	if p.Days() > MaxCustomDays {
		return Period{}, fmt.Errorf("%w: longer than %d days", ErrPeriod, MaxCustomDays)
	}
	return p, nil
}

// Days is the number of days in the period.
func (p Period) Days() int { return p.From.DaysUntil(p.To) }

// Last is the last day in the period.
func (p Period) Last() Date { return p.To.AddDays(-1) }

// Contains reports whether day falls in the period.
func (p Period) Contains(day Date) bool { return !day.Before(p.From) && day.Before(p.To) }

// Label is a short human name: 2026-11-11, 2026-W47, 2026-11, 2026-Q4 or first~last.
func (p Period) Label() string {
	switch p.Kind {
	case Day:
		return p.From.String()
	case Week:
		y, w := p.From.t.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	case Month:
		return p.From.t.Format("2006-01")
	case Quarter:
		return fmt.Sprintf("%d-Q%d", p.From.Year(), (int(p.From.Month())-1)/3+1)
	}
	return p.From.String() + "~" + p.Last().String()
}

// Previous is the period before (环比): the previous day, ISO week, month or
// quarter; for a custom range, the same number of days just before it.
func (p Period) Previous() Period {
	switch p.Kind {
	case Month:
		from := Date{p.From.t.AddDate(0, -1, 0)}
		return Period{Month, from, p.From}
	case Quarter:
		from := Date{p.From.t.AddDate(0, -3, 0)}
		return Period{Quarter, from, p.From}
	}
	n := p.Days()
	return Period{p.Kind, p.From.AddDays(-n), p.From}
}

// YearAgo is the same period a year earlier (同比): the same calendar day
// (29 February maps to 28 February), month or quarter; the ISO week with the same
// number (week 53 maps to week 52); a custom range shifted by a year.
func (p Period) YearAgo() Period {
	switch p.Kind {
	case Day:
		d := p.From
		y := NewDate(d.Year()-1, d.Month(), d.Day())
		if y.Month() != d.Month() { // 29 Feb → 1 Mar: step back
			y = y.AddDays(-1)
		}
		return Period{Day, y, y.AddDays(1)}
	case Week:
		y, w := p.From.t.ISOWeek()
		from := isoWeekStart(y-1, w)
		if yy, _ := from.t.ISOWeek(); yy != y-1 { // no week 53 last year
			from = isoWeekStart(y-1, w-1)
		}
		return Period{Week, from, from.AddDays(7)}
	case Month, Quarter:
		from := NewDate(p.From.Year()-1, p.From.Month(), 1)
		to := NewDate(p.To.Year()-1, p.To.Month(), 1)
		return Period{p.Kind, from, to}
	}
	from := yearBefore(p.From)
	return Period{Custom, from, from.AddDays(p.Days())}
}

func yearBefore(d Date) Date {
	y := NewDate(d.Year()-1, d.Month(), d.Day())
	if y.Month() != d.Month() {
		y = y.AddDays(-1)
	}
	return y
}

// isoWeekStart is the Monday of ISO week w of ISO year y.
func isoWeekStart(y, w int) Date {
	jan4 := NewDate(y, time.January, 4) // always in week 1
	off := (int(jan4.Weekday()) + 6) % 7
	return jan4.AddDays(-off + (w-1)*7)
}

// Bounds is the instants [start, end) of the period in time zone loc.
func (p Period) Bounds(loc *time.Location) (time.Time, time.Time) {
	return p.From.Start(loc), p.To.Start(loc)
}
