package rollup

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"entgo.io/ent/dialect"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/pendingrollup"
	"github.com/opsgraph/opsgraph/ent/store"
)

// Deferred rollups (decision 0263). A sync page records its Delta as a
// PendingRollup entry in the page's own transaction (Enqueue), which costs
// one row; Drain applies a store's entries in a transaction of its own, while
// the sync fetches its next page. An entry is deleted in the transaction that
// applies it, and Drain reads the entries only after it holds the store's
// writer lock (lockStore on PostgreSQL, the writer gate on SQLite), so two
// drains of one store, on one replica or two, never apply an entry twice, and
// an entry whose page committed is never lost: it waits for the next drain.
// Deltas add up, so the entries can be merged and applied in any order: the
// period counts are recomputed against the touched buyers' rows as they stand
// when the merged delta is written.

// DrainBatch is the most entries one drain transaction merges.
const DrainBatch = 64

// An entry's delta is binary, byte-exact for any buyer reference (JSON
// would turn bytes that are not UTF-8 into U+FFFD, and buyer references
// come from the platforms as they are): a version byte, then the day rows
// (count; day, buyer, source as length and bytes; five varints) and the
// SKU rows (count; SKU id, day, two varints).
const wireVersion = 1

var errShortEntry = errors.New("entry cut short")

// Empty reports whether the delta changes no row.
func (d *Delta) Empty() bool {
	for _, v := range d.days {
		if v != (dayVals{}) {
			return false
		}
	}
	for _, v := range d.skus {
		if v != (skuVals{}) {
			return false
		}
	}
	return true
}

