package mall

import (
	"strings"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/promo"
)

func codeField(err error) (string, string) {
	if err == nil {
		return "", ""
	}
	var e *apperr.Error
	if ae, ok := err.(*apperr.Error); ok {
		e = ae
	} else {
		return "other", ""
	}
	return string(e.Code), e.Field
}

func TestCheckKeyAndBuyer(t *testing.T) {
	cases := []struct {
		name, key, buyer, code, field string
	}{
		{"ok", "k-1", "oX9f3a", "", ""},
		{"empty key", "", "b", "BAD_USER_INPUT", "idempotencyKey"},
		{"64 chars", strings.Repeat("k", 64), "b", "", ""},
		{"65 chars", strings.Repeat("k", 65), "b", "BAD_USER_INPUT", "idempotencyKey"},
		{"64 runes of 3 bytes", strings.Repeat("键", 64), "b", "", ""},
		{"spaces", " k", "b", "BAD_USER_INPUT", "idempotencyKey"},
		{"empty buyer", "k", "", "BAD_USER_INPUT", "buyerRef"},
		{"buyer with space", "k", "a b", "BAD_USER_INPUT", "buyerRef"},
		{"phone number", "k", "13812345678", "BAD_USER_INPUT", "buyerRef"},
		{"+86 phone", "k", "+8613812345678", "BAD_USER_INPUT", "buyerRef"},
		{"long buyer", "k", strings.Repeat("b", 129), "BAD_USER_INPUT", "buyerRef"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckKey(c.key)
			if err == nil {
				err = CheckBuyerRef(c.buyer)
			}
			if code, field := codeField(err); code != c.code || field != c.field {
				t.Fatalf("got %s %s (%v), want %s %s", code, field, err, c.code, c.field)
			}
		})
	}
}

func TestReplay(t *testing.T) {
	if Replay(true) != nil {
		t.Fatal("same arguments must replay")
	}
	if code, field := codeField(Replay(false)); code != "CONFLICT" || field != "idempotencyKey" {
		t.Fatalf("got %s %s", code, field)
	}
}

func TestCheckReservation(t *testing.T) {
	t0 := time.Date(2026, 6, 18, 12, 0, 0, 0, time.UTC)
	rule := &schematype.FlashSaleRule{FlashPrice: 100, PerUserLimit: 2, Slots: []schematype.FlashSaleSlot{
		{StartsAt: t0, EndsAt: t0.Add(time.Hour), Stock: 10},
		{StartsAt: t0.Add(2 * time.Hour), EndsAt: t0.Add(3 * time.Hour), Stock: 5},
	}}
	custom := *rule
	custom.ReservationMinutes = 5
	cases := []struct {
		name        string
		rule        *schematype.FlashSaleRule
		req         Reservation
		code, field string
		expires     time.Time
	}{
		{"open slot, default 15 min", rule, Reservation{0, 1, t0.Add(time.Minute)}, "", "", t0.Add(16 * time.Minute)},
		{"custom minutes", &custom, Reservation{0, 2, t0}, "", "", t0.Add(5 * time.Minute)},
		{"before the slot", rule, Reservation{1, 1, t0.Add(time.Hour)}, "CONFLICT", "slot", time.Time{}},
		{"slot ended", rule, Reservation{0, 1, t0.Add(time.Hour)}, "CONFLICT", "slot", time.Time{}},
		{"no such slot", rule, Reservation{2, 1, t0}, "BAD_USER_INPUT", "slot", time.Time{}},
		{"negative slot", rule, Reservation{-1, 1, t0}, "BAD_USER_INPUT", "slot", time.Time{}},
		{"zero units", rule, Reservation{0, 0, t0}, "BAD_USER_INPUT", "quantity", time.Time{}},
		{"over the per-user limit", rule, Reservation{0, 3, t0}, "BAD_USER_INPUT", "quantity", time.Time{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			exp, err := CheckReservation(c.rule, c.req)
			if code, field := codeField(err); code != c.code || field != c.field {
				t.Fatalf("got %s %s (%v)", code, field, err)
			}
			if !exp.Equal(c.expires) {
				t.Fatalf("expires %v, want %v", exp, c.expires)
			}
		})
	}
}

func TestStates(t *testing.T) {
	for s, holds := range map[ReservationState]bool{Held: true, Ordered: true, Paid: true, Released: false, Expired: false} {
		if s.Holds() != holds {
			t.Fatalf("%s holds = %v", s, !holds)
		}
	}
}

