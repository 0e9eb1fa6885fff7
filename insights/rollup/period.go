package rollup

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/salesday"
	"github.com/opsgraph/opsgraph/ent/salesperiod"
	"github.com/opsgraph/opsgraph/ent/store"
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

// dayInfo is a day with the starts of its periods.
type dayInfo struct {
	date   insights.Date
	starts [4]string        // per PeriodKinds
	froms  [4]insights.Date // the same, parsed
}

// calendar memoizes day → periods (a page touches few days).
type calendar map[string]*dayInfo

func (cal calendar) day(day string) (*dayInfo, error) {
	if x, ok := cal[day]; ok {
		return x, nil
	}
	d, err := insights.ParseDate(day)
	if err != nil {
		return nil, err
	}
	x := &dayInfo{date: d}
	for i, k := range PeriodKinds {
		p, _ := insights.PeriodOf(k, d)
		x.starts[i], x.froms[i] = p.From.String(), p.From
	}
	cal[day] = x
	return x, nil
}

// counter adds buyers' contributions to the distinct-buyer counts; its
// scratch space is reused from buyer to buyer.
type counter struct {
	cal      calendar
	accs     []buyerAcc
	paidDays []insights.Date
}

type buyerAcc struct {
	key          periodKey
	from         insights.Date
	placed, paid bool
	paidOrders   int64
}

func (c *counter) acc(key periodKey, from insights.Date) *buyerAcc {
	for i := range c.accs {
		if c.accs[i].key == key {
			return &c.accs[i]
		}
	}
	c.accs = append(c.accs, buyerAcc{key: key, from: from})
	return &c.accs[len(c.accs)-1]
}

// add adds sign × the contribution of one buyer (all its SalesDay rows in one
// store) to the distinct-buyer counts of every period holding one of its rows:
// 1 or 0 for paying, ordering, repeat and returning, per period and source
// (AllSources included). Returning: paying in the period and paid on a day of
// the ReturningWindowDays before it, from any source.
func (c *counter) add(rows []BuyerDay, sign int64, out map[periodKey]periodVals) error {
	c.accs, c.paidDays = c.accs[:0], c.paidDays[:0]
	for _, r := range rows {
		if r.Placed <= 0 && r.Paid <= 0 {
			continue
		}
		x, err := c.cal.day(r.Day)
		if err != nil {
			return err
		}
		if r.Paid > 0 {
			c.paidDays = append(c.paidDays, x.date)
		}
		for k, kind := range PeriodKinds {
			for _, src := range [2]string{AllSources, r.Source} {
				a := c.acc(periodKey{kind, x.starts[k], src}, x.froms[k])
				a.placed = a.placed || r.Placed > 0
				if r.Paid > 0 {
					a.paid = true
					a.paidOrders += r.Paid
				}
			}
		}
	}
	for _, a := range c.accs {
		var v periodVals
		if a.placed {
			v.ordering = sign
		}
		if a.paid {
			v.paying = sign
			if a.paidOrders >= 2 {
				v.repeat = sign
			}
			since := a.from.AddDays(-insights.ReturningWindowDays)
			for _, d := range c.paidDays {
				if !d.Before(since) && d.Before(a.from) {
					v.returning = sign
					break
				}
			}
		}
		if v != (periodVals{}) {
			o := out[a.key]
			o.paying += v.paying
			o.ordering += v.ordering
			o.repeat += v.repeat
			o.returning += v.returning
			out[a.key] = o
		}
	}
	return nil
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
		x, err := cal.day(k.day)
		if err != nil {
			return nil, err
		}
		sums := periodVals{placed: v.placed, paid: v.paid, amount: v.amount, refunded: v.refunded, refund: v.refund}
		for i, kind := range PeriodKinds {
			add(periodKey{kind, x.starts[i], AllSources}, sums)
			add(periodKey{kind, x.starts[i], k.source}, sums)
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
		// The difference is taken against this transaction's view of the
		// buyers' rows: on PostgreSQL, lock the store row so that two writers
		// of one store's orders take turns (SQLite serializes writers already).
		_, err := c.Store.Query().Where(store.ID(d.st.ID)).Modify(func(s *entsql.Selector) {
			if s.Dialect() == dialect.Postgres {
				s.ForUpdate()
			}
		}).IDs(ctx)
		if err != nil {
			return nil, fmt.Errorf("lock store: %w", err)
		}
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
	cnt := &counter{cal: cal}
	var rows []BuyerDay
	for _, b := range buyers {
		if err := cnt.add(before[b], -1, out); err != nil {
			return nil, err
		}
		rows = rows[:0]
		for _, x := range after[b] {
			rows = append(rows, *x)
		}
		if err := cnt.add(rows, 1, out); err != nil {
			return nil, err
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

// PeriodsMissing reports whether buyer-day rows exist without any period row:
// a database rolled up before SalesPeriod existed needs a Rebuild.
func PeriodsMissing(ctx context.Context, c *ent.Client) (bool, error) {
	days, err := c.SalesDay.Query().Exist(ctx)
	if err != nil || !days {
		return false, err
	}
	periods, err := c.SalesPeriod.Query().Exist(ctx)
	return !periods, err
}
