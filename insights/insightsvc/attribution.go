package insightsvc

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/order"
	"github.com/opsgraph/opsgraph/insights"
)

// Attribution is what the paid orders attributed to something add up to.
type Attribution struct {
	Orders   int64 `json:"orders"`
	Paid     int64 `json:"paid"`
	Refunded int64 `json:"refunded"`
	Buyers   int64 `json:"buyers"`
}

var paidStatuses = []order.Status{order.StatusPAID, order.StatusSHIPPED, order.StatusCOMPLETED, order.StatusREFUNDED}

func attribute(ctx context.Context, q *ent.OrderQuery) (Attribution, error) {
	var rows []Attribution
	err := q.Where(order.StatusIn(paidStatuses...), order.PaidAtNotNil()).Modify(func(s *sql.Selector) {
		s.Select(
			sql.As("COUNT(*)", "orders"),
			sql.As("COALESCE(SUM("+s.C(order.FieldPaid)+"), 0)", "paid"),
			sql.As("COALESCE(SUM(CASE WHEN "+s.C(order.FieldStatus)+" = 'REFUNDED' THEN "+s.C(order.FieldPaid)+" ELSE 0 END), 0)", "refunded"),
			sql.As("COUNT(DISTINCT "+s.C(order.FieldBuyerRef)+")", "buyers"))
	}).Scan(ctx, &rows)
	if err != nil || len(rows) == 0 {
		return Attribution{}, err
	}
	return rows[0], nil
}

// CollaborationAttribution sums the paid orders of the collaboration's
// organization that carry its tracking code (KOL link code or 抖店 author_id).
func CollaborationAttribution(ctx context.Context, c *ent.Client, col *ent.Collaboration) (Attribution, error) {
	if col.TrackingCode == "" {
		return Attribution{}, nil
	}
	return attribute(ctx, c.Order.Query().Where(order.OrganizationID(col.OrganizationID), order.TrackingCode(col.TrackingCode)))
}

// CampaignAttribution sums the orders of the campaign's store paid within its
// window [starts_at, ends_at).
func CampaignAttribution(ctx context.Context, c *ent.Client, cp *ent.Campaign) (Attribution, error) {
	return attribute(ctx, c.Order.Query().Where(order.StoreID(cp.StoreID), order.PaidAtGTE(cp.StartsAt), order.PaidAtLT(cp.EndsAt)))
}

// Commission is the collaboration's CPS commission on its attributed orders.
func Commission(col *ent.Collaboration, a Attribution) int64 {
	return insights.CPSCommission(col.CommissionRate, a.Paid, a.Refunded)
}
