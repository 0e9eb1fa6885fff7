package promosvc

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/opsgraph/opsgraph/alerts"
	"github.com/opsgraph/opsgraph/alerts/alertsvc"
	"github.com/opsgraph/opsgraph/attribution"
	"github.com/opsgraph/opsgraph/attribution/attrsvc"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/alert"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/promo"
)

// running are the statuses the clock moves.
var running = []campaign.Status{campaign.StatusSCHEDULED, campaign.StatusWARM_UP, campaign.StatusLIVE, campaign.StatusENCORE}

// TickResult counts what one Tick did on this replica.
type TickResult struct {
	Moved, Alerted, Paused int
}

// Tick moves campaigns to the phase the clock gives them, recomputes spend,
// raises the 90 % budget alert and pauses campaigns at 100 %. Every change is
// a conditional update (WHERE status = old / budget_alerted_at IS NULL), so
// any replica may run Tick any number of times and each transition happens,
// and each alert is raised, exactly once. The alerts are handed to b (the
// alertRaised subscribers here and on the other replicas) once their
// transaction has committed; b may be nil. ctx must be a system context.
func Tick(ctx context.Context, client *ent.Client, now time.Time, b *alertsvc.Broker) (TickResult, error) {
	var res TickResult
	cs, err := client.Campaign.Query().Where(campaign.StatusIn(running...)).All(ctx)
	if err != nil {
		return res, err
	}
	for _, c := range cs {
		pc := ToPromo(c)
		to := campaign.Status(promo.PhaseAt(&pc, now))
		if to == c.Status {
			continue
		}
		n, err := client.Campaign.Update().Where(campaign.ID(c.ID), campaign.StatusEQ(c.Status)).SetStatus(to).Save(ctx)
		if err != nil {
			return res, err
		}
		if n == 1 {
			res.Moved++
			Updates.Publish(c.ID)
		}
	}
	ctx = attrsvc.WithCache(ctx) // one attribution per organization per tick
	budgeted, err := client.Campaign.Query().Where(campaign.BudgetGT(0),
		campaign.StatusNotIn(campaign.StatusDRAFT, campaign.StatusENDED, campaign.StatusCANCELLED)).All(ctx)
	if err != nil {
		return res, err
	}
	for _, c := range budgeted {
		if err := budgetStep(ctx, client, b, c, now, &res); err != nil {
			return res, err
		}
	}
	return res, nil
}

// Spend is what a campaign has cost, computed by package attribution: the
// seller-funded discounts in the paid orders attributed to it plus the fees
// of its KOL collaborations that were agreed (not proposed, not cancelled).
// The organization's attribution is computed once per attrsvc.WithCache
// context.
func Spend(ctx context.Context, client *ent.Client, c *ent.Campaign) (spend, discount promo.Money, err error) {
	org, err := attrsvc.ForOrg(ctx, client, c.OrganizationID)
	if err != nil {
		return 0, 0, err
	}
	s, d := org.Spend(c.ID)
	return promo.Money(s), promo.Money(d), nil
}

func budgetStep(ctx context.Context, client *ent.Client, b *alertsvc.Broker, c *ent.Campaign, now time.Time, res *TickResult) error {
	spend, discount, err := Spend(ctx, client, c)
	if err != nil {
		return err
	}
	if spend != c.Spend || discount != c.DiscountGiven {
		if _, err := client.Campaign.Update().Where(campaign.ID(c.ID), campaign.SpendEQ(c.Spend)).
			SetSpend(spend).SetDiscountGiven(discount).Save(ctx); err != nil {
			return err
		}
	}
	state := attribution.Budget(int64(spend), int64(c.Budget))
	if state >= attribution.NearBudget && c.BudgetAlertedAt == nil {
		var raised *ent.Alert
		err := inTx(ctx, client, func(tx *ent.Client) error {
			n, err := tx.Campaign.Update().Where(campaign.ID(c.ID), campaign.BudgetAlertedAtIsNil()).SetBudgetAlertedAt(now).Save(ctx)
			if err != nil || n == 0 {
				return err
			}
			res.Alerted++
			// The same episode (kind and subject) as the alert rules' budget
			// check, so the two never raise it twice.
			raised, _, err = alertsvc.Raise(ctx, tx, nil, alertsvc.Episode{Org: c.OrganizationID, Kind: alerts.CampaignBudget,
				Subject: fmt.Sprintf("campaign:%d", c.ID), Severity: "WARNING",
				Message: trim(fmt.Sprintf("Campaign %q (id %d) has spent %s of its %s budget (≥ 90 %%).", c.Name, c.ID, spend.Amount(), c.Budget.Amount()))})
			return err
		})
		if err != nil {
			return err
		}
		publish(b, raised)
	}
	if state == attribution.OverBudget {
		var paused *ent.Alert
		err := inTx(ctx, client, func(tx *ent.Client) error {
			n, err := tx.Campaign.Update().Where(campaign.ID(c.ID), campaign.StatusIn(running...)).SetStatus(campaign.StatusPAUSED).Save(ctx)
			if err != nil || n == 0 {
				return err
			}
			res.Paused++
			paused, err = tx.Alert.Create().SetOrganizationID(c.OrganizationID).SetKind(alert.KindCAMPAIGN_PAUSED).
				SetSeverity(alert.SeverityCRITICAL).
				SetMessage(trim(fmt.Sprintf("Campaign %q (id %d) was paused: spend %s reached its budget %s.", c.Name, c.ID, spend.Amount(), c.Budget.Amount()))).
				Save(ctx)
			return err
		})
		if err != nil {
			return err
		}
		publish(b, paused)
	}
	if spend != c.Spend {
		Updates.Publish(c.ID)
	}
	return nil
}

// publish hands a committed alert to the subscribers; nothing when none was
// raised (another replica won the conditional update).
func publish(b *alertsvc.Broker, a *ent.Alert) {
	if b != nil && a != nil {
		b.Publish(a)
	}
}

func trim(s string) string {
	r := []rune(s)
	if len(r) > 500 {
		return string(r[:499]) + "…"
	}
	return s
}

// inTx runs f in a transaction: the conditional update and its alert commit together.
func inTx(ctx context.Context, client *ent.Client, f func(*ent.Client) error) error {
	tx, err := client.Tx(ctx)
	if err != nil {
		return err
	}
	if err := f(tx.Client()); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Hub wakes subscribers of a campaign on this replica. Other replicas'
// changes reach them by the subscription's periodic re-read.
type Hub struct {
	mu   sync.Mutex
	subs map[int]map[chan struct{}]struct{}
}

// Updates is this process's campaign hub.
var Updates = &Hub{subs: map[int]map[chan struct{}]struct{}{}}

// Subscribe returns a channel poked when campaign id changes, and a stop function.
func (h *Hub) Subscribe(id int) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.subs[id] == nil {
		h.subs[id] = map[chan struct{}]struct{}{}
	}
	h.subs[id][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs[id], ch)
		if len(h.subs[id]) == 0 {
			delete(h.subs, id)
		}
		h.mu.Unlock()
	}
}

// Publish pokes the subscribers of campaign id.
func (h *Hub) Publish(id int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[id] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
