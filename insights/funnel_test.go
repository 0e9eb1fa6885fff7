package insights

import "testing"

func TestFunnel(t *testing.T) {
	got := Funnel(Totals{Visitors: 1000, AddToCart: 100, OrderingBuyers: 40, PayingBuyers: 30})
	want := []Stage{
		{"VISITORS", 1000, 1, 1},
		{"ADD_TO_CART", 100, 0.1, 0.1},
		{"ORDERING_BUYERS", 40, 0.4, 0.04},
		{"PAYING_BUYERS", 30, 0.75, 0.03},
	}
	for i, w := range want {
		g := got[i]
		if g.Name != w.Name || g.Count != w.Count || !near(g.FromPrev, w.FromPrev) || !near(g.FromTop, w.FromTop) {
			t.Errorf("stage %d = %+v, want %+v", i, g, w)
		}
	}
	empty := Funnel(Totals{})
	for _, s := range empty {
		if s.FromPrev != 0 || s.FromTop != 0 {
			t.Errorf("empty funnel %+v", s)
		}
	}
}

func TestTrafficMix(t *testing.T) {
	got := TrafficMix(map[string]SourceFigures{
		"NATURAL_SEARCH": {Visitors: 600, PayingBuyers: 12, PaidAmount: 2400},
		"CONTENT":        {Visitors: 400, PayingBuyers: 4, PaidAmount: 1600},
		"LIVE":           {},
	})
	if len(got) != 7 || got[6].Source != "LIVE" {
		t.Fatalf("mix %+v", got)
	}
	want := map[string][4]float64{ // share, conversion, amount share, buyers
		"NATURAL_SEARCH": {0.6, 0.02, 0.6, 12},
		"CONTENT":        {0.4, 0.01, 0.4, 4},
		"PAID":           {0, 0, 0, 0},
	}
	for _, s := range got {
		w, ok := want[s.Source]
		if !ok {
			continue
		}
		if !near(s.Share, w[0]) || !near(s.ConversionRate, w[1]) || !near(s.AmountShare, w[2]) || s.PayingBuyers != int64(w[3]) {
			t.Errorf("%s = %+v", s.Source, s)
		}
	}
	if got[0].Source != "NATURAL_SEARCH" || got[2].Source != "CONTENT" {
		t.Errorf("order %s %s", got[0].Source, got[2].Source)
	}
}
