package content

import (
	"math"
	"testing"
)

func TestDecide(t *testing.T) {
	cases := []struct {
		name       string
		arms       []Arm
		confidence float64
		winner     string
		p          float64 // expected p-value (±0.001); NaN: none
		needed     int64   // expected needed views (±1%); 0: none
	}{
		// 5.0% vs 6.5% on 4000 views each: z = 2.91, p = 0.0036.
		{"significant at 95%", []Arm{{Label: "A", Views: 4000, Engagements: 200}, {Label: "B", Views: 4000, Engagements: 260}}, 0.95, "B", 0.0036, 0},
		// Same data at 99.9%: not significant; 5% vs 6.5% needs ≈ 8,224 per arm at α=0.001, power 0.8 (3.2905·0.3292 + 0.8416·0.3291)² / 0.015².
		{"not significant at 99.9%", []Arm{{Label: "A", Views: 4000, Engagements: 200}, {Label: "B", Views: 4000, Engagements: 260}}, 0.999, "", 0.0036, 8224},
		// 5% vs 6% on 500 views: p ≈ 0.49; needs ≈ 8,160 per arm at 95%.
		{"too few views", []Arm{{Label: "A", Views: 500, Engagements: 25}, {Label: "B", Views: 500, Engagements: 30}}, 0.95, "", 0.4876, 8160},
		{"same rate", []Arm{{Label: "A", Views: 1000, Engagements: 50}, {Label: "B", Views: 1000, Engagements: 50}}, 0.95, "", 1, 0},
		{"one arm without views", []Arm{{Label: "A", Views: 1000, Engagements: 50}, {Label: "B"}}, 0.95, "", math.NaN(), 0},
		{"three arms: best against runner-up", []Arm{{Label: "A", Views: 4000, Engagements: 200}, {Label: "B", Views: 4000, Engagements: 260}, {Label: "C", Views: 4000, Engagements: 100}}, 0.95, "B", 0.0036, 0},
		{"engagements capped at views", []Arm{{Label: "A", Views: 100, Engagements: 300}, {Label: "B", Views: 100, Engagements: 10}}, 0.95, "A", 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Decide(c.arms, c.confidence)
			if d.Winner != c.winner {
				t.Errorf("winner = %q, want %q (%s)", d.Winner, c.winner, d.Summary)
			}
			if math.IsNaN(c.p) != math.IsNaN(d.PValue) || (!math.IsNaN(c.p) && math.Abs(d.PValue-c.p) > 0.001) {
				t.Errorf("p = %v, want %v", d.PValue, c.p)
			}
			if c.needed == 0 && d.NeededViews != 0 || c.needed != 0 && math.Abs(float64(d.NeededViews-c.needed)) > float64(c.needed)/100 {
				t.Errorf("needed = %d, want ≈ %d", d.NeededViews, c.needed)
			}
			if d.Summary == "" {
				t.Error("no summary")
			}
		})
	}
}
