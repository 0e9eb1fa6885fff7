package insights

import (
	"slices"
	"testing"
)

// fixture is a hand-computed set of paid orders of one store; the expected
// figures in the tests below were worked out on paper (docs/insights.md shows
// the same example).
var fixture = []PaidOrder{
	{Buyer: "A", Day: d("2025-12-10"), Amount: 100},
	{Buyer: "A", Day: d("2026-11-03"), Amount: 200},
	{Buyer: "A", Day: d("2026-11-20"), Amount: 300, Refunded: 300},
	{Buyer: "B", Day: d("2026-11-05"), Amount: 150},
	{Buyer: "B", Day: d("2026-11-05"), Amount: 50},
	{Buyer: "C", Day: d("2025-10-15"), Amount: 80}, // 382 days before November: too old to be returning
	{Buyer: "C", Day: d("2026-11-28"), Amount: 120},
	{Buyer: "D", Day: d("2026-10-31"), Amount: 60},
	{Buyer: "D", Day: d("2026-11-11"), Amount: 400},
	{Buyer: "E", Day: d("2026-12-01"), Amount: 70},
	{Buyer: "F", Day: d("2026-11-02"), Amount: 90},
	{Buyer: "F", Day: d("2026-11-25"), Amount: 110},
	{Buyer: "G", Day: d("2025-11-01"), Amount: 10}, // exactly 365 days before 2026-11-01: returning
	{Buyer: "G", Day: d("2026-11-15"), Amount: 10},
	{Buyer: "H", Day: d("2025-10-31"), Amount: 20}, // 366 days before: new
	{Buyer: "H", Day: d("2026-11-16"), Amount: 30},
	{Buyer: "I", Day: d("2026-11-20"), Amount: 40},
	{Buyer: "I", Day: d("2026-12-20"), Amount: 45}, // 30 days later: a 30-day repurchase
	{Buyer: "J", Day: d("2026-11-10"), Amount: 60},
	{Buyer: "J", Day: d("2026-12-11"), Amount: 55}, // 31 days later: not one
}

func november() Period { p, _ := PeriodOf(Month, d("2026-11-01")); return p }

func TestSummarizeHandComputed(t *testing.T) {
	got := Summarize(fixture, november())
	// In November: A×2, B×2, C, D, F×2, G, H, I, J → 9 buyers, 12 orders,
	// 200+300+150+50+120+400+90+110+10+30+40+60 = 1560 fen.
	want := Totals{
		PayingBuyers: 9, PaidOrders: 12, PaidAmount: 1560,
		RefundAmount: 300, RefundedOrders: 1,
		RepeatBuyers:    3, // A, B (two orders the same day), F
		ReturningBuyers: 3, // A (2025-12-10), D (2026-10-31), G (2025-11-01)
		NewBuyers:       6, // B, C, F, H, I, J
	}
	if got != want {
		t.Errorf("Summarize =\n %+v\nwant\n %+v", got, want)
	}
	k := Compute(got)
	if !near(k.RepurchaseRate, 3.0/9) || k.AverageOrderValue != 173 { // 1560/9 = 173.33
		t.Errorf("复购率 %v 客单价 %d", k.RepurchaseRate, k.AverageOrderValue)
	}
	// December: E, I, J.
	dec, _ := PeriodOf(Month, d("2026-12-01"))
	if got := Summarize(fixture, dec); got.PayingBuyers != 3 || got.ReturningBuyers != 2 || got.NewBuyers != 1 || got.PaidAmount != 170 {
		t.Errorf("December %+v", got)
	}
}

func TestRepurchase30HandComputed(t *testing.T) {
	tests := []struct {
		period             Period
		first, repurchased int64
	}{
		// First-ever orders in November: B (again only the same day), F (23 days), I (30 days), J (31 days).
		{november(), 4, 2},
		// December: E only, never again.
		{func() Period { p, _ := PeriodOf(Month, d("2026-12-01")); return p }(), 1, 0},
		// October 2026: D (again 11 days later).
		{func() Period { p, _ := PeriodOf(Month, d("2026-10-01")); return p }(), 1, 1},
	}
	for _, tt := range tests {
		f, r := Repurchase30(fixture, tt.period)
		if f != tt.first || r != tt.repurchased {
			t.Errorf("%s: first-time %d repurchased %d, want %d %d", tt.period.Label(), f, r, tt.first, tt.repurchased)
		}
	}
}

func TestCohortsHandComputed(t *testing.T) {
	got := Cohorts(fixture, d("2026-10-01"), d("2027-01-01"), d("2026-12-31"))
	want := []struct {
		month    string
		size     int64
		retained []int64
	}{
		{"2026-10-01", 1, []int64{1, 1, 0}}, // D: Oct, Nov
		{"2026-11-01", 4, []int64{4, 2}},    // B, F, I, J; I and J again in December
		{"2026-12-01", 1, []int64{1}},       // E
	}
	if len(got) != len(want) {
		t.Fatalf("%d cohorts", len(got))
	}
	for i, w := range want {
		if got[i].Month.String() != w.month || got[i].Size != w.size || !slices.Equal(got[i].Retained, w.retained) {
			t.Errorf("cohort %d = %+v, want %+v", i, got[i], w)
		}
	}
	if !near(got[1].Rate(1), 0.5) || got[1].Rate(5) != 0 {
		t.Errorf("rates %v %v", got[1].Rate(1), got[1].Rate(5))
	}
}
