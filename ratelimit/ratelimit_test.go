package ratelimit

import (
	"sync"
	"testing"
	"time"
)

func TestTake(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	type step struct {
		at        time.Duration
		key       string
		cost      int
		allowed   bool
		remaining int
		retry     time.Duration
	}
	for _, tc := range []struct {
		name   string
		budget int
		steps  []step
	}{
		{"burst up to the budget, then refused until refilled", 600, []step{
			{0, "a", 500, true, 100, 0},
			{0, "a", 200, false, 100, 10 * time.Second}, // 100 missing at 10/s
			{10 * time.Second, "a", 200, true, 0, 0},
		}},
		{"keys are independent", 100, []step{
			{0, "a", 100, true, 0, 0},
			{0, "b", 100, true, 0, 0},
			{0, "a", 1, false, 0, 600 * time.Millisecond},
		}},
		{"refill stops at the budget", 60, []step{
			{0, "a", 60, true, 0, 0},
			{time.Hour, "a", 0, true, 60, 0},
		}},
		{"a cost above the budget never fits", 100, []step{
			{0, "a", 101, false, 100, 0},
		}},
		{"no budget: unlimited", 0, []step{
			{0, "a", 1 << 30, true, -1, 0},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := New()
			for i, s := range tc.steps {
				d := l.Take(s.key, tc.budget, s.cost, t0.Add(s.at))
				if d.Allowed != s.allowed || d.Remaining != s.remaining || d.RetryAfter != s.retry {
					t.Fatalf("step %d: %+v, want allowed %v remaining %d retry %s", i, d, s.allowed, s.remaining, s.retry)
				}
			}
		})
	}
}

// TestTakeConcurrent: many goroutines spending from one bucket never spend
// more than its budget.
func TestTakeConcurrent(t *testing.T) {
	l := New()
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	allowed := 0
	var wg sync.WaitGroup
	for range 200 {
		wg.Go(func() {
			if l.Take("k", 1000, 7, now).Allowed {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if allowed != 1000/7 {
		t.Fatalf("%d takes of 7 allowed from a budget of 1000, want %d", allowed, 1000/7)
	}
}
