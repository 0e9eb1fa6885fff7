package mall

import (
	"errors"
	mrand "math/rand"
	"slices"
	"testing"
	"testing/quick"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

func asAppErr(err error, target **apperr.Error) bool { return errors.As(err, target) }

func TestCutsHandComputed(t *testing.T) {
	cases := []struct {
		name  string
		total Money
		n     int
		want  []Money
	}{
		{"one helper takes it all", 12345, 1, []Money{12345}},
		{"exactly one fen each", 5, 5, []Money{1, 1, 1, 1, 1}},
	}
	for _, c := range cases {
		got, err := Cuts(42, c.total, c.n)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%s: Cuts = %v, %v; want %v", c.name, got, err, c.want)
		}
	}
	if _, err := Cuts(42, 4, 5); err == nil {
		t.Error("4 fen cannot be cut 5 times")
	}
	if _, err := Cuts(42, 100, 0); err == nil {
		t.Error("0 helpers accepted")
	}
}

// TestCutsProperty: for any seed, total ≥ n and n, the sequence has n cuts,
// each ≥ 1 fen, summing to exactly total, and the same inputs give the same cuts.
func TestCutsProperty(t *testing.T) {
	prop := func(seed uint64, totalRaw uint32, nRaw uint16) bool {
		n := int(nRaw%1000) + 1
		total := Money(n) + Money(totalRaw)
		cuts, err := Cuts(seed, total, n)
		if err != nil || len(cuts) != n {
			return false
		}
		var sum Money
		for _, c := range cuts {
			if c < 1 {
				return false
			}
			sum += c
		}
		again, _ := Cuts(seed, total, n)
		return sum == total && slices.Equal(cuts, again)
	}
	if err := quick.Check(prop, &quick.Config{MaxCount: 2000, Rand: newRand()}); err != nil {
		t.Fatal(err)
	}
	// Large prices do not overflow.
	cuts, err := Cuts(7, 1<<40, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var sum Money
	for _, c := range cuts {
		sum += c
	}
	if sum != 1<<40 {
		t.Fatalf("sum %d", sum)
	}
}

func TestCutsDifferBySeed(t *testing.T) {
	a, _ := Cuts(1, 9000, 5)
	b, _ := Cuts(2, 9000, 5)
	if slices.Equal(a, b) {
		t.Fatalf("seeds 1 and 2 gave the same cuts %v", a)
	}
}

func TestHelpSequenceReachesFloorAtN(t *testing.T) {
	r := schematype.BargainRule{FloorPrice: 1000, MaxHelpers: 4, WithinHours: 24}
	s := Session{State: BargainActive, Start: 10000, Floor: 1000, Current: 10000, ExpiresAt: t0.Add(24 * time.Hour), Seed: 99}
	for k := 1; k <= 4; k++ {
		cut, price, err := Help(&r, s, false, false, t0)
		if err != nil {
			t.Fatal(err)
		}
		if cut < 1 || price != s.Current-cut {
			t.Fatalf("help %d: cut %d price %d", k, cut, price)
		}
		if k < 4 && price <= 1000 {
			t.Fatalf("help %d reached the floor early: %d", k, price)
		}
		s.Current, s.Helpers = price, k
	}
	if s.Current != 1000 {
		t.Fatalf("after 4 helps the price is %d, want the floor 1000", s.Current)
	}
	s.State = BargainReached
	if _, _, err := Help(&r, s, false, false, t0); err == nil {
		t.Fatal("a 5th help was accepted")
	}
}

func TestHelpRefusals(t *testing.T) {
	r := schematype.BargainRule{FloorPrice: 1000, MaxHelpers: 4, WithinHours: 24}
	active := Session{State: BargainActive, Start: 10000, Floor: 1000, Current: 10000, ExpiresAt: t0.Add(time.Hour), Seed: 1}
	bought := active
	bought.State = BargainPurchased
	cases := []struct {
		name               string
		s                  Session
		initiator, already bool
		at                 time.Time
		ok                 bool
	}{
		{"friend helps", active, false, false, t0, true},
		{"initiator cannot help", active, true, false, t0, false},
		{"one help per helper", active, false, true, t0, false},
		{"expired", active, false, false, t0.Add(time.Hour), false},
		{"bought", bought, false, false, t0, false},
	}
	for _, c := range cases {
		_, _, err := Help(&r, c.s, c.initiator, c.already, c.at)
		if c.ok != (err == nil) {
			t.Errorf("%s: err = %v", c.name, err)
		}
		if code, _ := apperr.CodeOf(err); err != nil && code != apperr.Conflict {
			t.Errorf("%s: code %s", c.name, code)
		}
	}
}

func TestBuyPrice(t *testing.T) {
	floorOnly := schematype.BargainRule{FloorPrice: 1000, MaxHelpers: 4, WithinHours: 24}
	anyPrice := floorOnly
	anyPrice.BuyRule = schematype.BuyAtAnyPrice
	mid := Session{State: BargainActive, Start: 10000, Floor: 1000, Current: 4200, ExpiresAt: t0.Add(time.Hour)}
	atFloor := mid
	atFloor.State, atFloor.Current = BargainReached, 1000
	bought := atFloor
	bought.State = BargainPurchased
	cases := []struct {
		name string
		rule schematype.BargainRule
		s    Session
		at   time.Time
		want Money // 0: refused
	}{
		{"floor only, above the floor", floorOnly, mid, t0, 0},
		{"floor only, at the floor", floorOnly, atFloor, t0, 1000},
		{"any price, midway", anyPrice, mid, t0, 4200},
		{"any price, expired", anyPrice, mid, t0.Add(time.Hour), 0},
		{"floor reached but expired", floorOnly, atFloor, t0.Add(2 * time.Hour), 0},
		{"bought twice", floorOnly, bought, t0, 0},
	}
	for _, c := range cases {
		got, err := BuyPrice(&c.rule, c.s, c.at)
		if (c.want == 0) != (err != nil) || got != c.want {
			t.Errorf("%s: BuyPrice = %d, %v; want %d", c.name, got, err, c.want)
		}
	}
}

func TestPlanBargain(t *testing.T) {
	r := schematype.BargainRule{FloorPrice: 1000, MaxHelpers: 5, WithinHours: 24}
	if exp, err := PlanBargain(&r, 1005, t0); err != nil || !exp.Equal(t0.Add(24*time.Hour)) {
		t.Errorf("1005: %v %v", exp, err)
	}
	for _, list := range []Money{1000, 999, 1004} {
		if _, err := PlanBargain(&r, list, t0); err == nil {
			t.Errorf("list %d accepted", list)
		}
	}
}

func newRand() *mrand.Rand { return mrand.New(mrand.NewSource(1)) }
