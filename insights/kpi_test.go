package insights

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestCompute(t *testing.T) {
	tests := []struct {
		name                 string
		in                   Totals
		aov, uv              int64
		conv, refund, repeat float64
		returning            float64
	}{
		{
			name: "a week of a Tmall store",
			in: Totals{Visitors: 2000, PayingBuyers: 50, PaidOrders: 56, PaidAmount: 1_000_000, RefundAmount: 45_000,
				RepeatBuyers: 5, ReturningBuyers: 20, NewBuyers: 30},
			aov: 20_000, uv: 500, conv: 0.025, refund: 0.045, repeat: 0.1, returning: 0.4,
		},
		{
			name: "客单价 rounds half up to the fen",
			in:   Totals{Visitors: 2, PayingBuyers: 2, PaidAmount: 1001},
			aov:  501, uv: 501, conv: 1,
		},
		{
			name: "客单价 rounds down below the half fen",
			in:   Totals{Visitors: 3, PayingBuyers: 3, PaidAmount: 1000},
			aov:  333, uv: 333, conv: 1,
		},
		{name: "no visitors, no buyers: all ratios 0", in: Totals{PaidAmount: 500}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := Compute(tt.in)
			if k.AverageOrderValue != tt.aov || k.UVValue != tt.uv {
				t.Errorf("客单价 %d UV价值 %d, want %d %d", k.AverageOrderValue, k.UVValue, tt.aov, tt.uv)
			}
			if !near(k.ConversionRate, tt.conv) || !near(k.RefundRate, tt.refund) || !near(k.RepurchaseRate, tt.repeat) || !near(k.ReturningShare, tt.returning) {
				t.Errorf("rates %+v", k)
			}
		})
	}
}

func TestCompareAndProgress(t *testing.T) {
	tests := []struct {
		cur, base, delta float64
		rel              *float64
	}{
		{120, 100, 20, ptr(0.2)},
		{80, 100, -20, ptr(-0.2)},
		{5, 0, 5, nil},
		{-10, -20, 10, ptr(0.5)},
	}
	for _, tt := range tests {
		c := Compare(tt.cur, tt.base)
		if c.Delta != tt.delta || (c.Relative == nil) != (tt.rel == nil) || (c.Relative != nil && !near(*c.Relative, *tt.rel)) {
			t.Errorf("Compare(%v, %v) = %+v", tt.cur, tt.base, c)
		}
	}
	if p := Progress(75, 100); p == nil || *p != 0.75 {
		t.Errorf("progress %v", p)
	}
	if Progress(75, 0) != nil {
		t.Error("progress without a target")
	}
}

func TestTotalsAdd(t *testing.T) {
	a := Totals{Visitors: 1, AddToCart: 2, OrderingBuyers: 3, PayingBuyers: 4, PaidOrders: 5, PaidAmount: 6, RefundAmount: 7, RefundedOrders: 8, NewBuyers: 9, ReturningBuyers: 10, RepeatBuyers: 11}
	s := a.Add(a)
	if s != (Totals{2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22}) {
		t.Errorf("sum %+v", s)
	}
	k := Compute(a)
	for _, m := range Metrics {
		if _, ok := k.Value(m); !ok {
			t.Errorf("metric %s has no value", m)
		}
	}
	if v, _ := k.Value(MetricPaidAmount); v != 6 {
		t.Errorf("paid amount %v", v)
	}
}

func ptr(f float64) *float64 { return &f }
