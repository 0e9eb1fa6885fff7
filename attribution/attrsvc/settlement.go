package attrsvc

import (
	"context"
	"errors"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/attribution"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/kolsettlement"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// Zone is the business time zone settlement months are cut in.
var Zone = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// Generate computes partner's statement for month and saves it as DRAFT:
// created the first time, recomputed while DRAFT (idempotent), CONFLICT once
// CONFIRMED or PAID. client should be a transaction's.
func Generate(ctx context.Context, client *ent.Client, partnerID int, month string, now time.Time) (*ent.KOLSettlement, error) {
	from, to, err := attribution.MonthBounds(month, Zone)
	if err != nil {
		return nil, apperr.Input("month", "%s", err.Error())
	}
	partner, err := client.KOLPartner.Get(ctx, partnerID)
	if err != nil {
		return nil, err
	}
	existing, err := client.KOLSettlement.Query().Where(kolsettlement.KolPartnerID(partnerID), kolsettlement.Month(month)).Only(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return nil, err
	}
	if existing != nil {
		if _, err := attribution.Next(attribution.Status(existing.Status), "generate"); err != nil {
			return nil, apperr.New(apperr.Conflict, "%s", err.Error())
		}
	}
	org, err := Load(ctx, client, partner.OrganizationID, Window{From: from, To: to})
	if err != nil {
		return nil, err
	}
	var earnings []attribution.Earning
	for _, c := range org.Collabs {
		if c.PartnerID != partnerID {
			continue
		}
		earnings = append(earnings, attribution.Earning{CollaborationID: c.ID, CampaignID: c.CampaignID, Rate: c.Rate, Fee: c.Fee,
			FeeInMonth: c.Agreed() && !c.CreatedAt.Before(from) && c.CreatedAt.Before(to), Figures: org.Collaboration(c.ID)})
	}
	st := attribution.Settle(earnings)
	lines := make([]schematype.SettlementLine, len(st.Lines))
	for i, l := range st.Lines {
		lines[i] = schematype.SettlementLine{CollaborationID: l.CollaborationID, CampaignID: l.CampaignID, Orders: int(l.Orders),
			Paid: schematype.Money(l.Paid), Refunded: schematype.Money(l.Refunded), CommissionRate: l.Rate,
			Commission: schematype.Money(l.Commission), Fee: schematype.Money(l.Fee), OrderIDs: l.OrderIDs}
	}
	if existing == nil {
		return client.KOLSettlement.Create().SetKolPartnerID(partnerID).SetMonth(month).SetLines(lines).
			SetCommission(schematype.Money(st.Commission)).SetFees(schematype.Money(st.Fees)).SetTotal(schematype.Money(st.Total)).
			SetGeneratedAt(now).Save(ctx)
	}
	// Recompute only while still DRAFT: a confirmation racing this one wins.
	n, err := client.KOLSettlement.Update().Where(kolsettlement.ID(existing.ID), kolsettlement.StatusEQ(kolsettlement.StatusDRAFT)).
		SetLines(lines).SetCommission(schematype.Money(st.Commission)).SetFees(schematype.Money(st.Fees)).
		SetTotal(schematype.Money(st.Total)).SetGeneratedAt(now).Save(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, apperr.New(apperr.Conflict, "the statement was confirmed meanwhile; it can no longer be regenerated")
	}
	return client.KOLSettlement.Get(ctx, existing.ID)
}

// Confirm freezes a DRAFT statement.
func Confirm(ctx context.Context, client *ent.Client, id, userID int, now time.Time) (*ent.KOLSettlement, error) {
	return move(ctx, client, id, "confirm", func(u *ent.KOLSettlementUpdate) {
		u.SetStatus(kolsettlement.StatusCONFIRMED).SetConfirmedAt(now)
		if userID != 0 {
			u.SetConfirmedByID(userID)
		}
	})
}

// MarkPaid records that a CONFIRMED statement was paid.
func MarkPaid(ctx context.Context, client *ent.Client, id, userID int, now time.Time) (*ent.KOLSettlement, error) {
	return move(ctx, client, id, "pay", func(u *ent.KOLSettlementUpdate) {
		u.SetStatus(kolsettlement.StatusPAID).SetPaidAt(now)
		if userID != 0 {
			u.SetPaidByID(userID)
		}
	})
}

// move applies a lifecycle verb with a conditional update (WHERE status =
// current), so two racing requests cannot both move the statement.
func move(ctx context.Context, client *ent.Client, id int, verb string, set func(*ent.KOLSettlementUpdate)) (*ent.KOLSettlement, error) {
	s, err := client.KOLSettlement.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := attribution.Next(attribution.Status(s.Status), verb); err != nil {
		if errors.Is(err, attribution.ErrTransition) {
			return nil, apperr.New(apperr.Conflict, "%s", err.Error())
		}
		return nil, err
	}
	u := client.KOLSettlement.Update().Where(kolsettlement.ID(id), kolsettlement.StatusEQ(s.Status))
	set(u)
	n, err := u.Save(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, apperr.New(apperr.Conflict, "the statement changed status meanwhile; reload it")
	}
	return client.KOLSettlement.Get(ctx, id)
}
