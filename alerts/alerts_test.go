package alerts

import (
	"math"
	"testing"
)

func TestStatsAndAnomalies(t *testing.T) {
	// 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population σ 2.
	h := []float64{2, 4, 4, 4, 5, 5, 7, 9}
	m, sd := Stats(h)
	if m != 5 || sd != 2 {
		t.Fatalf("mean %v sd %v", m, sd)
	}
	tests := []struct {
		name           string
		history        []float64
		value, k       float64
		anomaly, spike bool
	}{
		{"inside 3σ", h, 10.9, 3, false, false},
		{"above 3σ", h, 11.5, 3, true, true},
		{"below 3σ: anomaly, not a spike", h, -1.5, 3, true, false},
		{"exactly on the band is not outside", h, 11, 3, false, false},
		{"flat history: any change", []float64{3, 3, 3, 3, 3, 3, 3}, 3.1, 3, true, true},
		{"too little history", []float64{1, 1, 1}, 100, 3, false, false},
	}
	for _, tt := range tests {
		if got := Anomalous(tt.history, tt.value, tt.k); got != tt.anomaly {
			t.Errorf("%s: Anomalous = %v", tt.name, got)
		}
		if got := Spike(tt.history, tt.value, tt.k); got != tt.spike {
			t.Errorf("%s: Spike = %v", tt.name, got)
		}
	}
	if m, sd := Stats(nil); m != 0 || sd != 0 || math.IsNaN(m) {
		t.Error("empty stats")
	}
}

func TestBreachedAndBudget(t *testing.T) {
	tests := []struct {
		v     float64
		above bool
		th    float64
		want  bool
	}{
		{0.011, false, 0.01, false}, {0.009, false, 0.01, true}, {0.01, false, 0.01, false},
		{120, true, 100, true}, {100, true, 100, false},
	}
	for _, tt := range tests {
		if got := Breached(tt.v, tt.above, tt.th); got != tt.want {
			t.Errorf("Breached(%v,%v,%v) = %v", tt.v, tt.above, tt.th, got)
		}
	}
	budgets := []struct {
		spend, budget int64
		want          bool
	}{{89_999, 100_000, false}, {90_000, 100_000, true}, {5, 0, false}}
	for _, b := range budgets {
		if BudgetReached(b.spend, b.budget, 0.9) != b.want {
			t.Errorf("budget %+v", b)
		}
	}
	if EpisodeKey(3, StockLow, "sku:9") != "3|STOCK_LOW|sku:9" {
		t.Error("key")
	}
	kinds := map[Kind]bool{}
	for _, r := range Defaults() {
		kinds[r.Kind] = true
	}
	if len(kinds) != 7 || kinds[Threshold] {
		t.Errorf("defaults cover %v", kinds)
	}
}
