package mall

import (
	"slices"
	"testing"
)

func TestPlanBatch(t *testing.T) {
	r := func(key, buyer string) BatchRequest { return BatchRequest{Key: key, BuyerRef: buyer} }
	for _, tc := range []struct {
		name       string
		reqs       []BatchRequest
		max        int
		now, later []int
	}{
		{"empty", nil, 4, nil, nil},
		{"distinct keys and buyers all go", []BatchRequest{r("a", "x"), r("b", "y"), r("c", "z")}, 4, []int{0, 1, 2}, nil},
		{"a repeated key waits", []BatchRequest{r("a", "x"), r("a", "x"), r("b", "y")}, 4, []int{0, 2}, []int{1}},
		{"a buyer's second request waits", []BatchRequest{r("a", "x"), r("b", "x"), r("c", "y"), r("d", "x")}, 4, []int{0, 2}, []int{1, 3}},
		{"a reused key of another buyer waits", []BatchRequest{r("a", "x"), r("a", "y")}, 4, []int{0}, []int{1}},
		{"at most max", []BatchRequest{r("a", "x"), r("b", "y"), r("c", "z")}, 2, []int{0, 1}, []int{2}},
		{"the first always goes", []BatchRequest{r("a", "x")}, 1, []int{0}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now, later := PlanBatch(tc.reqs, tc.max)
			if !slices.Equal(now, tc.now) || !slices.Equal(later, tc.later) {
				t.Fatalf("PlanBatch = %v, %v; want %v, %v", now, later, tc.now, tc.later)
			}
		})
	}
}
