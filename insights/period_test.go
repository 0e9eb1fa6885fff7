package insights

import (
	"errors"
	"testing"
	"time"
)

func d(s string) Date {
	x, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return x
}

func TestPeriods(t *testing.T) {
	tests := []struct {
		name             string
		kind             Granularity
		day              string
		from, to, label  string
		prevFrom, prevTo string
		yearFrom, yearTo string
	}{
		{"day", Day, "2026-12-02", "2026-12-02", "2026-12-03", "2026-12-02", "2026-12-01", "2026-12-02", "2025-12-02", "2025-12-03"},
		{"leap day 同比", Day, "2028-02-29", "2028-02-29", "2028-03-01", "2028-02-29", "2028-02-28", "2028-02-29", "2027-02-28", "2027-03-01"},
		{"ISO week from a Wednesday", Week, "2026-12-02", "2026-11-30", "2026-12-07", "2026-W49", "2026-11-23", "2026-11-30", "2025-12-01", "2025-12-08"},
		{"ISO week 53 maps to 52", Week, "2026-12-31", "2026-12-28", "2027-01-04", "2026-W53", "2026-12-21", "2026-12-28", "2025-12-22", "2025-12-29"},
		{"ISO week 1 starting in December", Week, "2026-01-01", "2025-12-29", "2026-01-05", "2026-W01", "2025-12-22", "2025-12-29", "2024-12-30", "2025-01-06"},
		{"month", Month, "2026-03-31", "2026-03-01", "2026-04-01", "2026-03", "2026-02-01", "2026-03-01", "2025-03-01", "2025-04-01"},
		{"quarter", Quarter, "2026-11-15", "2026-10-01", "2027-01-01", "2026-Q4", "2026-07-01", "2026-10-01", "2025-10-01", "2026-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PeriodOf(tt.kind, d(tt.day))
			if err != nil {
				t.Fatal(err)
			}
			if p.From.String() != tt.from || p.To.String() != tt.to || p.Label() != tt.label {
				t.Errorf("period = %s..%s %s, want %s..%s %s", p.From, p.To, p.Label(), tt.from, tt.to, tt.label)
			}
			if pr := p.Previous(); pr.From.String() != tt.prevFrom || pr.To.String() != tt.prevTo {
				t.Errorf("环比 = %s..%s, want %s..%s", pr.From, pr.To, tt.prevFrom, tt.prevTo)
			}
			if y := p.YearAgo(); y.From.String() != tt.yearFrom || y.To.String() != tt.yearTo {
				t.Errorf("同比 = %s..%s, want %s..%s", y.From, y.To, tt.yearFrom, tt.yearTo)
			}
		})
	}
}

func TestCustomPeriod(t *testing.T) {
	p, err := CustomPeriod(d("2026-11-01"), d("2026-11-11"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Days() != 11 || p.Label() != "2026-11-01~2026-11-11" {
		t.Errorf("days %d label %s", p.Days(), p.Label())
	}
	if pr := p.Previous(); pr.From.String() != "2026-10-21" || pr.To.String() != "2026-11-01" {
		t.Errorf("环比 %s..%s", pr.From, pr.To)
	}
	if y := p.YearAgo(); y.From.String() != "2025-11-01" || y.To.String() != "2025-11-12" {
		t.Errorf("同比 %s..%s", y.From, y.To)
	}
	for _, bad := range [][2]string{{"2026-11-02", "2026-11-01"}, {"2025-01-01", "2026-12-31"}} {
		if _, err := CustomPeriod(d(bad[0]), d(bad[1])); !errors.Is(err, ErrPeriod) {
			t.Errorf("%v: err = %v, want ErrPeriod", bad, err)
		}
	}
	if _, err := PeriodOf("YEAR", d("2026-01-01")); !errors.Is(err, ErrPeriod) {
		t.Errorf("unknown kind: %v", err)
	}
}

func TestBusinessDayInTimeZone(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	la, _ := time.LoadLocation("America/Los_Angeles")
	tests := []struct {
		at   time.Time
		loc  *time.Location
		want string
	}{
		{time.Date(2026, 12, 1, 16, 30, 0, 0, time.UTC), sh, "2026-12-02"},
		{time.Date(2026, 12, 1, 15, 59, 59, 0, time.UTC), sh, "2026-12-01"},
		{time.Date(2026, 3, 8, 7, 59, 0, 0, time.UTC), la, "2026-03-07"},
		{time.Date(2026, 3, 8, 8, 0, 0, 0, time.UTC), la, "2026-03-08"},
	}
	for _, tt := range tests {
		if got := DateOf(tt.at, tt.loc).String(); got != tt.want {
			t.Errorf("DateOf(%v, %v) = %s, want %s", tt.at, tt.loc, got, tt.want)
		}
	}
	p, _ := PeriodOf(Day, d("2026-12-02"))
	from, to := p.Bounds(sh)
	if !from.Equal(time.Date(2026, 12, 1, 16, 0, 0, 0, time.UTC)) || to.Sub(from) != 24*time.Hour {
		t.Errorf("bounds %v..%v", from, to)
	}
	// The US spring-forward day has 23 hours.
	p, _ = PeriodOf(Day, d("2026-03-08"))
	from, to = p.Bounds(la)
	if to.Sub(from) != 23*time.Hour {
		t.Errorf("DST day lasts %v", to.Sub(from))
	}
}
