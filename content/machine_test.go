package content

import (
	"errors"
	"testing"
)

func TestEveryTransition(t *testing.T) {
	// allowed lists every allowed (from, action) → to; every other pair of
	// the 8 × 9 grid must be refused.
	allowed := map[Status]map[Action]Status{
		Draft:     {Edit: Draft, Submit: InReview, Archive: Archived},
		InReview:  {Approve: Approved, Reject: Rejected, Archive: Archived},
		Approved:  {Schedule: Scheduled, Publish: Published, MarkPosted: Published, Archive: Archived},
		Rejected:  {Edit: Rejected, Submit: InReview, Archive: Archived},
		Scheduled: {Schedule: Scheduled, Publish: Published, MarkDue: Due, MarkPosted: Published, Archive: Archived},
		Due:       {Schedule: Scheduled, MarkPosted: Published, Archive: Archived},
		Published: {Archive: Archived},
		Archived:  {},
	}
	n := 0
	for _, from := range Statuses {
		for _, a := range Actions {
			want, ok := allowed[from][a]
			t.Run(string(from)+"/"+string(a), func(t *testing.T) {
				got, err := Next(from, a)
				if ok {
					if err != nil || got != want {
						t.Fatalf("Next(%s, %s) = %s, %v; want %s", from, a, got, err, want)
					}
					return
				}
				var refused *RefusedError
				if !errors.As(err, &refused) || refused.From != from || refused.Action != a {
					t.Fatalf("Next(%s, %s) = %s, %v; want refused", from, a, got, err)
				}
			})
			n++
		}
	}
	if n != len(Statuses)*len(Actions) {
		t.Fatalf("tested %d pairs", n)
	}
}

func TestFromIsTheGuard(t *testing.T) {
	for _, a := range Actions {
		for _, s := range From(a) {
			if _, err := Next(s, a); err != nil {
				t.Errorf("From(%s) includes %s but Next refuses it", a, s)
			}
		}
		count := 0
		for _, s := range Statuses {
			if _, err := Next(s, a); err == nil {
				count++
			}
		}
		if count != len(From(a)) {
			t.Errorf("From(%s) = %v misses allowed states", a, From(a))
		}
	}
}

func TestRefusedMessage(t *testing.T) {
	_, err := Next(Published, Submit)
	if err == nil || err.Error() != "content in status PUBLISHED cannot be submitted" {
		t.Fatalf("err = %v", err)
	}
}
