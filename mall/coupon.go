package mall

import (
	"fmt"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// ClaimState is the life of a claimed coupon.
type ClaimState string

// Claim states: CLAIMED → RESERVED (an order awaits payment) → REDEEMED
// (paid); RESERVED → CLAIMED when the order is cancelled or refunded;
// CLAIMED → EXPIRED past its expiry.
const (
	Claimed  ClaimState = "CLAIMED"
	Reserved ClaimState = "RESERVED"
	Redeemed ClaimState = "REDEEMED"
	Gone     ClaimState = "EXPIRED"
)

// ClaimExpiry is when a coupon claimed at now stops being usable: after the
// rule's validDays, never after the campaign ends.
func ClaimExpiry(r *schematype.CouponRule, campaignEnds, now time.Time) time.Time {
	if r.ValidDays <= 0 {
		return campaignEnds
	}
	exp := now.Add(time.Duration(r.ValidDays) * 24 * time.Hour)
	if exp.After(campaignEnds) {
		return campaignEnds
	}
	return exp
}

// CheckUse decides whether a claim can be used by an order at now.
func CheckUse(state ClaimState, expires, now time.Time) error {
	switch {
	case state == Reserved || state == Redeemed:
		return &apperr.Error{Code: apperr.Conflict, Field: "couponIDs", Message: "the coupon was already used"}
	case state == Gone || !now.Before(expires):
		return &apperr.Error{Code: apperr.Conflict, Field: "couponIDs", Message: "the coupon has expired"}
	}
	return nil
}

// NoneLeft is the error of a claim when the batch is exhausted.
func NoneLeft() error {
	return &apperr.Error{Code: apperr.Conflict, Field: "campaignID", Message: "no coupons left"}
}

// ClaimLimit is the error of a claim past the per-user limit.
func ClaimLimit(limit int) error {
	return &apperr.Error{Code: apperr.Conflict, Field: "buyerRef",
		Message: fmt.Sprintf("the buyer already holds the most coupons allowed per buyer (%d)", limit)}
}
