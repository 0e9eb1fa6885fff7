// Package rollup maintains the daily sales rollups (ent SalesDay, SKUSalesDay)
// that the operations figures read: as orders are written, the difference
// between an order's old and new contribution is added to its rows, and
// Rebuild recomputes everything from the orders.
package rollup

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/order"
	"github.com/opsgraph/opsgraph/ent/pendingrollup"
	"github.com/opsgraph/opsgraph/ent/salesday"
	"github.com/opsgraph/opsgraph/ent/salesperiod"
	"github.com/opsgraph/opsgraph/ent/skusalesday"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/insights"
)

// IsPaid reports whether an order counts as paid (支付): it has a payment time
// and was not cancelled before payment. Refunded orders stay paid (支付金额
// does not deduct later refunds).
func IsPaid(status order.Status, paidAt *time.Time) bool {
	if paidAt == nil {
		return false
	}
	switch status {
	case order.StatusPAID, order.StatusSHIPPED, order.StatusCOMPLETED, order.StatusREFUNDED:
		return true
	}
	return false
}

// BuyerKey is the buyer of an order: its buyer reference, or the order itself
// when the platform gave none.
func BuyerKey(o *ent.Order) string {
	if o.BuyerRef != "" {
		return o.BuyerRef
	}
	return fmt.Sprintf("#%d", o.ID)
}

