package promo

import "testing"

// checkInvariants holds for every quote: no negative price, no line above its
// list price, the shares add up, discount ≤ subtotal.
func checkInvariants(t testing.TB, q Quote) {
	t.Helper()
	var total, sub Money
	for i, l := range q.Lines {
		if l.Amount < 0 {
			t.Fatalf("line %d: negative amount %s", i, l.Amount.Amount())
		}
		if l.Amount > l.ListAmount {
			t.Fatalf("line %d: %s above list %s", i, l.Amount.Amount(), l.ListAmount.Amount())
		}
		var shares Money
		for _, s := range l.Shares {
			if s.Amount <= 0 {
				t.Fatalf("line %d: non-positive share %+v", i, s)
			}
			shares += s.Amount
		}
		if shares != l.ListAmount-l.Amount || l.ItemDiscount+l.OrderDiscount != shares {
			t.Fatalf("line %d: shares %s ≠ discount %s", i, shares.Amount(), (l.ListAmount - l.Amount).Amount())
		}
		total += l.Amount
		sub += l.ListAmount
	}
	if total != q.Total || sub != q.Subtotal || q.Savings != sub-total {
		t.Fatalf("totals do not add up: %+v", q)
	}
	if q.Savings > q.Subtotal || q.Savings < 0 {
		t.Fatalf("savings %s outside [0, %s]", q.Savings.Amount(), q.Subtotal.Amount())
	}
	per := map[int]Money{}
	for _, l := range q.Lines {
		for _, s := range l.Shares {
			per[s.CampaignID] += s.Amount
		}
	}
	for _, o := range q.Campaigns {
		if per[o.CampaignID] != o.Discount || o.Applied != (o.Discount > 0 || o.Layer == LayerReward && o.Applied) {
			t.Fatalf("campaign %d: outcome discount %s, line shares %s", o.CampaignID, o.Discount.Amount(), per[o.CampaignID].Amount())
		}
	}
}
