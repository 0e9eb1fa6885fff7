package insights

// CPSCommission is commission rate × (attributed paid amount − refunds), in
// fen rounded half up; never negative.
func CPSCommission(rate float64, paid, refunded int64) int64 {
	net := paid - refunded
	if net <= 0 || rate <= 0 {
		return 0
	}
	return int64(float64(net)*rate + 0.5)
}

// ROI is attributed GMV ÷ spend; ok is false without spend.
func ROI(gmv, spend int64) (roi float64, ok bool) {
	if spend <= 0 {
		return 0, false
	}
	return float64(gmv) / float64(spend), true
}