// Location is the store's business time zone (Asia/Shanghai when unknown).
func Location(st *ent.Store) *time.Location {
	if loc, err := time.LoadLocation(st.Timezone); err == nil && st.Timezone != "" {
		return loc
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

type dayKey struct{ day, buyer, source string }

type dayVals struct{ placed, paid, amount, refunded, refund int64 }

type skuKey struct {
	sku int
	day string
}

type skuVals struct{ units, amount int64 }

// Delta is a set of changes to the rollup rows of one store.
type Delta struct {
	fresh  bool // the store's rollups were just emptied (Rebuild): nothing to read before
	locked bool // the caller holds the store's lock (Drain)
	st     *ent.Store
	loc    *time.Location
	days   map[dayKey]dayVals
	skus   map[skuKey]skuVals
}

// NewDelta starts an empty delta for a store.
func NewDelta(st *ent.Store) *Delta {
	return &Delta{st: st, loc: Location(st), days: map[dayKey]dayVals{}, skus: map[skuKey]skuVals{}}
}

// Add adds (sign 1) or removes (sign −1) an order's contribution; its lines
// must be loaded for the SKU rollup.
func (d *Delta) Add(o *ent.Order, sign int64) {
	buyer, source := BuyerKey(o), string(o.TrafficSource)
	placed := insights.DateOf(o.OrderedAt, d.loc).String()
	k := dayKey{placed, buyer, source}
	v := d.days[k]
	v.placed += sign
	d.days[k] = v
	if !IsPaid(o.Status, o.PaidAt) {
		return
	}
	paid := insights.DateOf(*o.PaidAt, d.loc).String()
	k = dayKey{paid, buyer, source}
	v = d.days[k]
	v.paid += sign
	v.amount += sign * int64(o.Paid)
	if o.Status == order.StatusREFUNDED {
		v.refunded += sign
		v.refund += sign * int64(o.Paid)
	}
	d.days[k] = v
	for _, l := range o.Edges.Lines {
		if l.SkuID == 0 {
			continue
		}
		sk := skuKey{l.SkuID, paid}
		sv := d.skus[sk]
		sv.units += sign * int64(l.Quantity)
		sv.amount += sign * int64(l.Total)
		d.skus[sk] = sv
	}
}

// State is the orders of one store as they were at some moment, with lines.
type State []*ent.Order

// Load reads the current state of a store's orders by platform id: the
// fields and lines Delta.Add reads (loadOrders).
func Load(ctx context.Context, c *ent.Client, storeID int, externalIDs []string) (State, error) {
	if len(externalIDs) == 0 {
		return nil, nil
	}
	return loadOrders(ctx, c, c.Dialect(), storeID, externalIDs)
}

// Apply writes the difference between two states of the same orders.
func Apply(ctx context.Context, c *ent.Client, st *ent.Store, before, after State) error {
	d := NewDelta(st)
	for _, o := range before {
		d.Add(o, -1)
	}
	for _, o := range after {
		d.Add(o, 1)
	}
	return d.Write(ctx, c)
}

// Write adds the delta to the rollup rows (insert, or add to the existing row):
// SalesDay and SKUSalesDay, and the SalesPeriod rows of the calendar periods
// holding the delta's days, whose buyer counts change by what the delta
// changes for the touched buyers (their SalesDay rows are read first).
func (d *Delta) Write(ctx context.Context, c *ent.Client) error {
	dia, err := d.lockStore(ctx, c)
	if err != nil {
		return err
	}
	pd, err := d.periodDelta(ctx, c, dia)
	if err != nil {
		return err
	}
	days := newUpsert(salesday.Table, []string{salesday.FieldStoreID, salesday.FieldDay, salesday.FieldBuyer, salesday.FieldSource},
		col{salesday.FieldDay, colText}, col{salesday.FieldBuyer, colText}, col{salesday.FieldSource, colText},
		col{salesday.FieldPlacedOrders, colSum}, col{salesday.FieldPaidOrders, colSum}, col{salesday.FieldPaidAmount, colSum},
		col{salesday.FieldRefundedOrders, colSum}, col{salesday.FieldRefundAmount, colSum})
	// In key order: neighbouring rows of the day index are written together.
	keys := make([]dayKey, 0, len(d.days))
	for k, v := range d.days {
		if v != (dayVals{}) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b dayKey) int {
		return cmp.Or(strings.Compare(a.day, b.day), strings.Compare(a.buyer, b.buyer), strings.Compare(a.source, b.source))
	})
	texts := make([]string, 3)
	for _, k := range keys {
		v := d.days[k]
		texts[0], texts[1], texts[2] = k.day, k.buyer, k.source
		days.add(texts, v.placed, v.paid, v.amount, v.refunded, v.refund)
	}
	if err := days.exec(ctx, c, dia, d.st.OrganizationID, d.st.ID); err != nil {
		return fmt.Errorf("sales rollup: %w", err)
	}
	skus := newUpsert(skusalesday.Table, []string{skusalesday.FieldStoreID, skusalesday.FieldDay, skusalesday.FieldSkuID},
		col{skusalesday.FieldDay, colText}, col{skusalesday.FieldSkuID, colKey},
		col{skusalesday.FieldUnits, colSum}, col{skusalesday.FieldAmount, colSum})
	texts = texts[:1]
	for k, v := range d.skus {
		if v == (skuVals{}) {
			continue
		}
		texts[0] = k.day
		skus.add(texts, int64(k.sku), v.units, v.amount)
	}
	if err := skus.exec(ctx, c, dia, d.st.OrganizationID, d.st.ID); err != nil {
		return fmt.Errorf("sku rollup: %w", err)
	}
	return d.writePeriods(ctx, c, dia, pd)
}

// lockStore returns the dialect of c, and on PostgreSQL locks the store row
// (one statement) so that two writers of one store's orders take turns: the
// period difference is taken against this transaction's view of the touched
// buyers' rows (SQLite serializes writers already). FOR NO KEY UPDATE, not FOR
// UPDATE: an order insert's foreign-key check holds FOR KEY SHARE on the store
// row, which FOR UPDATE would wait for, so two transactions that each inserted
// an order (mall orders placed at once) would deadlock on their rollups.
func (d *Delta) lockStore(ctx context.Context, c *ent.Client) (string, error) {
	dia := c.Dialect()
	if dia != dialect.Postgres || d.locked {
		return dia, nil
	}
	_, err := c.Store.Query().Where(store.ID(d.st.ID)).Modify(func(s *entsql.Selector) {
		s.For(entsql.LockNoKeyUpdate)
	}).IDs(ctx)
	if err != nil {
		return "", fmt.Errorf("lock store: %w", err)
	}
	return dia, nil
}

// Rebuild recomputes the rollups of the given stores (all stores when none)
// from their orders: the rebuild command and the demo loader use it. The
// context must be allowed to read and write every store (system).
func Rebuild(ctx context.Context, c *ent.Client, storeIDs ...int) error {
	q := c.Store.Query()
	if len(storeIDs) > 0 {
		q = q.Where(storeIn(storeIDs))
	}
	stores, err := q.All(ctx)
	if err != nil {
		return err
	}
	for _, st := range stores {
		if err := inTx(ctx, c, func(c *ent.Client) error { return rebuildStore(ctx, c, st) }); err != nil {
			return fmt.Errorf("store %d: %w", st.ID, err)
		}
	}
	return nil
}

// inTx runs f in a transaction of its own, or in c's when c is a
// transaction's client.
func inTx(ctx context.Context, c *ent.Client, f func(*ent.Client) error) error {
	tx, err := c.Tx(ctx)
	if errors.Is(err, ent.ErrTxStarted) {
		return f(c)
	}
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if err := f(tx.Client()); err != nil {
		return err
	}
	return tx.Commit()
}

const page = 5000

func rebuildStore(ctx context.Context, c *ent.Client, st *ent.Store) error {
	d := NewDelta(st)
	// Drains of the store wait (PostgreSQL): they would add queued deltas
	// to rows being recomputed.
	if _, err := d.lockStore(ctx, c); err != nil {
		return err
	}
	d.locked, d.fresh = true, true
	if _, err := c.SalesDay.Delete().Where(salesday.StoreID(st.ID)).Exec(ctx); err != nil {
		return err
	}
	if _, err := c.SKUSalesDay.Delete().Where(skusalesday.StoreID(st.ID)).Exec(ctx); err != nil {
		return err
	}
	if _, err := c.SalesPeriod.Delete().Where(salesperiod.StoreID(st.ID)).Exec(ctx); err != nil {
		return err
	}
	// The queued deltas are of orders read below.
	if _, err := c.PendingRollup.Delete().Where(pendingrollup.StoreID(st.ID)).Exec(ctx); err != nil {
		return err
	}
	last := 0
	for {
		os, err := c.Order.Query().Where(order.StoreID(st.ID), order.IDGT(last)).Order(ent.Asc(order.FieldID)).
			Limit(page).WithLines().All(ctx)
		if err != nil {
			return err
		}
		for _, o := range os {
			d.Add(o, 1)
			last = o.ID
		}
		if len(os) < page {
			break
		}
	}
	return d.Write(ctx, c)
}
