package content

import (
	"fmt"
	"math"
	"sort"
)

// Arm is one variant of an A/B experiment: views and engagements (likes,
// comments, shares, saves; capped at views, since a proportion is per view).
type Arm struct {
	Label       string
	Contents    int
	Views       int64
	Engagements int64
}

// Rate is engagements per view.
func (a Arm) Rate() float64 {
	if a.Views == 0 {
		return 0
	}
	return float64(min(a.Engagements, a.Views)) / float64(a.Views)
}

// Decision is the outcome of an experiment so far.
type Decision struct {
	Arms   []Arm // best rate first
	Winner string
	// PValue is the two-sided p-value of the best arm against the runner-up;
	// NaN with fewer than two arms with views.
	PValue float64
	// NeededViews per arm to detect the observed difference at the chosen
	// confidence with 80% power; 0 when there is a winner or no difference.
	NeededViews int64
	Summary     string
}

// Power of the sample-size estimate.
const Power = 0.8

// Decide declares the best arm the winner when the two-proportion z-test
// (pooled) against the runner-up is significant at confidence (e.g. 0.95);
// otherwise "no winner yet" with the views each arm needs.
func Decide(arms []Arm, confidence float64) Decision {
	d := Decision{Arms: append([]Arm(nil), arms...), PValue: math.NaN()}
	sort.SliceStable(d.Arms, func(i, j int) bool { return d.Arms[i].Rate() > d.Arms[j].Rate() })
	var withViews []Arm
	for _, a := range d.Arms {
		if a.Views > 0 {
			withViews = append(withViews, a)
		}
	}
	if len(withViews) < 2 {
		d.Summary = "no winner yet: at least two variants need views"
		return d
	}
	a, b := withViews[0], withViews[1]
	d.PValue = pValue(a, b)
	alpha := 1 - confidence
	if a.Rate() > b.Rate() && d.PValue < alpha {
		d.Winner = a.Label
		d.Summary = fmt.Sprintf("winner: %s (%.2f%% vs %.2f%%, p=%.4f < %.3f)", a.Label, 100*a.Rate(), 100*b.Rate(), d.PValue, alpha)
		return d
	}
	d.NeededViews = neededViews(a.Rate(), b.Rate(), alpha)
	if d.NeededViews == 0 {
		d.Summary = fmt.Sprintf("no winner yet: %s and %s have the same rate (p=%.4f)", a.Label, b.Label, d.PValue)
	} else {
		d.Summary = fmt.Sprintf("no winner yet (p=%.4f ≥ %.3f): about %d views per variant needed to tell %s from %s", d.PValue, alpha, d.NeededViews, a.Label, b.Label)
	}
	return d
}

// pValue is the two-sided p-value of the pooled two-proportion z-test.
func pValue(a, b Arm) float64 {
	n1, n2 := float64(a.Views), float64(b.Views)
	x1, x2 := float64(min(a.Engagements, a.Views)), float64(min(b.Engagements, b.Views))
	p := (x1 + x2) / (n1 + n2)
	se := math.Sqrt(p * (1 - p) * (1/n1 + 1/n2))
	if se == 0 {
		if x1/n1 == x2/n2 {
			return 1
		}
		return 0
	}
	z := (x1/n1 - x2/n2) / se
	return math.Erfc(math.Abs(z) / math.Sqrt2)
}

// zq is the standard normal quantile of q.
func zq(q float64) float64 { return math.Sqrt2 * math.Erfinv(2*q-1) }

// neededViews per arm for a two-sided test at alpha with Power, for rates
// p1 and p2 (0 when they are equal).
func neededViews(p1, p2, alpha float64) int64 {
	if p1 == p2 {
		return 0
	}
	za, zb := zq(1-alpha/2), zq(Power)
	pbar := (p1 + p2) / 2
	num := za*math.Sqrt(2*pbar*(1-pbar)) + zb*math.Sqrt(p1*(1-p1)+p2*(1-p2))
	return int64(math.Ceil(num * num / ((p1 - p2) * (p1 - p2))))
}
