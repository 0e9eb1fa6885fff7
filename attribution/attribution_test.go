package attribution

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

var (
	d0  = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	day = func(n int) time.Time { return d0.AddDate(0, 0, n) }
)

// The fixture: store 1 runs campaigns 10 (whole store, June 1–30), 11 (SKU
// 100 only, June 10–20, promotion "P11", coupon "C11") and 12 (coupon "C12",
// June 1–30); store 2 runs campaign 20 (whole store, promotion "P11" too).
// Collaborations: 30 (code "kA", campaign 11), 31 (code "kA" too, no
// campaign, created June 25), 32 (author "au9", campaign 10, content 70),
// 33 (cancelled, code "kX").
func fixture() ([]Campaign, []Collaboration) {
	return []Campaign{
			{ID: 10, StoreID: 1, StartsAt: day(0), EndsAt: day(30), WholeStore: true},
			{ID: 11, StoreID: 1, StartsAt: day(9), EndsAt: day(20), SKUIDs: []int{100}, PromotionIDs: []string{"P11"}, CouponIDs: []string{"C11"}},
			{ID: 12, StoreID: 1, StartsAt: day(0), EndsAt: day(30), SKUIDs: []int{999}, CouponIDs: []string{"C12"}},
			{ID: 20, StoreID: 2, StartsAt: day(0), EndsAt: day(30), WholeStore: true, PromotionIDs: []string{"P11"}},
			{ID: 21, StoreID: 2, StartsAt: day(0), EndsAt: day(30), SKUIDs: []int{100}, IdsOnly: true, CouponIDs: []string{"C21"}},
		}, []Collaboration{
			{ID: 30, CampaignID: 11, TrackingCode: "kA", CreatedAt: day(-5)},
			{ID: 31, TrackingCode: "kA", CreatedAt: day(24)},
			{ID: 32, CampaignID: 10, ContentID: 70, AuthorID: "au9", CreatedAt: day(-5)},
			{ID: 33, TrackingCode: "kX", CreatedAt: day(-5), Cancelled: true},
		}
}