// encode is the delta's entry payload.
func (d *Delta) encode() []byte {
	b := []byte{wireVersion}
	n := 0
	for _, v := range d.days {
		if v != (dayVals{}) {
			n++
		}
	}
	b = binary.AppendUvarint(b, uint64(n))
	for k, v := range d.days {
		if v == (dayVals{}) {
			continue
		}
		b = appendString(appendString(appendString(b, k.day), k.buyer), k.source)
		for _, x := range [...]int64{v.placed, v.paid, v.amount, v.refunded, v.refund} {
			b = binary.AppendVarint(b, x)
		}
	}
	n = 0
	for _, v := range d.skus {
		if v != (skuVals{}) {
			n++
		}
	}
	b = binary.AppendUvarint(b, uint64(n))
	for k, v := range d.skus {
		if v == (skuVals{}) {
			continue
		}
		b = appendString(binary.AppendVarint(b, int64(k.sku)), k.day)
		b = binary.AppendVarint(binary.AppendVarint(b, v.units), v.amount)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// wireReader reads an entry; the first error sticks.
type wireReader struct {
	b   []byte
	err error
}

func (r *wireReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err, r.b = errShortEntry, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *wireReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err, r.b = errShortEntry, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *wireReader) string() string {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.err, r.b = errShortEntry, nil
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// merge adds an entry's payload to the delta.
func (d *Delta) merge(b []byte) error {
	if len(b) == 0 || b[0] != wireVersion {
		return errors.New("unknown entry version")
	}
	r := &wireReader{b: b[1:]}
	for n := r.uvarint(); n > 0 && r.err == nil; n-- {
		k := dayKey{r.string(), r.string(), r.string()}
		v := d.days[k]
		v.placed += r.varint()
		v.paid += r.varint()
		v.amount += r.varint()
		v.refunded += r.varint()
		v.refund += r.varint()
		d.days[k] = v
	}
	for n := r.uvarint(); n > 0 && r.err == nil; n-- {
		k := skuKey{sku: int(r.varint()), day: r.string()}
		v := d.skus[k]
		v.units += r.varint()
		v.amount += r.varint()
		d.skus[k] = v
	}
	if r.err == nil && len(r.b) > 0 {
		r.err = errors.New("entry has trailing bytes")
	}
	return r.err
}

// Enqueue records the delta as an entry of its store's queue, in the
// caller's transaction (c is its client): the rollups take the delta when a
// Drain of the store runs. An empty delta records nothing.
func (d *Delta) Enqueue(ctx context.Context, c *ent.Client) error {
	if d.Empty() {
		return nil
	}
	return c.PendingRollup.Create().SetOrganizationID(d.st.OrganizationID).SetStoreID(d.st.ID).SetDelta(d.encode()).Exec(ctx)
}

// ErrNotTransactional: Drain was given a transaction's client.
var ErrNotTransactional = errors.New("rollup drain: needs a client that can begin transactions")

// Drain applies the store's pending entries, oldest first, at most
// DrainBatch per transaction, until none is left, and returns how many it
// applied. ctx must be allowed to write the store's rollups (the sync
// runner's, or system). A failed transaction leaves its entries for the next
// drain.
func Drain(ctx context.Context, c *ent.Client, st *ent.Store) (int, error) {
	total := 0
	for {
		n, err := drainOnce(ctx, c, st)
		total += n
		if err != nil || n < DrainBatch {
			return total, err
		}
	}
}

func drainOnce(ctx context.Context, c *ent.Client, st *ent.Store) (int, error) {
	tx, err := c.Tx(ctx)
	if err != nil {
		if errors.Is(err, ent.ErrTxStarted) {
			return 0, ErrNotTransactional
		}
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	tc := tx.Client()
	if tc.Dialect() == dialect.Postgres {
		// No WAL flush of its own: a crash can lose this transaction only
		// whole, rollup rows and entry deletes together, and the entries
		// are then drained again. A later durable commit (the sync job's
		// end) flushes it with everything before it.
		if _, err := tx.ExecContext(ctx, "SET LOCAL synchronous_commit = off"); err != nil {
			return 0, err
		}
	}
	d := NewDelta(st)
	// The lock first: the entries read next are then the ones no other
	// drain of this store is applying.
	if _, err := d.lockStore(ctx, tc); err != nil {
		return 0, err
	}
	entries, err := tc.PendingRollup.Query().Where(pendingrollup.StoreID(st.ID)).
		Order(ent.Asc(pendingrollup.FieldID)).Limit(DrainBatch).All(ctx)
	if err != nil || len(entries) == 0 {
		return 0, err
	}
	ids := make([]int, len(entries))
	for i, e := range entries {
		if err := d.merge(e.Delta); err != nil {
			return 0, fmt.Errorf("pending rollup %d: %w", e.ID, err)
		}
		ids[i] = e.ID
	}
	d.locked = true
	if err := d.Write(ctx, tc); err != nil {
		return 0, err
	}
	if _, err := tc.PendingRollup.Delete().Where(pendingrollup.IDIn(ids...)).Exec(ctx); err != nil {
		return 0, err
	}
	return len(entries), tx.Commit()
}

// PendingStores is the stores that have entries waiting, for a periodic
// drain (a sync that stopped before draining: a crash, a lost lease).
func PendingStores(ctx context.Context, c *ent.Client) ([]int, error) {
	return c.PendingRollup.Query().Unique(true).Select(pendingrollup.FieldStoreID).Ints(ctx)
}

// DrainAll drains every store that has entries waiting (the periodic task;
// ctx must carry system authorization). Entries of a store that no longer
// exists are deleted.
func DrainAll(ctx context.Context, c *ent.Client) error {
	ids, err := PendingStores(ctx, c)
	if err != nil || len(ids) == 0 {
		return err
	}
	stores, err := c.Store.Query().Where(store.IDIn(ids...)).All(ctx)
	if err != nil {
		return err
	}
	var errs []error
	found := make([]int, 0, len(stores))
	for _, st := range stores {
		found = append(found, st.ID)
		if _, err := Drain(ctx, c, st); err != nil {
			errs = append(errs, fmt.Errorf("store %d: %w", st.ID, err))
		}
	}
	if len(found) < len(ids) {
		_, err := c.PendingRollup.Delete().Where(pendingrollup.StoreIDIn(ids...), pendingrollup.StoreIDNotIn(found...)).Exec(ctx)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
