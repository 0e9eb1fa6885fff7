package insights

import "testing"

func TestCPSCommissionAndROI(t *testing.T) {
	tests := []struct {
		rate           float64
		paid, refunded int64
		want           int64
	}{
		{0.2, 100_000, 0, 20_000},      // ¥1000 at 20 % → ¥200
		{0.2, 100_000, 30_000, 14_000}, // refunds are not commissioned
		{0.15, 333, 0, 50},             // 49.95 → 50 fen
		{0.15, 100, 200, 0},            // more refunded than paid: nothing
		{0, 100_000, 0, 0},
	}
	for _, tt := range tests {
		if got := CPSCommission(tt.rate, tt.paid, tt.refunded); got != tt.want {
			t.Errorf("CPSCommission(%v, %d, %d) = %d, want %d", tt.rate, tt.paid, tt.refunded, got, tt.want)
		}
	}
	if r, ok := ROI(500_000, 100_000); !ok || r != 5 {
		t.Errorf("ROI = %v %v", r, ok)
	}
	if _, ok := ROI(500_000, 0); ok {
		t.Error("ROI without spend")
	}
}
