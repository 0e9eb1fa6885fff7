package graph

import (
	"context"

	"github.com/opsgraph/opsgraph/attribution"
	"github.com/opsgraph/opsgraph/attribution/attrsvc"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/graph/model"
	"github.com/opsgraph/opsgraph/insights"
)

// Computed attribution fields (issue 10 item 5, issue 11): package
// attribution decides, attrsvc computes one organization once per response
// (see withAttribution), so lists cost no more statements than one object.

func (r *Resolver) orgAttribution(ctx context.Context, org int) (*attrsvc.Org, error) {
	return attrsvc.ForOrg(ctx, r.client(ctx), org)
}

func (r *Resolver) collabFigures(ctx context.Context, obj *ent.Collaboration) (attribution.Figures, error) {
	o, err := r.orgAttribution(ctx, obj.OrganizationID)
	if err != nil {
		return attribution.Figures{}, err
	}
	return o.Collaboration(obj.ID), nil
}

func (r *Resolver) collabCommission(ctx context.Context, obj *ent.Collaboration) (schematype.Money, error) {
	f, err := r.collabFigures(ctx, obj)
	return schematype.Money(insights.CPSCommission(obj.CommissionRate, f.Paid, f.Refunded)), err
}

func shares(by map[attribution.Rule]attribution.Share) []*model.AttributionShare {
	out := []*model.AttributionShare{}
	for _, rule := range attribution.Rules {
		if s, ok := by[rule]; ok {
			out = append(out, &model.AttributionShare{Rule: model.AttributionRule(rule), PaidOrders: int(s.Orders), PaidAmount: schematype.Money(s.Paid)})
		}
	}
	return out
}

func (r *Resolver) collabAttributedBy(ctx context.Context, obj *ent.Collaboration) ([]*model.AttributionShare, error) {
	f, err := r.collabFigures(ctx, obj)
	return shares(f.ByRule), err
}

func (r *Resolver) campaignResults(ctx context.Context, obj *ent.Campaign) (*model.CampaignResults, error) {
	o, err := r.orgAttribution(ctx, obj.OrganizationID)
	if err != nil {
		return nil, err
	}
	f := o.Campaign(obj.ID)
	spend, discount := o.Spend(obj.ID)
	out := &model.CampaignResults{PaidAmount: schematype.Money(f.Paid), PayingBuyers: int(f.Buyers), PaidOrders: int(f.Orders),
		AverageOrderValue: schematype.Money(insights.DivRound(f.Paid, f.Buyers)), Spend: schematype.Money(spend),
		DiscountGiven: schematype.Money(discount), KolFees: schematype.Money(o.KOLFees[obj.ID]), ByRule: shares(f.ByRule)}
	if roi, ok := insights.ROI(f.Paid, spend); ok {
		out.Roi = &roi
	}
	return out, nil
}

func (r *Resolver) campaignSpend(ctx context.Context, obj *ent.Campaign) (spend, discount schematype.Money, err error) {
	o, err := r.orgAttribution(ctx, obj.OrganizationID)
	if err != nil {
		return 0, 0, err
	}
	s, d := o.Spend(obj.ID)
	return schematype.Money(s), schematype.Money(d), nil
}

func (r *Resolver) contentSales(ctx context.Context, obj *ent.Content) (*model.AttributedSales, error) {
	o, err := r.orgAttribution(ctx, obj.OrganizationID)
	if err != nil {
		return nil, err
	}
	f := o.Content(obj.ID)
	return &model.AttributedSales{PaidOrders: int(f.Orders), PaidAmount: schematype.Money(f.Paid),
		Refunded: schematype.Money(f.Refunded), PayingBuyers: int(f.Buyers)}, nil
}

func (r *Resolver) orderMatch(ctx context.Context, obj *ent.Order) (attribution.Match, error) {
	o, err := r.orgAttribution(ctx, obj.OrganizationID)
	if err != nil {
		return attribution.Match{}, err
	}
	return o.Orders[obj.ID], nil
}

func idOrNil(id int) *int {
	if id == 0 {
		return nil
	}
	return &id
}

func ruleOrNil(r attribution.Rule) *model.AttributionRule {
	if r == attribution.None {
		return nil
	}
	m := model.AttributionRule(r)
	return &m
}

func (r *Resolver) generateKOLSettlement(ctx context.Context, partnerID int, month string) (*ent.KOLSettlement, error) {
	return attrsvc.Generate(ctx, r.client(ctx), partnerID, month, r.now())
}

func (r *Resolver) confirmKOLSettlement(ctx context.Context, id int) (*ent.KOLSettlement, error) {
	return attrsvc.Confirm(ctx, r.client(ctx), id, viewerID(ctx), r.now())
}

func (r *Resolver) markKOLSettlementPaid(ctx context.Context, id int) (*ent.KOLSettlement, error) {
	return attrsvc.MarkPaid(ctx, r.client(ctx), id, viewerID(ctx), r.now())
}

func viewerID(ctx context.Context) int {
	if v := authz.FromContext(ctx); v != nil {
		return v.UserID
	}
	return 0
}
