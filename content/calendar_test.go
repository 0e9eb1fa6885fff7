package content

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPlan(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skip("no tz data")
	}
	at := func(day, hour, minute int) *time.Time {
		v := time.Date(2026, 11, day, hour, minute, 0, 0, loc) // 2026-11-02 is a Monday, 11-07 a Saturday
		return &v
	}
	now := *at(9, 12, 0)
	light := func(id, day, hour, minute int, st Status) Item {
		it := Item{ID: id, Kind: "ARTICLE", BodyRunes: 200, Status: st}
		if st == Published {
			it.PublishedAt = at(day, hour, minute)
		} else {
			it.ScheduledAt = at(day, hour, minute)
		}
		return it
	}
	deep := func(id, day, hour int, st Status) Item {
		it := light(id, day, hour, 0, st)
		it.BodyRunes = DeepMinRunes
		return it
	}
	live := func(id, day, hour int) Item {
		it := light(id, day, hour, 0, Published)
		it.Kind = "LIVE"
		return it
	}
	hot := func(id int, start *time.Time, published *time.Time, scheduled *time.Time) Item {
		st := Scheduled
		if published != nil {
			st = Published
		}
		return Item{ID: id, Kind: "TOPIC", Status: st, PublishedAt: published, ScheduledAt: scheduled, HotTopicStart: start}
	}
	cases := []struct {
		name  string
		items []Item
		day   int
		c     Cadence
		want  []string // breaches of that day
		count [3]int   // scheduled, due, posted
	}{
		{"weekday light post in slot", []Item{light(1, 2, 9, 0, Published)}, 2, DefaultCadence, nil, [3]int{0, 0, 1}},
		{"weekday without a post", nil, 3, DefaultCadence, []string{BreachGap}, [3]int{}},
		{"weekday deep post", []Item{deep(1, 2, 20, Scheduled)}, 2, DefaultCadence, []string{BreachDeepOnWeekday}, [3]int{1, 0, 0}},
		{"weekend deep post", []Item{deep(1, 7, 20, Scheduled)}, 7, DefaultCadence, nil, [3]int{1, 0, 0}},
		{"weekend live stream counts as deep", []Item{live(1, 8, 19)}, 8, DefaultCadence, nil, [3]int{0, 0, 1}},
		{"weekend light only", []Item{light(1, 7, 9, 0, Published)}, 7, DefaultCadence, []string{BreachNoDeepPost}, [3]int{0, 0, 1}},
		{"weekend empty", nil, 8, DefaultCadence, []string{BreachGap, BreachNoDeepPost}, [3]int{}},
		{"before 8:00 is off slot", []Item{light(1, 2, 7, 59, Published)}, 2, DefaultCadence, []string{BreachOffSlot}, [3]int{0, 0, 1}},
		{"10:00 is off slot", []Item{light(1, 2, 10, 0, Published)}, 2, DefaultCadence, []string{BreachOffSlot}, [3]int{0, 0, 1}},
		{"11:30 is in slot", []Item{light(1, 2, 11, 30, Published)}, 2, DefaultCadence, nil, [3]int{0, 0, 1}},
		{"13:30 is off slot", []Item{light(1, 2, 13, 30, Published)}, 2, DefaultCadence, []string{BreachOffSlot}, [3]int{0, 0, 1}},
		{"23:59 is in slot", []Item{light(1, 2, 23, 59, Published)}, 2, DefaultCadence, nil, [3]int{0, 0, 1}},
		{"due counts toward the target", []Item{light(1, 3, 9, 0, Due)}, 3, DefaultCadence, nil, [3]int{0, 1, 0}},
		{"two per weekday target", []Item{light(1, 4, 9, 0, Scheduled)}, 4, Cadence{WeekdayPosts: 2, WeekendPosts: 1}, []string{BreachGap}, [3]int{1, 0, 0}},
		{"rhythm off: deep weekday fine", []Item{deep(1, 2, 9, Published)}, 2, Cadence{WeekdayPosts: 1, WeekendPosts: 1}, nil, [3]int{0, 0, 1}},
		{"drafts are not on the calendar", []Item{light(1, 2, 9, 0, Draft)}, 2, DefaultCadence, []string{BreachGap}, [3]int{}},
		{"hot topic out within 24 h", []Item{hot(1, at(4, 8, 0), at(4, 20, 0), nil)}, 4, DefaultCadence, nil, [3]int{0, 0, 1}},
		{"hot topic out after 24 h", []Item{hot(1, at(3, 8, 0), at(4, 9, 0), nil)}, 4, DefaultCadence, []string{BreachHotTopicLate}, [3]int{0, 0, 1}},
		{"hot topic still scheduled past its SLA", []Item{hot(1, at(4, 8, 0), nil, at(9, 9, 0))}, 9, DefaultCadence, []string{BreachHotTopicLate}, [3]int{1, 0, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			days := Plan(c.items, *at(2, 0, 0), *at(10, 0, 0), loc, c.c, now)
			if len(days) != 8 {
				t.Fatalf("%d days, want 8", len(days))
			}
			d := days[c.day-2]
			if d.Date != at(c.day, 0, 0).Format("2006-01-02") {
				t.Fatalf("day %s", d.Date)
			}
			if !slices.Equal(d.Breaches, c.want) {
				t.Errorf("breaches = %v, want %v", d.Breaches, c.want)
			}
			if got := [3]int{len(d.Scheduled), len(d.Due), len(d.Posted)}; got != c.count {
				t.Errorf("scheduled/due/posted = %v, want %v", got, c.count)
			}
		})
	}
}

func TestParseSlot(t *testing.T) {
	cases := map[string]string{"08:00-10:00": "08:00-10:00", "18:00-24:00": "18:00-24:00", "10:00-08:00": "error", "8-10": "error", "23:00-24:30": "error"}
	for in, want := range cases {
		s, err := ParseSlot(in)
		got := s.String()
		if err != nil {
			got = "error"
		}
		if got != want {
			t.Errorf("ParseSlot(%q) = %s, want %s", in, got, want)
		}
	}
	if !strings.Contains(DefaultCadence.Slots[1].String(), "11:30-13:30") {
		t.Error("default slots")
	}
}

func TestHotTopicLate(t *testing.T) {
	start := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	in, late := start.Add(23*time.Hour), start.Add(25*time.Hour)
	cases := []struct {
		name      string
		published *time.Time
		now       time.Time
		want      bool
	}{
		{"published in time", &in, late, false},
		{"published late", &late, late, true},
		{"not yet out, within SLA", nil, in, false},
		{"not yet out, SLA passed", nil, late, true},
	}
	for _, c := range cases {
		if got := HotTopicLate(&start, c.published, c.now); got != c.want {
			t.Errorf("%s: %v", c.name, got)
		}
	}
	if HotTopicLate(nil, nil, late) {
		t.Error("not a hot topic")
	}
}
