package promo

import (
	"cmp"
	"slices"
)

// Apportion splits total across weights in proportion, exactly to the fen, by
// the largest-remainder method: every share is first rounded down, and the
// fen left over go one each to the largest remainders (ties to the lower
// index). With 0 ≤ total ≤ Σweights, no share exceeds its weight.
func Apportion(total Money, weights []Money) []Money {
	shares := make([]Money, len(weights))
	var sum int64
	for _, w := range weights {
		if w > 0 {
			sum += int64(w)
		}
	}
	if total <= 0 || sum == 0 {
		return shares
	}
	type rem struct {
		i int
		r int64
	}
	rems := make([]rem, 0, len(weights))
	var given int64
	for i, w := range weights {
		if w <= 0 {
			continue
		}
		// total ≤ sum of weights (about 9e16 fen at most) keeps total*w exact
		// for realistic carts; mulDiv guards the rest.
		q, r := mulDiv(int64(total), int64(w), sum)
		shares[i] = Money(q)
		given += q
		rems = append(rems, rem{i, r})
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.r, a.r) })
	for k := 0; given < int64(total) && k < len(rems); k++ {
		shares[rems[k].i]++
		given++
	}
	return shares
}

// mulDiv returns a*b/c and its remainder, for non-negative a, b and positive c,
// without overflow for the amounts a shop handles (a, b < 2^31 fen is ¥21M;
// beyond that it falls back to 128-bit arithmetic).
func mulDiv(a, b, c int64) (q, r int64) {
	if a < 1<<31 && b < 1<<31 {
		p := a * b
		return p / c, p % c
	}
	hi, lo := mul64(uint64(a), uint64(b))
	qq, rr := div128(hi, lo, uint64(c))
	return int64(qq), int64(rr)
}
