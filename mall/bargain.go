package mall

import (
	"math/rand/v2"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// BargainState is the state of a 砍价 session: ACTIVE while friends cut,
// REACHED once the floor is reached, PURCHASED once the initiator bought,
// EXPIRED when the time ran out before a purchase.
type BargainState string

// Bargain states.
const (
	BargainActive    BargainState = "ACTIVE"
	BargainReached   BargainState = "REACHED"
	BargainPurchased BargainState = "PURCHASED"
	BargainExpired   BargainState = "EXPIRED"
)

// Cuts is the seeded sequence of n cuts that take a price down by exactly
// total: deterministic for (seed, total, n), every cut at least 1 fen, the
// n-th cut reaching the floor. Earlier cuts tend to be larger (the first
// friends cut a lot, the last ones a little), as buyers expect of 砍价.
// total must be at least n fen.
func Cuts(seed uint64, total Money, n int) ([]Money, error) {
	if n < 1 {
		return nil, apperr.Input("maxHelpers", "must be at least 1, got %d", n)
	}
	if total < Money(n) {
		return nil, apperr.Input("floorPrice", "the price is only %s above the floor: %d helpers cannot each cut at least 0.01", total.Amount(), n)
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) //nolint:gosec // deterministic by design: the seed (from crypto/rand) must replay the same cuts
	w := make([]int64, n)
	var sum int64
	for i := range w {
		// A random weight of 1–1000, front-loaded by (2n − i).
		w[i] = (rng.Int64N(1000) + 1) * int64(2*n-i)
		sum += w[i]
	}
	rest := int64(total) - int64(n) // every cut gets 1 fen; rest is shared by weight
	cuts := make([]Money, n)
	var given int64
	for i := range w {
		share := mulDiv(rest, w[i], sum)
		cuts[i] = Money(1 + share)
		given += share
	}
	// What truncation left (less than n fen) goes one fen each to the first cuts.
	for i := 0; given < rest; i++ {
		cuts[i%n]++
		given++
	}
	return cuts, nil
}

// mulDiv is a × b / c without overflow for a < 2⁶³, b ≤ 2·10⁶·1000, c > 0.
func mulDiv(a, b, c int64) int64 {
	q, r := a/c, a%c
	return q*b + r*b/c
}

// Session is what the rules need to know about a bargain session.
type Session struct {
	State        BargainState
	Start, Floor Money
	Current      Money
	Helpers      int
	ExpiresAt    time.Time
	Seed         uint64
}

// StateAt is the session's state at now: ACTIVE and REACHED sessions expire
// at ExpiresAt.
func StateAt(s Session, now time.Time) BargainState {
	if (s.State == BargainActive || s.State == BargainReached) && !now.Before(s.ExpiresAt) {
		return BargainExpired
	}
	return s.State
}

// Help is the cut of the next helper and the price after it. initiator says
// the helper started the session; already that the helper helped before.
func Help(r *schematype.BargainRule, s Session, initiator, already bool, now time.Time) (cut, price Money, err error) {
	switch st := StateAt(s, now); {
	case initiator:
		return 0, 0, apperr.New(apperr.Conflict, "the initiator cannot help their own bargain")
	case st == BargainExpired:
		return 0, 0, apperr.New(apperr.Conflict, "the bargain expired at %s", s.ExpiresAt.UTC().Format(time.RFC3339))
	case st == BargainPurchased:
		return 0, 0, apperr.New(apperr.Conflict, "the bargain was bought already")
	case already:
		return 0, 0, apperr.New(apperr.Conflict, "this helper helped this bargain already")
	case st == BargainReached || s.Helpers >= r.MaxHelpers || s.Current <= s.Floor:
		return 0, 0, apperr.New(apperr.Conflict, "the bargain reached its floor price already")
	}
	cuts, err := Cuts(s.Seed, s.Start-s.Floor, r.MaxHelpers)
	if err != nil {
		return 0, 0, err
	}
	cut = cuts[s.Helpers]
	return cut, s.Current - cut, nil
}

// BuyPrice is the price the initiator may buy at now under the rule's buy
// rule: FLOOR_ONLY only once the floor is reached, ANY_PRICE at the price
// reached; never after expiry or twice.
func BuyPrice(r *schematype.BargainRule, s Session, now time.Time) (Money, error) {
	switch StateAt(s, now) {
	case BargainExpired:
		return 0, apperr.New(apperr.Conflict, "the bargain expired at %s", s.ExpiresAt.UTC().Format(time.RFC3339))
	case BargainPurchased:
		return 0, apperr.New(apperr.Conflict, "the bargain was bought already")
	}
	if r.BuyRule != schematype.BuyAtAnyPrice && s.Current > s.Floor {
		return 0, apperr.New(apperr.Conflict, "this bargain can be bought at its floor price only (%s); the price is still %s", s.Floor.Amount(), s.Current.Amount())
	}
	return s.Current, nil
}

// PlanBargain checks that a SKU at list can be bargained under the rule and
// returns when a session started at now expires.
func PlanBargain(r *schematype.BargainRule, list Money, now time.Time) (time.Time, error) {
	if list <= r.FloorPrice {
		return time.Time{}, apperr.Input("skuID", "the SKU's price %s is not above the floor price %s", list.Amount(), r.FloorPrice.Amount())
	}
	if list-r.FloorPrice < Money(r.MaxHelpers) {
		return time.Time{}, apperr.Input("skuID", "the SKU's price is too close to the floor for %d helpers", r.MaxHelpers)
	}
	return now.Add(time.Duration(r.WithinHours) * time.Hour), nil
}
