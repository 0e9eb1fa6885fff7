package promo

import "math/bits"

func mul64(a, b uint64) (hi, lo uint64) { return bits.Mul64(a, b) }

// div128 divides a 128-bit number by c; the quotient fits 64 bits because
// a*b/c ≤ a when b ≤ c, which is how Apportion calls it.
func div128(hi, lo, c uint64) (q, r uint64) {
	if hi >= c {
		return 1<<63 - 1, 0
	}
	return bits.Div64(hi, lo, c)
}
