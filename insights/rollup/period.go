package rollup

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/opsgraph/opsgraph/ent"
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

// dayInfo is a day with its periods.
type dayInfo struct {
	date insights.Date
	pids [4]int32 // per PeriodKinds, an index into calendar.periods
}

// calPeriod is one calendar period a delta touches.
type calPeriod struct {
	kind  insights.Granularity
	start string
	from  insights.Date
}

// calendar memoizes day → periods (a page touches few days), numbering the
// periods so that the per-buyer counting compares integers.
type calendar struct {
	days    map[string]*dayInfo
	periods []calPeriod
	ids     map[calPeriod]int32
}

func newCalendar() *calendar {
	return &calendar{days: map[string]*dayInfo{}, ids: map[calPeriod]int32{}}
}

func (cal *calendar) day(day string) (*dayInfo, error) {
	if x, ok := cal.days[day]; ok {
		return x, nil
	}
	d, err := insights.ParseDate(day)
	if err != nil {
		return nil, err
	}
	x := &dayInfo{date: d}
	for i, k := range PeriodKinds {
		p, _ := insights.PeriodOf(k, d)
		cp := calPeriod{kind: k, start: p.From.String(), from: p.From}
		id, ok := cal.ids[cp]
		if !ok {
			id = int32(len(cal.periods))
			cal.periods = append(cal.periods, cp)
			cal.ids[cp] = id
		}
		x.pids[i] = id
	}
	cal.days[day] = x
	return x, nil
}

// accKey is a period (calendar index) and a source (counter index, 0 = all).
type accKey struct{ pid, src int32 }

// counter adds buyers' contributions to the distinct-buyer counts; its
// scratch space is reused from buyer to buyer.
type counter struct {
	cal      *calendar
	srcs     map[string]int32
	names    []string
	accs     []buyerAcc
	paidDays []insights.Date
	counts   map[accKey]periodVals
}

func newCounter(cal *calendar) *counter {
	return &counter{cal: cal, srcs: map[string]int32{AllSources: 0}, names: []string{AllSources}, counts: map[accKey]periodVals{}}
}

type buyerAcc struct {
	key          accKey
	placed, paid bool
	paidOrders   int64
}

func (c *counter) source(s string) int32 {
	if id, ok := c.srcs[s]; ok {
		return id
	}
	id := int32(len(c.names))
	c.names = append(c.names, s)
	c.srcs[s] = id
	return id
}

func (c *counter) acc(key accKey) *buyerAcc {
	for i := range c.accs {
		if c.accs[i].key == key {
			return &c.accs[i]
		}
	}
	c.accs = append(c.accs, buyerAcc{key: key})
	return &c.accs[len(c.accs)-1]
}

// add adds sign × the contribution of one buyer (all its SalesDay rows in one
// store) to the distinct-buyer counts of every period holding one of its rows:
// 1 or 0 for paying, ordering, repeat and returning, per period and source
// (AllSources included). Returning: paying in the period and paid on a day of
// the ReturningWindowDays before it, from any source.
func (c *counter) add(rows []BuyerDay, sign int64) error {
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
		src := c.source(r.Source)
		for _, pid := range x.pids {
			for _, s := range [2]int32{0, src} {
				a := c.acc(accKey{pid, s})
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
			from := c.cal.periods[a.key.pid].from
			since := from.AddDays(-insights.ReturningWindowDays)
			for _, d := range c.paidDays {
				if !d.Before(since) && d.Before(from) {
					v.returning = sign
					break
				}
			}
		}
		if v != (periodVals{}) {
			o := c.counts[a.key]
			o.paying += v.paying
			o.ordering += v.ordering
			o.repeat += v.repeat
			o.returning += v.returning
			c.counts[a.key] = o
		}
	}
	return nil
}