func TestAttributePrecedence(t *testing.T) {
	tests := []struct {
		name  string
		order Order
		want  Match
	}{
		{"scope: targeted beats whole store", Order{StoreID: 1, PaidAt: day(12), SKUIDs: []int{100}},
			Match{Campaign: 11, CampaignBy: ProductScope}},
		{"scope: outside the targeted window, whole store", Order{StoreID: 1, PaidAt: day(22), SKUIDs: []int{100}},
			Match{Campaign: 10, CampaignBy: ProductScope}},
		{"scope: line without a local SKU, whole store", Order{StoreID: 1, PaidAt: day(12)},
			Match{Campaign: 10, CampaignBy: ProductScope}},
		{"scope: after every window, nothing", Order{StoreID: 1, PaidAt: day(30)}, Match{}},
		{"scope: end is exclusive, start inclusive", Order{StoreID: 1, PaidAt: day(9), SKUIDs: []int{100}},
			Match{Campaign: 11, CampaignBy: ProductScope}},
		{"coupon id beats scope, even outside the window", Order{StoreID: 1, PaidAt: day(25), SKUIDs: []int{100}, CouponIDs: []string{"C11"}},
			Match{Campaign: 11, CampaignBy: CouponID}},
		{"promotion id beats coupon id", Order{StoreID: 1, PaidAt: day(12), CouponIDs: []string{"C12"}, PromotionIDs: []string{"P11"}},
			Match{Campaign: 11, CampaignBy: PromotionID}},
		{"a promotion id counts only in its campaign's store", Order{StoreID: 2, PaidAt: day(12), PromotionIDs: []string{"P11"}},
			Match{Campaign: 20, CampaignBy: PromotionID}},
		{"unknown ids fall through to scope", Order{StoreID: 1, PaidAt: day(12), PromotionIDs: []string{"nope"}, SKUIDs: []int{999}},
			Match{Campaign: 12, CampaignBy: ProductScope}},
		{"tracking code: the collaboration whose campaign runs", Order{StoreID: 1, PaidAt: day(12), TrackingCode: "kA"},
			Match{Campaign: 11, CampaignBy: TrackingCode, Collaboration: 30, CollaborationBy: TrackingCode}},
		{"tracking code beats scope for the campaign", Order{StoreID: 1, PaidAt: day(12), TrackingCode: "kA", SKUIDs: []int{999}},
			Match{Campaign: 11, CampaignBy: TrackingCode, Collaboration: 30, CollaborationBy: TrackingCode}},
		{"tracking code: no campaign runs, the latest created before payment", Order{StoreID: 1, PaidAt: day(26), TrackingCode: "kA"},
			Match{Campaign: 10, CampaignBy: ProductScope, Collaboration: 31, CollaborationBy: TrackingCode}},
		{"tracking code: before 31 exists, 30", Order{StoreID: 1, PaidAt: day(22), TrackingCode: "kA"},
			Match{Campaign: 10, CampaignBy: ProductScope, Collaboration: 30, CollaborationBy: TrackingCode}},
		{"explicit id beats the collaboration's campaign", Order{StoreID: 1, PaidAt: day(12), TrackingCode: "kA", CouponIDs: []string{"C12"}},
			Match{Campaign: 12, CampaignBy: CouponID, Collaboration: 30, CollaborationBy: TrackingCode}},
		{"author id", Order{StoreID: 1, PaidAt: day(12), AuthorID: "au9", SKUIDs: []int{100}},
			Match{Campaign: 10, CampaignBy: AuthorID, Collaboration: 32, CollaborationBy: AuthorID}},
		{"tracking code beats author id", Order{StoreID: 1, PaidAt: day(12), AuthorID: "au9", TrackingCode: "kA"},
			Match{Campaign: 11, CampaignBy: TrackingCode, Collaboration: 30, CollaborationBy: TrackingCode}},
		{"unknown code falls back to author id", Order{StoreID: 1, PaidAt: day(12), AuthorID: "au9", TrackingCode: "zz"},
			Match{Campaign: 10, CampaignBy: AuthorID, Collaboration: 32, CollaborationBy: AuthorID}},
		{"cancelled collaboration attributes nothing", Order{StoreID: 1, PaidAt: day(12), TrackingCode: "kX"},
			Match{Campaign: 10, CampaignBy: ProductScope}},
		{"collaboration's campaign of another store is not used", Order{StoreID: 2, PaidAt: day(12), AuthorID: "au9"},
			Match{Campaign: 20, CampaignBy: ProductScope, Collaboration: 32, CollaborationBy: AuthorID}},
		{"a cancelled campaign gets no scope orders", Order{StoreID: 2, PaidAt: day(12), SKUIDs: []int{100}},
			Match{Campaign: 20, CampaignBy: ProductScope}},
		{"but keeps its explicit ids", Order{StoreID: 2, PaidAt: day(12), SKUIDs: []int{100}, CouponIDs: []string{"C21"}},
			Match{Campaign: 21, CampaignBy: CouponID}},
		{"store without campaigns", Order{StoreID: 3, PaidAt: day(12)}, Match{}},
	}
	camps, collabs := fixture()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.order.ID = 1
			got := Attribute([]Order{tt.order}, camps, collabs).Orders[1]
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestAttributeFigures checks the sums on a hand-computed set: no order is
// counted twice, refunds and discounts are split, buyers are distinct.
func TestAttributeFigures(t *testing.T) {
	camps, collabs := fixture()
	orders := []Order{
		// → campaign 11 by promotion, collaboration 30 by code.
		{ID: 1, StoreID: 1, PaidAt: day(12), Paid: 10_000, Discount: 1_000, BuyerRef: "b1", TrackingCode: "kA", PromotionIDs: []string{"P11"}},
		// → campaign 11 by scope; refunded: discount not counted.
		{ID: 2, StoreID: 1, PaidAt: day(13), Paid: 5_000, Discount: 500, Refunded: true, BuyerRef: "b1", SKUIDs: []int{100}},
		// → campaign 10 by author id via collaboration 32 (content 70).
		{ID: 3, StoreID: 1, PaidAt: day(14), Paid: 8_000, Discount: 800, BuyerRef: "b2", AuthorID: "au9"},
		// → campaign 10 by scope, no buyer ref.
		{ID: 4, StoreID: 1, PaidAt: day(15), Paid: 2_000, Discount: 0},
		// → nothing.
		{ID: 5, StoreID: 1, PaidAt: day(40), Paid: 9_999},
	}
	r := Attribute(orders, camps, collabs)
	want := map[string]Figures{
		"campaign 11": {Orders: 2, Paid: 15_000, Refunded: 5_000, Discount: 1_000, Buyers: 1, OrderIDs: []int{1, 2},
			ByRule: map[Rule]Share{PromotionID: {1, 10_000}, ProductScope: {1, 5_000}}},
		"campaign 10": {Orders: 2, Paid: 10_000, Discount: 800, Buyers: 1, OrderIDs: []int{3, 4},
			ByRule: map[Rule]Share{AuthorID: {1, 8_000}, ProductScope: {1, 2_000}}},
		"collab 30": {Orders: 1, Paid: 10_000, Discount: 1_000, Buyers: 1, OrderIDs: []int{1},
			ByRule: map[Rule]Share{TrackingCode: {1, 10_000}}},
		"collab 32": {Orders: 1, Paid: 8_000, Discount: 800, Buyers: 1, OrderIDs: []int{3},
			ByRule: map[Rule]Share{AuthorID: {1, 8_000}}},
		"content 70": {Orders: 1, Paid: 8_000, Discount: 800, Buyers: 1, OrderIDs: []int{3},
			ByRule: map[Rule]Share{AuthorID: {1, 8_000}}},
	}
	got := map[string]Figures{"campaign 11": r.Campaign(11), "campaign 10": r.Campaign(10),
		"collab 30": r.Collaboration(30), "collab 32": r.Collaboration(32), "content 70": r.Content(70)}
	for k, w := range want {
		if !reflect.DeepEqual(got[k], w) {
			t.Errorf("%s: got %+v, want %+v", k, got[k], w)
		}
	}
	if f := r.Campaign(12); f.Orders != 0 || f.ByRule != nil {
		t.Errorf("campaign 12: %+v", f)
	}
	if m := r.Orders[5]; m != (Match{}) {
		t.Errorf("order 5: %+v", m)
	}
	var total int64
	for _, f := range r.Campaigns {
		total += f.Paid
	}
	if total != 25_000 { // orders 1–4, each once
		t.Errorf("campaign total %d", total)
	}
}

func TestSettle(t *testing.T) {
	st := Settle([]Earning{
		{CollaborationID: 9, Rate: 0.2, Fee: 50_000, FeeInMonth: true, Figures: Figures{Orders: 2, Paid: 100_000, Refunded: 30_000, OrderIDs: []int{1, 2}}},
		{CollaborationID: 3, CampaignID: 7, Rate: 0.15, Fee: 10_000, Figures: Figures{Orders: 1, Paid: 333}}, // fee of another month
		{CollaborationID: 5, Rate: 0.3},                     // nothing: no line
		{CollaborationID: 4, Fee: 20_000, FeeInMonth: true}, // fee only
	})
	want := Statement{Lines: []Line{
		{CollaborationID: 3, CampaignID: 7, Orders: 1, Paid: 333, Rate: 0.15, Commission: 50},
		{CollaborationID: 4, Fee: 20_000},
		{CollaborationID: 9, Orders: 2, Paid: 100_000, Refunded: 30_000, Rate: 0.2, Commission: 14_000, Fee: 50_000, OrderIDs: []int{1, 2}},
	}, Commission: 14_050, Fees: 70_000, Total: 84_050}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("got %+v\nwant %+v", st, want)
	}
}

