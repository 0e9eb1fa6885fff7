package synctest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/opsgraph/opsgraph/internal/testenv"
)

// The fakes' attribution sources (fakekit.Activities, CouponBatches, Authors):
// the first activity, the coupon batch and the first 达人.
const (
	fakeActivityID = "3584608"
	fakeCouponID   = "849776280"
	fakeAuthorID   = "3762517386"
)

type attributedOrder struct {
	ExternalID, Status        string
	PaidAt                    *string
	Paid, Discount            struct{ Amount string }
	AuthorID                  *string
	PromotionIds, CouponIds   []string
	AttributedCampaignID      *string
	CampaignAttributedBy      *string
	AttributedCollaborationID *string
	CollaborationAttributedBy *string
}

// fen parses a Money amount ("12.3", "12.30", "12") into fen.
func fen(t testing.TB, amount string) int64 {
	t.Helper()
	yuan, frac, _ := strings.Cut(amount, ".")
	frac = (frac + "00")[:2]
	y, err1 := strconv.ParseInt(yuan, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || strings.HasPrefix(amount, "-") {
		t.Fatalf("amount %q is not a non-negative decimal", amount)
	}
	return y*100 + f
}

// A real plugin process syncing from its fake gateway stores what the
// platform's order API says about attribution (promotion and coupon ids, the
// 抖店 达人 author_id, the seller's discount), and the attribution engine links
// those orders through the API: to the campaign carrying the promotion id
// (PROMOTION_ID, beating a coupon), else the coupon batch id (COUPON_ID), and
// to the collaboration of the KOL partner with that author id (AUTHOR_ID);
// campaign results and collaboration attributedGmv add up to those orders.
func TestSyncedOrdersAreAttributed(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		for _, pc := range platforms {
			t.Run(pc.plugin, func(t *testing.T) {
				g := pc.start(t, fakeSize{Products: 8, Orders: 90})
				w := newWorld(t, b)
				storeID := w.connected(t, g)

				// Campaigns outside their window and still DRAFT: only
				// their platform ids can attribute orders.
				campaign := func(name, ids string) string {
					var out struct{ CreateCampaign struct{ ID string } }
					w.must(t, w.admin, `mutation($s: ID!) { createCampaign(input: {storeID: $s, name: "`+name+`", kind: COUPON,
						startsAt: "2030-11-01T00:00:00Z", endsAt: "2030-11-12T00:00:00Z", `+ids+`,
						rules: {coupon: {value: {amount: "5"}, minSpend: {amount: "50"}, quantity: 10, perUser: 1}}}) { id } }`,
						map[string]any{"s": storeID}, &out)
					return out.CreateCampaign.ID
				}
				promoCamp := campaign("满199减20", `platformPromotionIds: ["`+fakeActivityID+`"]`)
				couponCamp := campaign("店铺券", `platformCouponIds: ["`+fakeCouponID+`"]`)
				var kol struct{ CreateKOLPartner struct{ ID string } }
				w.must(t, w.admin, `mutation($o: ID!) { createKOLPartner(input: {organizationID: $o, platform: DOUYIN, handle: "xiaolu",
					tier: MID, authorID: "`+fakeAuthorID+`"}) { id } }`, map[string]any{"o": fmt.Sprint(w.org)}, &kol)
				var collab struct{ CreateCollaboration struct{ ID string } }
				w.must(t, w.admin, `mutation($k: ID!) { createCollaboration(input: {kolPartnerID: $k, status: CONFIRMED, commissionRate: 0.2}) { id } }`,
					map[string]any{"k": kol.CreateKOLPartner.ID}, &collab)

				w.sync(t, w.admin, storeID)

				var out struct {
					Node struct {
						Orders struct {
							Edges []struct{ Node attributedOrder }
						}
					}
				}
				w.must(t, w.admin, `query($s: ID!) { node(id: $s) { ... on Store { orders(first: 1000) { edges { node {
					externalID status paidAt paid { amount } discount { amount } authorID promotionIds couponIds
					attributedCampaignID campaignAttributedBy attributedCollaborationID collaborationAttributedBy } } } } } }`,
					map[string]any{"s": storeID}, &out)
				fakeOrders := g.attribution()
				if len(out.Node.Orders.Edges) != len(fakeOrders) {
					t.Fatalf("%d orders stored, the fake has %d", len(out.Node.Orders.Edges), len(fakeOrders))
				}
				type sums struct{ orders, paid, discount int64 }
				want := map[string]*sums{promoCamp: {}, couponCamp: {}, collab.CreateCollaboration.ID: {}}
				byRule := map[string]int{}
				for _, e := range out.Node.Orders.Edges {
					o := e.Node
					f, ok := fakeOrders[o.ExternalID]
					if !ok {
						t.Fatalf("stored order %s is not the fake's", o.ExternalID)
					}
					// What the platform said arrived unchanged.
					if deref(o.AuthorID) != f.Author || !slices.Equal(o.PromotionIds, f.Promotions) || !slices.Equal(o.CouponIds, f.Coupons) ||
						fen(t, o.Discount.Amount) != f.DiscountFen {
						t.Errorf("order %s stored author %q promotions %v coupons %v discount %s; the fake reports %+v",
							o.ExternalID, deref(o.AuthorID), o.PromotionIds, o.CouponIds, o.Discount.Amount, f)
					}
					// Which campaign and collaboration it must be attributed to.
					paid := o.PaidAt != nil && slices.Contains([]string{"PAID", "SHIPPED", "COMPLETED", "REFUNDED"}, o.Status)
					wantCamp, wantRule := "", ""
					switch {
					case !paid:
					case slices.Contains(f.Promotions, fakeActivityID):
						wantCamp, wantRule = promoCamp, "PROMOTION_ID"
					case slices.Contains(f.Coupons, fakeCouponID):
						wantCamp, wantRule = couponCamp, "COUPON_ID"
					}
					wantCollab := ""
					if paid && f.Author == fakeAuthorID {
						wantCollab = collab.CreateCollaboration.ID
					}
					if deref(o.AttributedCampaignID) != wantCamp || deref(o.CampaignAttributedBy) != wantRule ||
						deref(o.AttributedCollaborationID) != wantCollab || (wantCollab != "" && deref(o.CollaborationAttributedBy) != "AUTHOR_ID") {
						t.Errorf("order %s attributed to campaign %q by %q, collaboration %q by %q; want %q by %q, %q by AUTHOR_ID",
							o.ExternalID, deref(o.AttributedCampaignID), deref(o.CampaignAttributedBy), deref(o.AttributedCollaborationID),
							deref(o.CollaborationAttributedBy), wantCamp, wantRule, wantCollab)
					}
					for _, id := range []string{wantCamp, wantCollab} {
						if id == "" {
							continue
						}
						s := want[id]
						s.orders++
						s.paid += fen(t, o.Paid.Amount)
						if o.Status != "REFUNDED" {
							s.discount += fen(t, o.Discount.Amount)
						}
					}
					byRule[wantRule]++
					if wantCollab != "" {
						byRule["AUTHOR_ID"]++
					}
				}
				// The ids each platform's order API has must have attributed orders.
				needed := map[string][]string{"taobao": {"PROMOTION_ID", "COUPON_ID"}, "douyin": {"PROMOTION_ID", "COUPON_ID", "AUTHOR_ID"}}[pc.plugin]
				for _, r := range needed {
					if byRule[r] == 0 {
						t.Errorf("no %s order attributed by %s (%v): the test proves nothing", pc.plugin, r, byRule)
					}
				}

				var res struct {
					Promo, Coupon struct {
						Results struct {
							PaidOrders    int64
							PaidAmount    struct{ Amount string }
							DiscountGiven struct{ Amount string }
						}
					}
					Collab struct {
						AttributedOrders int64
						AttributedGmv    struct{ Amount string }
					}
				}
				w.must(t, w.admin, `query($p: ID!, $c: ID!, $k: ID!) {
					promo: node(id: $p) { ... on Campaign { results { paidOrders paidAmount { amount } discountGiven { amount } } } }
					coupon: node(id: $c) { ... on Campaign { results { paidOrders paidAmount { amount } discountGiven { amount } } } }
					collab: node(id: $k) { ... on Collaboration { attributedOrders attributedGmv { amount } } } }`,
					map[string]any{"p": promoCamp, "c": couponCamp, "k": collab.CreateCollaboration.ID}, &res)
				for name, c := range map[string]struct {
					id  string
					got sums
				}{
					"promotion campaign": {promoCamp, sums{res.Promo.Results.PaidOrders, fen(t, res.Promo.Results.PaidAmount.Amount), fen(t, res.Promo.Results.DiscountGiven.Amount)}},
					"coupon campaign":    {couponCamp, sums{res.Coupon.Results.PaidOrders, fen(t, res.Coupon.Results.PaidAmount.Amount), fen(t, res.Coupon.Results.DiscountGiven.Amount)}},
					"collaboration":      {collab.CreateCollaboration.ID, sums{res.Collab.AttributedOrders, fen(t, res.Collab.AttributedGmv.Amount), want[collab.CreateCollaboration.ID].discount}},
				} {
					if c.got != *want[c.id] {
						t.Errorf("%s: orders/paid/discount %+v, the synced orders give %+v", name, c.got, *want[c.id])
					}
				}
			})
		}
	})
}
