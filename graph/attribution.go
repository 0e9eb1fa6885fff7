package graph

import (
	"context"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/graph/model"
	"github.com/opsgraph/opsgraph/insights"
	"github.com/opsgraph/opsgraph/insights/insightsvc"
)

// Computed attribution fields (issue 10): one aggregate query per object.

func (r *Resolver) collabAttribution(ctx context.Context, obj *ent.Collaboration) (insightsvc.Attribution, error) {
	return insightsvc.CollaborationAttribution(ctx, r.Client, obj)
}

func (r *Resolver) campaignResults(ctx context.Context, obj *ent.Campaign) (*model.CampaignResults, error) {
	a, err := insightsvc.CampaignAttribution(ctx, r.Client, obj)
	if err != nil {
		return nil, err
	}
	out := &model.CampaignResults{PaidAmount: schematype.Money(a.Paid), PayingBuyers: int(a.Buyers), PaidOrders: int(a.Orders),
		AverageOrderValue: schematype.Money(insights.DivRound(a.Paid, a.Buyers)), Spend: obj.Spend}
	if roi, ok := insights.ROI(a.Paid, int64(obj.Spend)); ok {
		out.Roi = &roi
	}
	return out, nil
}
