package demo

import (
	"context"
	"fmt"
	"sort"

	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/kolpartner"
	"github.com/opsgraph/opsgraph/ent/order"
	"github.com/opsgraph/opsgraph/ent/store"
)

// attribution gives the demo what the platforms report for attribution, so
// that every attribution rule has orders: each campaign carries a platform
// promotion id (coupons a coupon id too), and every third paid order of its
// store inside its window carries it with a ¥5 seller discount; the Douyin
// partners have an author_id, and half of the tracked orders of the Douyin
// stores are 达人 orders carrying it instead of a tracking code.
func (s *seeder) attribution(ctx context.Context) error {
	for _, b := range s.brands {
		keys := make([]string, 0, len(b.campaigns))
		for k := range b.campaigns {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			c := b.campaigns[k]
			promo := fmt.Sprintf("demo-act-%d", c.ID)
			u := s.tx.Campaign.UpdateOneID(c.ID).SetPlatformPromotionIds([]string{promo})
			coupon := ""
			if c.Kind == campaign.KindCOUPON {
				coupon = fmt.Sprintf("demo-coupon-%d", c.ID)
				u.SetPlatformCouponIds([]string{coupon})
			}
			if err := u.Exec(ctx); err != nil {
				return err
			}
			ids, err := s.tx.Order.Query().Where(order.StoreID(c.StoreID), order.PaidAtGTE(c.StartsAt), order.PaidAtLT(c.EndsAt),
				order.PaidGT(1000)).Order(order.ByID()).IDs(ctx)
			if err != nil {
				return err
			}
			var promoIDs, couponIDs []int
			for i, id := range ids {
				switch {
				case i%3 != 0:
				case coupon != "" && i%2 == 0:
					couponIDs = append(couponIDs, id)
				default:
					promoIDs = append(promoIDs, id)
				}
			}
			if len(promoIDs) > 0 {
				if err := s.tx.Order.Update().Where(order.IDIn(promoIDs...)).SetPromotionIds([]string{promo}).SetDiscount(500).Exec(ctx); err != nil {
					return err
				}
			}
			if len(couponIDs) > 0 {
				if err := s.tx.Order.Update().Where(order.IDIn(couponIDs...)).SetCouponIds([]string{coupon}).SetDiscount(500).Exec(ctx); err != nil {
					return err
				}
			}
		}
		for key, k := range b.kols {
			if k.Platform != kolpartner.PlatformDOUYIN {
				continue
			}
			author := fmt.Sprintf("7%09d", k.ID*7919%1_000_000_000)
			if err := s.tx.KOLPartner.UpdateOneID(k.ID).SetAuthorID(author).Exec(ctx); err != nil {
				return err
			}
			ids, err := s.tx.Order.Query().Where(order.TrackingCode(trackingCode(b.spec.key, key)),
				order.HasStoreWith(store.PlatformEQ(store.PlatformDOUYIN))).Order(order.ByID()).IDs(ctx)
			if err != nil {
				return err
			}
			var dr []int
			for i, id := range ids {
				if i%2 == 0 {
					dr = append(dr, id)
				}
			}
			if len(dr) > 0 {
				if err := s.tx.Order.Update().Where(order.IDIn(dr...)).ClearTrackingCode().SetAuthorID(author).Exec(ctx); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
