// Package ratelimit is a token bucket per key over a cost budget: each key
// may spend Budget cost units per minute, in bursts of up to a minute's worth.
// Plain Go, no I/O; the server keys it by token and by client address and
// spends the estimated cost of each GraphQL operation.
package ratelimit

import (
	"math"
	"sync"
	"time"
)

// Decision is the outcome of one Take.
type Decision struct {
	Allowed bool
	// Remaining is what the key may still spend now (after this take, if allowed).
	Remaining int
	// Limit is the key's budget per minute (and its burst).
	Limit int
	// RetryAfter is how long until the cost fits, when not allowed.
	RetryAfter time.Duration
}

type bucket struct {
	tokens float64
	at     time.Time
	budget float64
}

// Limiter holds the buckets. Safe for concurrent use.
type Limiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

// New returns an empty limiter.
func New() *Limiter { return &Limiter{buckets: map[string]*bucket{}} }

// Take spends cost from key's bucket if it holds that much, with budget per
// minute (0 or less: unlimited). A cost above the budget can never fit: it is
// refused with RetryAfter 0 (lower the cost, not the rate).
func (l *Limiter) Take(key string, budget, cost int, now time.Time) Decision {
	if budget <= 0 {
		return Decision{Allowed: true, Remaining: -1, Limit: 0}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b := l.buckets[key]
	if b == nil || b.budget != float64(budget) {
		b = &bucket{tokens: float64(budget), at: now, budget: float64(budget)}
		l.buckets[key] = b
	}
	rate := b.budget / 60 // units per second
	if elapsed := now.Sub(b.at).Seconds(); elapsed > 0 {
		b.tokens = math.Min(b.budget, b.tokens+elapsed*rate)
		b.at = now
	}
	d := Decision{Limit: budget}
	c := float64(max(cost, 0))
	switch {
	case c <= b.tokens:
		b.tokens -= c
		d.Allowed = true
	case c <= b.budget:
		d.RetryAfter = time.Duration(math.Ceil((c - b.tokens) / rate * float64(time.Second)))
	}
	d.Remaining = int(b.tokens)
	return d
}

// sweep drops buckets that have been full for a while (at most once a
// minute), so keys of past clients do not accumulate.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	l.swept = now
	for k, b := range l.buckets {
		if now.Sub(b.at) > 2*time.Minute {
			delete(l.buckets, k)
		}
	}
}

// Refund gives cost back to key's bucket (up to its budget): a take that an
// other bucket then refused must not count.
func (l *Limiter) Refund(key string, cost int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.buckets[key]; b != nil {
		b.tokens = math.Min(b.budget, b.tokens+float64(cost))
	}
}
