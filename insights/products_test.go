package insights

import "testing"

func TestPortfolioMix(t *testing.T) {
	var skus []SKUSales
	add := func(r Role, n int, amount int64) {
		for range n {
			skus = append(skus, SKUSales{Role: r, Amount: amount / int64(n)})
		}
	}
	add(Core, 3, 6000)
	add(Potential, 3, 2502) // 834 each
	add(Test, 3, 999)
	add(Clearance, 1, 499)
	got := PortfolioMix(skus)
	// 10 SKUs: 3/3/3/1; GMV 6000+2502+999+499 = 10000.
	want := []struct {
		role              Role
		skus              int64
		skuShare, amShare float64
		skuGap, amGap     float64
	}{
		{Core, 3, 0.3, 0.6, -0.1, 0.2},
		{Potential, 3, 0.3, 0.2502, 0, -0.0498},
		{Test, 3, 0.3, 0.0999, 0.1, -0.1001},
		{Clearance, 1, 0.1, 0.0499, 0, -0.0501},
	}
	for i, w := range want {
		g := got[i]
		if g.Role != w.role || g.SKUs != w.skus || !near(g.SKUShare, w.skuShare) || !near(g.AmountShare, w.amShare) ||
			!near(g.SKUGap, w.skuGap) || !near(g.AmountGap, w.amGap) || g.Target != TargetShare[w.role] {
			t.Errorf("%s = %+v", w.role, g)
		}
	}
}

func TestDaysOfCoverAndReplenishment(t *testing.T) {
	if d, ok := DaysOfCover(56, 56); !ok || d != 28 {
		t.Errorf("cover %v %v", d, ok)
	}
	if _, ok := DaysOfCover(10, 0); ok {
		t.Error("cover without sales")
	}
	tests := []struct {
		name string
		s    SKUSales
		want Suggestion
	}{
		// 2 a day, lead 10 d, 7 d safety: ROP 20 + 14 = 34; order 34 + 56 − 30 = 60.
		{"due", SKUSales{Stock: 30, Units28: 56, LeadTimeDays: 10}, Suggestion{2, 14, 34, true, 60}},
		{"at the reorder point", SKUSales{Stock: 34, Units28: 56, LeadTimeDays: 10}, Suggestion{2, 14, 34, true, 56}},
		{"not due", SKUSales{Stock: 40, Units28: 56, LeadTimeDays: 10}, Suggestion{2, 14, 34, false, 0}},
		// 10 in 28 d = 0.357/d: lead 5 d → ceil 1.79 = 2, safety ceil 2.5 = 3, ROP 5; order 5 + ceil(10) − 1 = 14.
		{"fractional", SKUSales{Stock: 1, Units28: 10, LeadTimeDays: 5}, Suggestion{10.0 / 28, 3, 5, true, 14}},
		{"never sold", SKUSales{Stock: 0, Units28: 0, LeadTimeDays: 5}, Suggestion{0, 0, 0, false, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Suggest(tt.s, DefaultReplenishment)
			if !near(got.DailyUnits, tt.want.DailyUnits) || got.SafetyStock != tt.want.SafetyStock || got.ReorderPoint != tt.want.ReorderPoint ||
				got.Reorder != tt.want.Reorder || got.Quantity != tt.want.Quantity {
				t.Errorf("Suggest = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSlowMoversAndLowStock(t *testing.T) {
	skus := []SKUSales{
		{SKU: 1, Stock: 100, Units28: 0},  // unsold: infinite cover
		{SKU: 2, Stock: 100, Units28: 28}, // 100 days
		{SKU: 3, Stock: 50, Units28: 28},  // 50 days
		{SKU: 4, Stock: 0, Units28: 0},    // out of stock is not slow
		{SKU: 5, Stock: 91, Units28: 28},  // 91 days
		{SKU: 6, Stock: 90, Units28: 28},  // exactly 90: not slow
	}
	got := SlowMovers(skus)
	var ids []int
	for _, s := range got {
		ids = append(ids, s.SKU)
	}
	if len(ids) != 3 || ids[0] != 1 || ids[1] != 2 || ids[2] != 5 {
		t.Errorf("slow movers %v", ids)
	}
	tests := []struct {
		s               SKUSales
		warning, beLead bool
	}{
		{SKUSales{Stock: 10, StockWarning: 10}, true, false},
		{SKUSales{Stock: 11, StockWarning: 10}, false, false},
		{SKUSales{Stock: 20, StockWarning: 5, Units28: 56, LeadTimeDays: 14}, false, true}, // 10 days < 14
		{SKUSales{Stock: 28, StockWarning: 5, Units28: 56, LeadTimeDays: 14}, false, false},
	}
	for _, tt := range tests {
		w, l := LowStock(tt.s)
		if w != tt.warning || l != tt.beLead {
			t.Errorf("LowStock(%+v) = %v %v", tt.s, w, l)
		}
	}
}
