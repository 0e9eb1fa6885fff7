package mall

import (
	"strconv"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// DefaultReservationMinutes is how long a 秒杀 reservation holds its units when
// the campaign does not say.
const DefaultReservationMinutes = 15

// ReservationState is the life of a 秒杀 reservation.
type ReservationState string

// Reservation states: HELD → ORDERED → PAID, HELD → EXPIRED, ORDERED →
// RELEASED (order cancelled), PAID → RELEASED (order refunded).
const (
	Held     ReservationState = "HELD"
	Ordered  ReservationState = "ORDERED"
	Paid     ReservationState = "PAID"
	Released ReservationState = "RELEASED"
	Expired  ReservationState = "EXPIRED"
)

// Holds reports whether a reservation in state s takes units of its slot and
// of its buyer's per-user limit.
func (s ReservationState) Holds() bool { return s == Held || s == Ordered || s == Paid }

// HoldFor is how long a reservation holds its units.
func HoldFor(r *schematype.FlashSaleRule) time.Duration {
	m := r.ReservationMinutes
	if m <= 0 {
		m = DefaultReservationMinutes
	}
	return time.Duration(m) * time.Minute
}

// Reservation is a request to reserve units of a slot.
type Reservation struct {
	Slot     int
	Quantity int
	At       time.Time
}

// CheckReservation decides whether a reservation may be attempted: the slot
// exists and is open at At, and the quantity is between 1 and the per-user
// limit. Stock and the buyer's earlier reservations are the service's
// conditional updates. It returns when the reservation expires.
func CheckReservation(r *schematype.FlashSaleRule, req Reservation) (time.Time, error) {
	if req.Slot < 0 || req.Slot >= len(r.Slots) {
		return time.Time{}, apperr.Input("slot", "the campaign has slots 0–%d", len(r.Slots)-1)
	}
	if req.Quantity < 1 || req.Quantity > r.PerUserLimit {
		return time.Time{}, apperr.Input("quantity", "must be between 1 and the per-user limit %d", r.PerUserLimit)
	}
	s := r.Slots[req.Slot]
	if req.At.Before(s.StartsAt) {
		return time.Time{}, &apperr.Error{Code: apperr.Conflict, Field: "slot",
			Message: "the slot opens at " + s.StartsAt.UTC().Format(time.RFC3339)}
	}
	if !req.At.Before(s.EndsAt) {
		return time.Time{}, &apperr.Error{Code: apperr.Conflict, Field: "slot", Message: "the slot has ended"}
	}
	return req.At.Add(HoldFor(r)), nil
}

// SoldOut is the error of a reservation the slot's remaining units cannot serve.
func SoldOut() error {
	return &apperr.Error{Code: apperr.Conflict, Field: "quantity", Message: "sold out: the slot has fewer units left than asked"}
}

// OverLimit is the error of a reservation that would take a buyer past the
// per-user limit.
func OverLimit(limit int) error {
	return &apperr.Error{Code: apperr.Conflict, Field: "quantity",
		Message: "the buyer would hold more than the per-user limit of " + strconv.Itoa(limit) + " units"}
}
