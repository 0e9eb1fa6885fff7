package insights

import (
	"cmp"
	"math"
	"slices"
)

// Role is a product's place in the 4321 portfolio.
type Role string

// The 4321 roles and their target shares.
const (
	Core      Role = "CORE"      // 40 % 爆款/核心款
	Potential Role = "POTENTIAL" // 30 % 潜力款
	Test      Role = "TEST"      // 20 % 测试款
	Clearance Role = "CLEARANCE" // 10 % 清仓款
)

// Roles in 4321 order.
var Roles = []Role{Core, Potential, Test, Clearance}

// TargetShare is the 4321 target of each role.
var TargetShare = map[Role]float64{Core: 0.4, Potential: 0.3, Test: 0.2, Clearance: 0.1}

// SKUSales is one SKU's sales and stock.
type SKUSales struct {
	SKU          int
	Role         Role
	Stock        int64
	StockWarning int64
	Units28      int64 // units sold (paid) in the last 28 days
	Amount       int64 // paid amount in the period, fen
	LeadTimeDays int   // supplier lead time
}

// RoleMix is one role's share against its 4321 target.
type RoleMix struct {
	Role        Role
	Target      float64
	SKUs        int64
	SKUShare    float64
	Amount      int64
	AmountShare float64
	SKUGap      float64 // SKUShare − Target
	AmountGap   float64 // AmountShare − Target
}

// PortfolioMix compares the SKU count and GMV per role with 40/30/20/10.
func PortfolioMix(skus []SKUSales) []RoleMix {
	var n, amount int64
	by := map[Role]*RoleMix{}
	for _, r := range Roles {
		by[r] = &RoleMix{Role: r, Target: TargetShare[r]}
	}
	for _, s := range skus {
		m := by[s.Role]
		if m == nil {
			continue
		}
		m.SKUs++
		m.Amount += s.Amount
		n++
		amount += s.Amount
	}
	out := make([]RoleMix, 0, len(Roles))
	for _, r := range Roles {
		m := by[r]
		m.SKUShare, m.AmountShare = Ratio(m.SKUs, n), Ratio(m.Amount, amount)
		m.SKUGap, m.AmountGap = m.SKUShare-m.Target, m.AmountShare-m.Target
		out = append(out, *m)
	}
	return out
}

// CoverWindowDays is the sales window of days of cover: the last 28 days.
const CoverWindowDays = 28

// DailyUnits is the average units sold per day over the last 28 days.
func DailyUnits(units28 int64) float64 { return float64(units28) / CoverWindowDays }

// DaysOfCover is stock ÷ average daily units; ok is false when nothing sold
// (infinite cover).
func DaysOfCover(stock, units28 int64) (days float64, ok bool) {
	if units28 <= 0 {
		return 0, false
	}
	return float64(stock) / DailyUnits(units28), true
}

// Replenishment settings.
type Replenishment struct {
	SafetyDays int // safety stock in days of sales (default 7)
	ReviewDays int // days of sales an order should cover beyond the lead time (default 28)
}

// DefaultReplenishment is 7 days of safety stock and orders covering 28 days.
var DefaultReplenishment = Replenishment{SafetyDays: 7, ReviewDays: 28}

// Suggestion is a replenishment suggestion for one SKU.
type Suggestion struct {
	DailyUnits   float64
	SafetyStock  int64
	ReorderPoint int64 // daily units × lead time + safety stock, rounded up
	Reorder      bool  // stock ≤ reorder point
	Quantity     int64 // suggested order: up to reorder point + review days of sales, 0 when not due
}

// Suggest computes the reorder point and suggested quantity.
func Suggest(s SKUSales, r Replenishment) Suggestion {
	d := DailyUnits(s.Units28)
	safety := int64(math.Ceil(d * float64(r.SafetyDays)))
	rop := int64(math.Ceil(d*float64(s.LeadTimeDays))) + safety
	out := Suggestion{DailyUnits: d, SafetyStock: safety, ReorderPoint: rop}
	if d > 0 && s.Stock <= rop {
		out.Reorder = true
		out.Quantity = rop + int64(math.Ceil(d*float64(r.ReviewDays))) - s.Stock
	}
	return out
}

// SlowMoverDays is the days of cover above which an in-stock SKU is slow (滞销).
const SlowMoverDays = 90

// IsSlowMover is an SKU with stock that sold nothing in 28 days or whose
// stock lasts more than 90 days.
func IsSlowMover(s SKUSales) bool {
	if s.Stock <= 0 {
		return false
	}
	d, ok := DaysOfCover(s.Stock, s.Units28)
	return !ok || d > SlowMoverDays
}

// SlowMovers lists the slow movers, the longest cover first (unsold first).
func SlowMovers(skus []SKUSales) []SKUSales {
	var out []SKUSales
	for _, s := range skus {
		if IsSlowMover(s) {
			out = append(out, s)
		}
	}
	key := func(s SKUSales) float64 {
		d, ok := DaysOfCover(s.Stock, s.Units28)
		if !ok {
			return math.Inf(1)
		}
		return d
	}
	slices.SortStableFunc(out, func(a, b SKUSales) int {
		if c := cmp.Compare(key(b), key(a)); c != 0 {
			return c
		}
		return cmp.Compare(a.SKU, b.SKU)
	})
	return out
}

// LowStock reports stock at or below the warning level (库存预警), or days of
// cover below the supplier lead time.
func LowStock(s SKUSales) (atWarning, coverBelowLead bool) {
	atWarning = s.Stock <= s.StockWarning
	if d, ok := DaysOfCover(s.Stock, s.Units28); ok && s.LeadTimeDays > 0 {
		coverBelowLead = d < float64(s.LeadTimeDays)
	}
	return atWarning, coverBelowLead
}