func TestLifecycle(t *testing.T) {
	tests := []struct {
		from Status
		verb string
		want Status
		ok   bool
	}{
		{Draft, "generate", Draft, true},
		{Draft, "confirm", Confirmed, true},
		{Confirmed, "pay", Paid, true},
		{Confirmed, "generate", Confirmed, false},
		{Paid, "generate", Paid, false},
		{Draft, "pay", Draft, false},
		{Confirmed, "confirm", Confirmed, false},
		{Paid, "pay", Paid, false},
	}
	for _, tt := range tests {
		got, err := Next(tt.from, tt.verb)
		if got != tt.want || (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrTransition)) {
			t.Errorf("Next(%s, %s) = %s, %v", tt.from, tt.verb, got, err)
		}
	}
}

func TestMonthBoundsAndBudget(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	from, to, err := MonthBounds("2026-12", loc)
	if err != nil || !from.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, loc)) || !to.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, loc)) {
		t.Errorf("MonthBounds = %v %v %v", from, to, err)
	}
	for _, bad := range []string{"2026-13", "2026-1", "26-01", "2026-01-01", ""} {
		if _, _, err := MonthBounds(bad, loc); err == nil {
			t.Errorf("MonthBounds(%q) accepted", bad)
		}
	}
	for _, tt := range []struct {
		spend, budget int64
		want          BudgetState
	}{{0, 0, UnderBudget}, {500, 0, UnderBudget}, {899, 1000, UnderBudget}, {900, 1000, NearBudget}, {999, 1000, NearBudget}, {1000, 1000, OverBudget}, {1200, 1000, OverBudget}} {
		if got := Budget(tt.spend, tt.budget); got != tt.want {
			t.Errorf("Budget(%d, %d) = %v, want %v", tt.spend, tt.budget, got, tt.want)
		}
	}
}
