package rollup

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/salesday"
	"github.com/opsgraph/opsgraph/ent/salesperiod"
	"github.com/opsgraph/opsgraph/insights"
)

// PeriodKinds are the calendar periods kept in SalesPeriod; custom ranges are
// read from the buyer-day rows (decision 0220).
var PeriodKinds = []insights.Granularity{insights.Day, insights.Week, insights.Month, insights.Quarter}

// AllSources is the SalesPeriod source of the rows over all traffic sources.
const AllSources = ""

type periodKey struct {
	kind          insights.Granularity
	start, source string
}

// periodVals are a SalesPeriod row's figures (or a change to them).
type periodVals struct {
	placed, paid, amount, refunded, refund int64
	paying, ordering, repeat, returning    int64
}

// BuyerDay is one SalesDay row of a buyer: what decides the buyer's place in
// each period's distinct-buyer counts.
type BuyerDay struct {
	Day, Source  string
	Placed, Paid int64
}

// calendar memoizes day → period starts (a page touches few days).
type calendar map[string][4]string

func (cal calendar) starts(day string) ([4]string, insights.Date, error) {
	d, err := insights.ParseDate(day)
	if err != nil {
		return [4]string{}, d, err
	}
	if s, ok := cal[day]; ok {
		return s, d, nil
	}
	var s [4]string
	for i, k := range PeriodKinds {
		p, _ := insights.PeriodOf(k, d)
		s[i] = p.From.String()
	}
	cal[day] = s
	return s, d, nil
}

// buyerCounts is the contribution of one buyer (all its SalesDay rows in one
// store) to the distinct-buyer counts of every period holding one of its rows:
// 1 or 0 for paying, ordering, repeat and returning, per period and source
// (AllSources included). Returning: paying in the period and paid on a day of
// the ReturningWindowDays before it, from any source.
func buyerCounts(cal calendar, rows []BuyerDay) (map[periodKey]periodVals, error) {
	type acc struct {
		placed, paid bool
		paidOrders   int64
	}
	per := map[periodKey]*acc{}
	var paidDays []insights.Date
	for i := range rows {
		r := &rows[i]
		s, d, err := cal.starts(r.Day)
		if err != nil {
			return nil, err
		}
		if r.Paid > 0 {
			paidDays = append(paidDays, d)
		}
		if r.Placed <= 0 && r.Paid <= 0 {
			continue
		}
		for k, kind := range PeriodKinds {
			for _, src := range [2]string{AllSources, r.Source} {
				key := periodKey{kind, s[k], src}
				a := per[key]
				if a == nil {
					a = &acc{}
					per[key] = a
				}
				if r.Placed > 0 {
					a.placed = true
				}
				if r.Paid > 0 {
					a.paid = true
					a.paidOrders += r.Paid
				}
			}
		}
	}
	out := make(map[periodKey]periodVals, len(per))
	for key, a := range per {
		var v periodVals
		if a.placed {
			v.ordering = 1
		}
		if a.paid {
			v.paying = 1
			if a.paidOrders >= 2 {
				v.repeat = 1
			}
			from, err := insights.ParseDate(key.start)
			if err != nil {
				return nil, err
			}
			since := from.AddDays(-insights.ReturningWindowDays)
			for _, d := range paidDays {
				if !d.Before(since) && d.Before(from) {
					v.returning = 1
					break
				}
			}
		}
		if v != (periodVals{}) {
			out[key] = v
		}
	}
	return out, nil
}

