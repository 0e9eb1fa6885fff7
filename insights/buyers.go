package insights

import (
	"cmp"
	"slices"
)

// PaidOrder is one paid order as the buyer formulas see it.
type PaidOrder struct {
	Buyer    string // pseudonymous buyer reference, per store
	Day      Date   // business day it was paid
	Amount   int64  // paid amount, fen
	Refunded int64  // refunded amount, fen (0 when not refunded)
	Source   string // traffic source (流量来源)
}

// ReturningWindowDays is how far back a buyer counts as returning (老买家): a
// paid order within the 365 days before the period starts.
const ReturningWindowDays = 365

// Summarize computes the order-derived totals of a period from the paid orders
// of one store: history before the period is used to tell new from returning
// buyers. Visitors and add-to-cart come from snapshots and stay 0 here, and so
// do ordering buyers (they need the unpaid orders too).
func Summarize(orders []PaidOrder, p Period) Totals {
	var t Totals
	inPeriod := map[string]int{}
	before := map[string]bool{}
	since := p.From.AddDays(-ReturningWindowDays)
	for _, o := range orders {
		switch {
		case p.Contains(o.Day):
			inPeriod[o.Buyer]++
			t.PaidOrders++
			t.PaidAmount += o.Amount
			t.RefundAmount += o.Refunded
			if o.Refunded > 0 {
				t.RefundedOrders++
			}
		case !o.Day.Before(since) && o.Day.Before(p.From):
			before[o.Buyer] = true
		}
	}
	t.PayingBuyers = int64(len(inPeriod))
	for b, n := range inPeriod {
		if n >= 2 {
			t.RepeatBuyers++
		}
		if before[b] {
			t.ReturningBuyers++
		} else {
			t.NewBuyers++
		}
	}
	return t
}

// Repurchase30 is the 30-day windowed 复购率: of the buyers whose first paid
// order ever falls in the period, the share who paid again within 30 days after
// that first order (days 1 to 30; a second order on the same day does not
// count). It returns the first-time buyers and those who came back.
func Repurchase30(orders []PaidOrder, p Period) (firstTime, repurchased int64) {
	byBuyer := map[string][]Date{}
	for _, o := range orders {
		byBuyer[o.Buyer] = append(byBuyer[o.Buyer], o.Day)
	}
	for _, days := range byBuyer {
		slices.SortFunc(days, func(a, b Date) int { return a.t.Compare(b.t) })
		first := days[0]
		if !p.Contains(first) {
			continue
		}
		firstTime++
		for _, d := range days[1:] {
			if n := first.DaysUntil(d); n >= 1 && n <= 30 {
				repurchased++
				break
			}
		}
	}
	return firstTime, repurchased
}

// Cohort is the buyers whose first paid order fell in one month, and how many
// of them paid again in each following month.
type Cohort struct {
	Month    Date    // first day of the cohort month
	Size     int64   // buyers in the cohort
	Retained []int64 // Retained[k]: buyers of the cohort who paid in month k after (k = 0 is the cohort month: Size)
}

// Rate is the retention in month k, 0 for an empty cohort.
func (c Cohort) Rate(k int) float64 {
	if k >= len(c.Retained) {
		return 0
	}
	return Ratio(c.Retained[k], c.Size)
}

// Cohorts builds monthly cohorts (first paid order in [from, to)), with
// retention counted up to the month containing asOf.
func Cohorts(orders []PaidOrder, from, to, asOf Date) []Cohort {
	type months struct {
		first Date
		paid  map[Date]bool
	}
	monthOf := func(d Date) Date { return NewDate(d.Year(), d.Month(), 1) }
	buyers := map[string]*months{}
	for _, o := range orders {
		m := monthOf(o.Day)
		b := buyers[o.Buyer]
		if b == nil {
			b = &months{first: m, paid: map[Date]bool{}}
			buyers[o.Buyer] = b
		}
		if m.Before(b.first) {
			b.first = m
		}
		b.paid[m] = true
	}
	last := monthOf(asOf)
	var out []Cohort
	for m := monthOf(from); m.Before(to); m = m.addMonths(1) {
		n := monthsBetween(m, last) + 1
		if n <= 0 {
			break
		}
		c := Cohort{Month: m, Retained: make([]int64, n)}
		for _, b := range buyers {
			if b.first != m {
				continue
			}
			c.Size++
			for pm := range b.paid {
				if k := monthsBetween(m, pm); k >= 0 && k < n {
					c.Retained[k]++
				}
			}
		}
		out = append(out, c)
	}
	return out
}

func monthsBetween(a, b Date) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}

// BuyerStats is one buyer's R, F and M over a window.
type BuyerStats struct {
	Buyer       string
	LastDay     Date
	RecencyDays int   // days from the last paid order to the reference day
	Frequency   int64 // paid orders in the window
	Monetary    int64 // paid amount in the window, fen
}

// Stats computes R, F, M per buyer from the paid orders on or before asOf,
// sorted by buyer.
func Stats(orders []PaidOrder, asOf Date) []BuyerStats {
	by := map[string]*BuyerStats{}
	for _, o := range orders {
		if o.Day.After(asOf) {
			continue
		}
		b := by[o.Buyer]
		if b == nil {
			b = &BuyerStats{Buyer: o.Buyer, LastDay: o.Day}
			by[o.Buyer] = b
		}
		if o.Day.After(b.LastDay) {
			b.LastDay = o.Day
		}
		b.Frequency++
		b.Monetary += o.Amount
	}
	out := make([]BuyerStats, 0, len(by))
	for _, b := range by {
		b.RecencyDays = b.LastDay.DaysUntil(asOf)
		out = append(out, *b)
	}
	slices.SortFunc(out, func(a, b BuyerStats) int { return cmp.Compare(a.Buyer, b.Buyer) })
	return out
}

func (d Date) addMonths(n int) Date { return Date{d.t.AddDate(0, n, 0)} }