func TestClaimExpiryAndUse(t *testing.T) {
	now := time.Date(2026, 6, 18, 12, 0, 0, 0, time.UTC)
	end := now.Add(72 * time.Hour)
	cases := []struct {
		name string
		days int
		want time.Time
	}{
		{"until the campaign ends", 0, end},
		{"one day", 1, now.Add(24 * time.Hour)},
		{"never past the end", 7, end},
	}
	for _, c := range cases {
		if got := ClaimExpiry(&schematype.CouponRule{ValidDays: c.days}, end, now); !got.Equal(c.want) {
			t.Fatalf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	uses := []struct {
		state   ClaimState
		expires time.Time
		code    string
	}{
		{Claimed, now.Add(time.Minute), ""},
		{Claimed, now, "CONFLICT"},
		{Reserved, now.Add(time.Hour), "CONFLICT"},
		{Redeemed, now.Add(time.Hour), "CONFLICT"},
		{Gone, now.Add(time.Hour), "CONFLICT"},
	}
	for _, u := range uses {
		if code, _ := codeField(CheckUse(u.state, u.expires, now)); code != u.code {
			t.Fatalf("%s expiring %v: %q, want %q", u.state, u.expires, code, u.code)
		}
	}
}

func TestTransition(t *testing.T) {
	cases := []struct {
		verb Verb
		from OrderStatus
		to   OrderStatus
		noop bool
		code string
	}{
		{Pay, PendingPayment, OrderPaid, false, ""},
		{Pay, OrderPaid, OrderPaid, true, ""},
		{Pay, Cancelled, Cancelled, false, "CONFLICT"},
		{Pay, Refunded, Refunded, false, "CONFLICT"},
		{Cancel, PendingPayment, Cancelled, false, ""},
		{Cancel, Cancelled, Cancelled, true, ""},
		{Cancel, OrderPaid, OrderPaid, false, "CONFLICT"},
		{Refund, OrderPaid, Refunded, false, ""},
		{Refund, Refunded, Refunded, true, ""},
		{Refund, PendingPayment, PendingPayment, false, "CONFLICT"},
		{Refund, Cancelled, Cancelled, false, "CONFLICT"},
	}
	for _, c := range cases {
		to, noop, err := Transition(c.verb, c.from)
		if code, _ := codeField(err); code != c.code || to != c.to || noop != c.noop {
			t.Fatalf("%s on %s: %s noop=%v %q", c.verb, c.from, to, noop, code)
		}
	}
}

func TestSharesAndBudgets(t *testing.T) {
	kinds := map[int]promo.Kind{1: promo.FlashSale, 2: promo.Coupon}
	pl := promo.PricedLine{SKUID: 9, Quantity: 2, ListAmount: 20000, Amount: 1500,
		Shares: []promo.Share{{CampaignID: 2, Amount: 500}, {CampaignID: 1, Amount: 18000}, {CampaignID: 3, Amount: 0}}}
	got, err := Shares(pl, kinds)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != (schematype.OrderLineShare{CampaignID: 1, Kind: "FLASH_SALE", Amount: 18000}) ||
		got[1] != (schematype.OrderLineShare{CampaignID: 2, Kind: "COUPON", Amount: 500}) {
		t.Fatalf("shares %+v", got)
	}
	pl.Amount = 1499
	if _, err := Shares(pl, kinds); err == nil {
		t.Fatal("shares that do not add up to the discount must fail")
	}
	by := ByCampaign([][]schematype.OrderLineShare{got, {{CampaignID: 2, Amount: 250}}})
	if by[1] != 18000 || by[2] != 750 {
		t.Fatalf("by campaign %v", by)
	}
}

func TestForOrder(t *testing.T) {
	t0 := time.Date(2026, 6, 18, 12, 0, 0, 0, time.UTC)
	fs := &schematype.FlashSaleRule{FlashPrice: 1000, PerUserLimit: 5, Slots: []schematype.FlashSaleSlot{{StartsAt: t0, EndsAt: t0.Add(time.Hour), Stock: 9}}}
	camps := []promo.Campaign{
		{ID: 1, Kind: promo.FlashSale, Status: promo.Live, StartsAt: t0.Add(-time.Hour), EndsAt: t0.Add(5 * time.Hour), Rules: schematype.CampaignRules{FlashSale: fs}},
		{ID: 2, Kind: promo.FlashSale, Status: promo.Live, StartsAt: t0, EndsAt: t0.Add(time.Hour), Rules: schematype.CampaignRules{FlashSale: fs}},
		{ID: 3, Kind: promo.Coupon, Budget: 1000, Spend: 100},
	}
	got := ForOrder(camps, []Hold{{CampaignID: 1, SKUID: 7, Quantity: 2}}, map[int]promo.Money{3: 400})
	if len(got) != 2 || got[0].ID != 1 || got[1].ID != 3 {
		t.Fatalf("campaigns %+v", got)
	}
	f := got[0].Rules.FlashSale
	if f.PerUserLimit != 2 || len(got[0].Targets.SKUIDs) != 1 || got[0].Targets.SKUIDs[0] != 7 {
		t.Fatalf("flash narrowed to %+v targets %+v", f, got[0].Targets)
	}
	if !f.Slots[0].StartsAt.Equal(camps[0].StartsAt) || !f.Slots[0].EndsAt.Equal(camps[0].EndsAt) {
		t.Fatalf("the reservation should carry the price through the campaign window: %+v", f.Slots)
	}
	if fs.PerUserLimit != 5 {
		t.Fatal("ForOrder changed the caller's rule")
	}
	if got[1].Spend != 500 {
		t.Fatalf("reserved budget not counted as spent: %d", got[1].Spend)
	}
}