// periodDelta is what the delta d changes in the store's SalesPeriod rows:
// its sums, and the change of the touched buyers' counts between their rows
// before (read here, unless the store's rollups were just emptied) and after.
func (d *Delta) periodDelta(ctx context.Context, c *ent.Client) (map[periodKey]periodVals, error) {
	cal := calendar{}
	out := map[periodKey]periodVals{}
	add := func(k periodKey, v periodVals) {
		o := out[k]
		o.placed += v.placed
		o.paid += v.paid
		o.amount += v.amount
		o.refunded += v.refunded
		o.refund += v.refund
		o.paying += v.paying
		o.ordering += v.ordering
		o.repeat += v.repeat
		o.returning += v.returning
		out[k] = o
	}
	type bk struct{ day, source string }
	after := map[string]map[bk]*BuyerDay{}
	for k, v := range d.days {
		if v == (dayVals{}) {
			continue
		}
		s, _, err := cal.starts(k.day)
		if err != nil {
			return nil, err
		}
		sums := periodVals{placed: v.placed, paid: v.paid, amount: v.amount, refunded: v.refunded, refund: v.refund}
		for i, kind := range PeriodKinds {
			add(periodKey{kind, s[i], AllSources}, sums)
			add(periodKey{kind, s[i], k.source}, sums)
		}
		if after[k.buyer] == nil {
			after[k.buyer] = map[bk]*BuyerDay{}
		}
		after[k.buyer][bk{k.day, k.source}] = &BuyerDay{Day: k.day, Source: k.source}
	}
	if len(after) == 0 {
		return out, nil
	}
	buyers := make([]string, 0, len(after))
	for b := range after {
		buyers = append(buyers, b)
	}
	slices.Sort(buyers)
	before := map[string][]BuyerDay{}
	if !d.fresh {
		for i := 0; i < len(buyers); i += chunk {
			var rs []struct {
				Buyer        string `json:"buyer"`
				Day          string `json:"day"`
				Source       string `json:"source"`
				PlacedOrders int64  `json:"placed_orders"`
				PaidOrders   int64  `json:"paid_orders"`
			}
			err := c.SalesDay.Query().Where(salesday.StoreID(d.st.ID), salesday.BuyerIn(buyers[i:min(i+chunk, len(buyers))]...)).
				Select(salesday.FieldBuyer, salesday.FieldDay, salesday.FieldSource, salesday.FieldPlacedOrders, salesday.FieldPaidOrders).
				Scan(ctx, &rs)
			if err != nil {
				return nil, fmt.Errorf("buyer days: %w", err)
			}
			for _, r := range rs {
				before[r.Buyer] = append(before[r.Buyer], BuyerDay{Day: r.Day, Source: r.Source, Placed: r.PlacedOrders, Paid: r.PaidOrders})
				a := after[r.Buyer]
				if x, ok := a[bk{r.Day, r.Source}]; ok {
					x.Placed += r.PlacedOrders
					x.Paid += r.PaidOrders
				} else {
					a[bk{r.Day, r.Source}] = &BuyerDay{Day: r.Day, Source: r.Source, Placed: r.PlacedOrders, Paid: r.PaidOrders}
				}
			}
		}
	}
	for k, v := range d.days {
		if x := after[k.buyer][bk{k.day, k.source}]; x != nil {
			x.Placed += v.placed
			x.Paid += v.paid
		}
	}
	var rows []BuyerDay
	for _, b := range buyers {
		was, err := buyerCounts(cal, before[b])
		if err != nil {
			return nil, err
		}
		rows = rows[:0]
		for _, x := range after[b] {
			rows = append(rows, *x)
		}
		is, err := buyerCounts(cal, rows)
		if err != nil {
			return nil, err
		}
		for k, v := range is {
			w := was[k]
			add(k, periodVals{paying: v.paying - w.paying, ordering: v.ordering - w.ordering,
				repeat: v.repeat - w.repeat, returning: v.returning - w.returning})
			delete(was, k)
		}
		for k, w := range was {
			add(k, periodVals{paying: -w.paying, ordering: -w.ordering, repeat: -w.repeat, returning: -w.returning})
		}
	}
	return out, nil
}

// writePeriods adds the period changes to the SalesPeriod rows, in key order
// (concurrent writers lock rows in the same order).
func (d *Delta) writePeriods(ctx context.Context, c *ent.Client, pd map[periodKey]periodVals) error {
	keys := make([]periodKey, 0, len(pd))
	for k, v := range pd {
		if v != (periodVals{}) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b periodKey) int {
		return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.start, b.start), cmp.Compare(a.source, b.source))
	})
	for i := 0; i < len(keys); i += chunk {
		rows := make([]*ent.SalesPeriodCreate, 0, min(chunk, len(keys)-i))
		for _, k := range keys[i:min(i+chunk, len(keys))] {
			v := pd[k]
			rows = append(rows, c.SalesPeriod.Create().SetOrganizationID(d.st.OrganizationID).SetStoreID(d.st.ID).
				SetKind(string(k.kind)).SetStart(k.start).SetSource(k.source).
				SetPlacedOrders(v.placed).SetPaidOrders(v.paid).SetPaidAmount(v.amount).
				SetRefundedOrders(v.refunded).SetRefundAmount(v.refund).
				SetPayingBuyers(v.paying).SetOrderingBuyers(v.ordering).SetRepeatBuyers(v.repeat).SetReturningBuyers(v.returning))
		}
		err := c.SalesPeriod.CreateBulk(rows...).
			OnConflict(entsql.ConflictColumns(salesperiod.FieldStoreID, salesperiod.FieldKind, salesperiod.FieldStart, salesperiod.FieldSource),
				entsql.ResolveWith(addExcluded(salesperiod.Table, salesperiod.FieldPlacedOrders, salesperiod.FieldPaidOrders,
					salesperiod.FieldPaidAmount, salesperiod.FieldRefundedOrders, salesperiod.FieldRefundAmount,
					salesperiod.FieldPayingBuyers, salesperiod.FieldOrderingBuyers, salesperiod.FieldRepeatBuyers,
					salesperiod.FieldReturningBuyers))).
			Exec(ctx)
		if err != nil {
			return fmt.Errorf("period rollup: %w", err)
		}
	}
	return nil
}
