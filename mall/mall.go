// Package mall owns the rules of the brand's own mini-program mall, where
// OpsGraph is the promotions backend: 秒杀 reservations (flashsale.go),
// coupon claims (coupon.go), the life of a mall order and the reservations it
// takes (order.go), and the idempotency every mall mutation follows. It is
// plain Go: no database, no GraphQL. The service beside it (mall/mallsvc)
// loads and saves through ent with conditional updates.
package mall

import (
	"strings"
	"unicode/utf8"

	"github.com/opsgraph/opsgraph/apperr"
)

// Limits of the client-supplied strings.
const (
	MaxKeyLen      = 64
	MaxBuyerRefLen = 128
)

// CheckKey validates an idempotency key: 1–64 characters, no surrounding
// spaces (a key is compared byte for byte).
func CheckKey(key string) error {
	n := utf8.RuneCountInString(key)
	switch {
	case n == 0:
		return apperr.Input("idempotencyKey", "must not be empty")
	case n > MaxKeyLen:
		return apperr.Input("idempotencyKey", "must be at most %d characters, got %d", MaxKeyLen, n)
	case strings.TrimSpace(key) != key:
		return apperr.Input("idempotencyKey", "must not start or end with spaces")
	}
	return nil
}

// CheckBuyerRef validates a buyer reference: a pseudonymous id (a hashed
// openid), 1–128 printable characters without spaces. It must not be personal
// data; the rules cannot tell, but they refuse what looks like a phone number.
func CheckBuyerRef(ref string) error {
	n := utf8.RuneCountInString(ref)
	if n == 0 || n > MaxBuyerRefLen {
		return apperr.Input("buyerRef", "must be 1–%d characters, got %d", MaxBuyerRefLen, n)
	}
	for _, r := range ref {
		if r <= ' ' || r == 0x7f {
			return apperr.Input("buyerRef", "must not contain spaces or control characters")
		}
	}
	if looksLikePhone(ref) {
		return apperr.Input("buyerRef", "looks like a phone number: send a pseudonymous id (e.g. a hashed openid), never personal data")
	}
	return nil
}

// looksLikePhone: 11 digits starting with 1 (a mainland mobile number),
// optionally after +86.
func looksLikePhone(s string) bool {
	s = strings.TrimPrefix(s, "+86")
	if len(s) != 11 || s[0] != '1' {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Replay decides a request whose idempotency key is already taken: the same
// arguments replay the stored result (nil), other arguments are CONFLICT
// naming idempotencyKey.
func Replay(sameArgs bool) error {
	if sameArgs {
		return nil
	}
	return &apperr.Error{Code: apperr.Conflict, Field: "idempotencyKey",
		Message: "idempotencyKey was already used with other arguments; use a new key for a new request"}
}
