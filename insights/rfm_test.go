package insights

import "testing"

func TestStatsHandComputed(t *testing.T) {
	got := Stats(fixture, d("2026-12-31"))
	want := map[string]BuyerStats{
		"A": {RecencyDays: 41, Frequency: 3, Monetary: 600},
		"B": {RecencyDays: 56, Frequency: 2, Monetary: 200},
		"C": {RecencyDays: 33, Frequency: 2, Monetary: 200},
		"D": {RecencyDays: 50, Frequency: 2, Monetary: 460},
		"E": {RecencyDays: 30, Frequency: 1, Monetary: 70},
		"F": {RecencyDays: 36, Frequency: 2, Monetary: 200},
		"G": {RecencyDays: 46, Frequency: 2, Monetary: 20},
		"H": {RecencyDays: 45, Frequency: 2, Monetary: 50},
		"I": {RecencyDays: 11, Frequency: 2, Monetary: 85},
		"J": {RecencyDays: 20, Frequency: 2, Monetary: 115},
	}
	if len(got) != len(want) {
		t.Fatalf("%d buyers", len(got))
	}
	for _, b := range got {
		w := want[b.Buyer]
		if b.RecencyDays != w.RecencyDays || b.Frequency != w.Frequency || b.Monetary != w.Monetary {
			t.Errorf("%s = %+v, want %+v", b.Buyer, b, w)
		}
	}
	// Orders after the reference day are ignored.
	if s := Stats(fixture, d("2026-11-30")); len(s) != 9 {
		t.Errorf("as of November: %d buyers", len(s))
	}
}

func TestRFMHandComputed(t *testing.T) {
	buyers := Stats(fixture, d("2026-12-31"))
	tests := []struct {
		name   string
		cfg    RFMConfig
		th     Thresholds
		of     map[string]Segment
		counts map[Segment][2]int64 // buyers, monetary
	}{
		{
			name: "mean",
			cfg:  RFMConfig{Mode: ByMean},
			// R: 368/10, F: 20/10, M: 2000/10.
			th: Thresholds{36.8, 2, 200},
			of: map[string]Segment{"A": ImportantRetain, "B": ImportantRetain, "C": ImportantValue, "D": ImportantRetain,
				"E": GeneralDevelop, "F": ImportantValue, "G": GeneralRetain, "H": GeneralRetain, "I": GeneralValue, "J": GeneralValue},
			counts: map[Segment][2]int64{ImportantValue: {2, 400}, ImportantRetain: {3, 1260}, GeneralValue: {2, 200},
				GeneralRetain: {2, 70}, GeneralDevelop: {1, 70}},
		},
		{
			name: "fixed 30 days, 3 orders, ¥3",
			cfg:  RFMConfig{Mode: Fixed, RecencyDays: 30, Frequency: 3, Monetary: 300},
			th:   Thresholds{30, 3, 300},
			of: map[string]Segment{"A": ImportantRetain, "D": ImportantWinBack, "E": GeneralDevelop, "I": GeneralDevelop,
				"J": GeneralDevelop, "B": GeneralWinBack, "C": GeneralWinBack, "F": GeneralWinBack, "G": GeneralWinBack, "H": GeneralWinBack},
			counts: map[Segment][2]int64{ImportantRetain: {1, 600}, ImportantWinBack: {1, 460}, GeneralDevelop: {3, 270}, GeneralWinBack: {5, 670}},
		},
		{
			name: "median",
			cfg:  RFMConfig{Mode: ByMedian},
			// R sorted 11 20 30 33 36 | 41 45 46 50 56 → 38.5; F → 2; M 115|200 → 157.5.
			th: Thresholds{38.5, 2, 157.5},
			of: map[string]Segment{"B": ImportantRetain, "I": GeneralValue, "F": ImportantValue, "E": GeneralDevelop},
		},
		{
			name: "quantile 0.8",
			cfg:  RFMConfig{Mode: ByQuantile, Quantile: 0.8},
			// position 7.2: R 46 + 0.2×4 = 46.8; F 2; M 200 + 0.2×260 = 252.
			th: Thresholds{46.8, 2, 252},
			of: map[string]Segment{"A": ImportantValue, "D": ImportantRetain, "C": GeneralValue, "B": GeneralRetain},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th, err := ComputeThresholds(buyers, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !near(th.Recency, tt.th.Recency) || !near(th.Frequency, tt.th.Frequency) || !near(th.Monetary, tt.th.Monetary) {
				t.Errorf("thresholds %+v, want %+v", th, tt.th)
			}
			for _, b := range buyers {
				if w, ok := tt.of[b.Buyer]; ok && th.Classify(b) != w {
					t.Errorf("%s is %s, want %s", b.Buyer, th.Classify(b), w)
				}
			}
			if tt.counts == nil {
				return
			}
			var n int64
			for _, s := range Segmentation(buyers, th) {
				w := tt.counts[s.Segment]
				if s.Buyers != w[0] || s.Monetary != w[1] {
					t.Errorf("%s: %d buyers %d fen, want %v", s.Segment, s.Buyers, s.Monetary, w)
				}
				n += s.Buyers
			}
			if n != 10 {
				t.Errorf("segments hold %d buyers", n)
			}
		})
	}
}

func TestSegmentOfTable(t *testing.T) {
	// DOMAIN.md §3.1: R 近/远, F 高/低, M 高/低.
	tests := []struct {
		recent, f, m bool
		want         Segment
	}{
		{true, true, true, ImportantValue}, {false, true, true, ImportantRetain},
		{true, false, true, ImportantDevelop}, {false, false, true, ImportantWinBack},
		{true, true, false, GeneralValue}, {false, true, false, GeneralRetain},
		{true, false, false, GeneralDevelop}, {false, false, false, GeneralWinBack},
	}
	for _, tt := range tests {
		if got := SegmentOf(tt.recent, tt.f, tt.m); got != tt.want {
			t.Errorf("SegmentOf(%v,%v,%v) = %s, want %s", tt.recent, tt.f, tt.m, got, tt.want)
		}
	}
	if len(SegmentNames) != 8 || SegmentNames[ImportantWinBack] != "重要挽留客户" {
		t.Error("segment names")
	}
}

func TestRFMConfigValidate(t *testing.T) {
	tests := []struct {
		cfg   RFMConfig
		field string
	}{
		{RFMConfig{Mode: ByMean}, ""},
		{RFMConfig{Mode: "MODE"}, "mode"},
		{RFMConfig{Mode: ByQuantile, Quantile: 1}, "quantile"},
		{RFMConfig{Mode: Fixed, Frequency: 0}, "fixed"},
		{RFMConfig{Mode: ByMean, WindowDays: -1}, "windowDays"},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate()
		fe, ok := AsFieldError(err)
		if (tt.field == "") != (err == nil) || (ok && fe.Field != tt.field) {
			t.Errorf("%+v: %v", tt.cfg, err)
		}
	}
	if _, err := ComputeThresholds(nil, RFMConfig{Mode: "X"}); err == nil {
		t.Error("bad mode accepted")
	}
	if th, err := ComputeThresholds(nil, DefaultRFM); err != nil || th != (Thresholds{}) {
		t.Errorf("no buyers: %+v %v", th, err)
	}
}