// flush adds the counts to out.
func (c *counter) flush(out map[periodKey]periodVals) {
	for k, v := range c.counts {
		p := c.cal.periods[k.pid]
		pk := periodKey{p.kind, p.start, c.names[k.src]}
		o := out[pk]
		o.paying += v.paying
		o.ordering += v.ordering
		o.repeat += v.repeat
		o.returning += v.returning
		out[pk] = o
	}
}

// periodDelta is what the delta d changes in the store's SalesPeriod rows:
// its sums, and the change of the touched buyers' counts between their rows
// before (read here, unless the store's rollups were just emptied) and after.
func (d *Delta) periodDelta(ctx context.Context, c *ent.Client, dia string) (map[periodKey]periodVals, error) {
	cal := newCalendar()
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
		for _, pid := range x.pids {
			p := cal.periods[pid]
			add(periodKey{p.kind, p.start, AllSources}, sums)
			add(periodKey{p.kind, p.start, k.source}, sums)
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
		// The caller locked the store (lockStore): this is the transaction's
		// view of the touched buyers' rows, read from the buyer index alone.
		for i := 0; i < len(buyers); i += upsertRows {
			err := buyerDays(ctx, c, dia, d.st.ID, buyers[i:min(i+upsertRows, len(buyers))], func(buyer string, r BuyerDay) {
				before[buyer] = append(before[buyer], r)
				a := after[buyer]
				if x, ok := a[bk{r.Day, r.Source}]; ok {
					x.Placed += r.Placed
					x.Paid += r.Paid
				} else {
					a[bk{r.Day, r.Source}] = &r
				}
			})
			if err != nil {
				return nil, fmt.Errorf("buyer days: %w", err)
			}
		}
	}
	for k, v := range d.days {
		if x := after[k.buyer][bk{k.day, k.source}]; x != nil {
			x.Placed += v.placed
			x.Paid += v.paid
		}
	}
	cnt := newCounter(cal)
	var rows []BuyerDay
	for _, b := range buyers {
		if err := cnt.add(before[b], -1); err != nil {
			return nil, err
		}
		rows = rows[:0]
		for _, x := range after[b] {
			rows = append(rows, *x)
		}
		if err := cnt.add(rows, 1); err != nil {
			return nil, err
		}
	}
	cnt.flush(out)
	return out, nil
}

// writePeriods adds the period changes to the SalesPeriod rows, in key order
// (concurrent writers lock rows in the same order).
func (d *Delta) writePeriods(ctx context.Context, c *ent.Client, dia string, pd map[periodKey]periodVals) error {
	keys := make([]periodKey, 0, len(pd))
	for k, v := range pd {
		if v != (periodVals{}) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b periodKey) int {
		return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.start, b.start), cmp.Compare(a.source, b.source))
	})
	u := newUpsert(salesperiod.Table, []string{salesperiod.FieldStoreID, salesperiod.FieldKind, salesperiod.FieldStart, salesperiod.FieldSource},
		col{salesperiod.FieldKind, colText}, col{salesperiod.FieldStart, colText}, col{salesperiod.FieldSource, colText},
		col{salesperiod.FieldPlacedOrders, colSum}, col{salesperiod.FieldPaidOrders, colSum}, col{salesperiod.FieldPaidAmount, colSum},
		col{salesperiod.FieldRefundedOrders, colSum}, col{salesperiod.FieldRefundAmount, colSum},
		col{salesperiod.FieldPayingBuyers, colSum}, col{salesperiod.FieldOrderingBuyers, colSum},
		col{salesperiod.FieldRepeatBuyers, colSum}, col{salesperiod.FieldReturningBuyers, colSum})
	texts := make([]string, 3)
	for _, k := range keys {
		v := pd[k]
		texts[0], texts[1], texts[2] = string(k.kind), k.start, k.source
		u.add(texts, v.placed, v.paid, v.amount, v.refunded, v.refund, v.paying, v.ordering, v.repeat, v.returning)
	}
	if err := u.exec(ctx, c, dia, d.st.OrganizationID, d.st.ID); err != nil {
		return fmt.Errorf("period rollup: %w", err)
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
