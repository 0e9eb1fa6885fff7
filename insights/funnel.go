package insights

import "slices"

// Stage is one step of the conversion funnel (转化漏斗).
type Stage struct {
	Name     string  // VISITORS, ADD_TO_CART, ORDERING_BUYERS, PAYING_BUYERS
	Count    int64   // visitors/buyers reaching the stage
	FromPrev float64 // Count ÷ previous stage's Count (1 for the first stage with visitors)
	FromTop  float64 // Count ÷ visitors
}

// Funnel is visitors → add-to-cart → ordering buyers → paying buyers with the
// stage-to-stage rates (加购率, 下单转化率, 下单支付转化率) and the rate from the top.
func Funnel(t Totals) []Stage {
	counts := []struct {
		name string
		n    int64
	}{{"VISITORS", t.Visitors}, {"ADD_TO_CART", t.AddToCart}, {"ORDERING_BUYERS", t.OrderingBuyers}, {"PAYING_BUYERS", t.PayingBuyers}}
	out := make([]Stage, 0, len(counts))
	prev := t.Visitors // the first stage's rate is visitors ÷ visitors
	for _, c := range counts {
		out = append(out, Stage{Name: c.name, Count: c.n, FromPrev: Ratio(c.n, prev), FromTop: Ratio(c.n, t.Visitors)})
		prev = c.n
	}
	return out
}

// TrafficSources are the traffic sources (流量来源) in display order.
var TrafficSources = []string{"NATURAL_SEARCH", "PAID", "CONTENT", "SOCIAL", "PRIVATE_DOMAIN", "OTHER"}

// SourceFigures are a traffic source's inputs.
type SourceFigures struct {
	Visitors     int64
	PayingBuyers int64
	PaidAmount   int64
}

// SourceShare is one line of the traffic mix.
type SourceShare struct {
	Source         string
	Visitors       int64
	Share          float64 // visitors ÷ all visitors
	PayingBuyers   int64
	ConversionRate float64 // paying buyers from the source ÷ its visitors
	PaidAmount     int64
	AmountShare    float64 // paid amount ÷ all paid amount
}

// TrafficMix is the share and conversion of each source, in TrafficSources
// order followed by any unknown source alphabetically.
func TrafficMix(by map[string]SourceFigures) []SourceShare {
	var visitors, amount int64
	for _, f := range by {
		visitors += f.Visitors
		amount += f.PaidAmount
	}
	keys := slices.Clone(TrafficSources)
	var extra []string
	for k := range by {
		if !slices.Contains(TrafficSources, k) {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	keys = append(keys, extra...)
	out := make([]SourceShare, 0, len(keys))
	for _, k := range keys {
		f := by[k]
		out = append(out, SourceShare{
			Source: k, Visitors: f.Visitors, Share: Ratio(f.Visitors, visitors),
			PayingBuyers: f.PayingBuyers, ConversionRate: Ratio(f.PayingBuyers, f.Visitors),
			PaidAmount: f.PaidAmount, AmountShare: Ratio(f.PaidAmount, amount),
		})
	}
	return out
}
