package mallsvc

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/flashreservation"
	"github.com/opsgraph/opsgraph/ent/flashsaleslot"
	"github.com/opsgraph/opsgraph/ent/product"
	"github.com/opsgraph/opsgraph/ent/sku"
	"github.com/opsgraph/opsgraph/mall"
	"github.com/opsgraph/opsgraph/promo"
)

// maxBatch bounds the reservations of one group-commit transaction.
const maxBatch = 64

// AuditFunc builds the audit record of a successful reservation; group
// commit writes it in the batch's transaction, so the record and the
// reservation commit together.
type AuditFunc func(c *ent.Client, r *ent.FlashReservation) *ent.AuditEventCreate

// ReserveBatched is Reserve with group commit, for callers outside a
// transaction (decisions 0227 and 0240). Concurrent reservations of one
// (campaign, slot) in this process are coalesced into one transaction that
// runs a constant number of statements for the whole batch: one multi-row
// idempotent insert of the reservations, one guarded quota upsert over the
// batch's buyers, one read-back, one multi-row insert of the audit records
// and one conditional update of the slot by the batch's total. Each request
// keeps its own answer, idempotency, per-user limit and error. When the slot
// cannot serve the whole batch (or anything unexpected happens), the batch is
// rolled back and run again one request at a time, each in its own
// transaction. The database's conditional statements stay the arbiters, so
// several replicas remain correct; nothing is answered before the commit, and
// a failed commit fails every reservation of the batch.
func (s *Service) ReserveBatched(ctx context.Context, in ReserveInput) (*ent.FlashReservation, error) {
	return s.ReserveGrouped(ctx, in, nil)
}

// ReserveGrouped is ReserveBatched that also writes the reservation's audit
// record (built by audit, when not nil) in the batch's transaction: the
// GraphQL mutation's path.
func (s *Service) ReserveGrouped(ctx context.Context, in ReserveInput, audit AuditFunc) (*ent.FlashReservation, error) {
	c := &batchCall{ctx: ctx, in: in, audit: audit, done: make(chan struct{})}
	q := s.batchQueue(slotKey{in.CampaignID, in.Slot})
	q.mu.Lock()
	q.pending = append(q.pending, c)
	lead := q.running < s.maxLeaders()
	if lead {
		q.running++
	}
	q.mu.Unlock()
	if lead {
		s.runBatches(q, c)
	}
	select {
	case <-c.done:
		return c.res, c.err
	case <-ctx.Done():
		// The batch may still commit this reservation: a repeat with the
		// same key finds it.
		return nil, ctx.Err()
	}
}

type batchCall struct {
	ctx   context.Context
	in    ReserveInput
	audit AuditFunc
	res   *ent.FlashReservation
	err   error
	done  chan struct{}
}

type batchQueue struct {
	mu      sync.Mutex
	pending []*batchCall
	running int         // batch leaders at work
	soldOut atomic.Bool // the last batch found the slot sold out
}

// maxLeaders is how many batches of one slot run at once in this process.
// SQLite: one (its writer is one at a time anyway, and a lone leader makes
// bigger batches). PostgreSQL: two, so that one batch's statements overlap
// the other's commit (its WAL flush); the second waits for the slot's row
// only at its last statement. Known after the first batch; one until then.
func (s *Service) maxLeaders() int {
	if s.postgres.Load() {
		return pgLeaders
	}
	return 1
}

const pgLeaders = 2

func (s *Service) batchQueue(k slotKey) *batchQueue {
	q, _ := s.batches.LoadOrStore(k, &batchQueue{})
	return q.(*batchQueue)
}

// planWindow: how many queued calls one plan looks at.
const planWindow = 4 * maxBatch

// runBatches runs batches until own is answered, then hands what is queued
// to a new goroutine (so the leader's caller is not kept serving others).
func (s *Service) runBatches(q *batchQueue, own *batchCall) {
	for {
		q.mu.Lock()
		window := q.pending[:min(len(q.pending), planWindow)]
		reqs := make([]mall.BatchRequest, len(window))
		for i, c := range window {
			reqs[i] = mall.BatchRequest{Key: c.in.Key, BuyerRef: c.in.BuyerRef}
		}
		now, later := mall.PlanBatch(reqs, maxBatch)
		calls := make([]*batchCall, len(now))
		for i, j := range now {
			calls[i] = window[j]
		}
		rest := make([]*batchCall, 0, len(later)+len(q.pending)-len(window))
		for _, j := range later {
			rest = append(rest, window[j])
		}
		q.pending = append(rest, q.pending[len(window):]...)
		q.mu.Unlock()
		s.runBatch(q, calls)
		q.mu.Lock()
		if len(q.pending) == 0 {
			q.running--
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
		select {
		case <-own.done:
			go s.runBatches(q, &batchCall{done: closedChan})
			return
		default:
		}
	}
}

var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// runBatch answers calls (one campaign and slot, distinct keys and buyers):
// the checks that need no transaction first, then the set-based transaction,
// or one transaction per call when that does not fit.
func (s *Service) runBatch(q *batchQueue, calls []*batchCall) {
	ctx := authz.SystemContext(context.Background())
	defer func() {
		// A panic must not leave callers waiting (nor, in a goroutine of
		// its own, stop the server): every unanswered call fails.
		if p := recover(); p != nil {
			for _, c := range calls {
				c.res, c.err = nil, fmt.Errorf("mallsvc: reservation batch failed: %v", p)
			}
		}
		for _, c := range calls {
			close(c.done)
		}
	}()
	live := make([]*batchCall, 0, len(calls))
	for _, c := range calls {
		if err := c.ctx.Err(); err != nil {
			c.err = err
		} else if err := mall.CheckKey(c.in.Key); err != nil {
			c.err = err
		} else if err := mall.CheckBuyerRef(c.in.BuyerRef); err != nil {
			c.err = err
		} else {
			live = append(live, c)
		}
	}
	if len(live) == 0 {
		return
	}
	p, err := s.prepareBatch(ctx, live)
	if err != nil {
		for _, c := range live {
			c.err = err
		}
		return
	}
	if len(p.calls) == 0 {
		return
	}
	// A slot seen sold out is probed first: while it stays sold out, the
	// batch is answered without a transaction.
	if q.soldOut.Load() {
		if out, err := s.refuseSoldOut(ctx, p); err == nil && out {
			return
		}
		q.soldOut.Store(false)
	}
	err = s.reserveSet(ctx, p)
	if err == nil {
		return
	}
	// The slot cannot serve the whole batch (or a statement failed): nothing
	// of the set-based attempt was kept. Sold out for every call: refuse
	// them all; otherwise go one by one.
	for _, c := range p.calls {
		c.res, c.err = nil, nil
	}
	if errors.Is(err, errSlotShort) {
		if out, err := s.refuseSoldOut(ctx, p); err == nil && out {
			q.soldOut.Store(true)
			return
		}
	}
	s.reserveEach(ctx, p.calls)
}

// refuseSoldOut answers every call of p when the slot has fewer units left
// than the smallest quantity asked and no overdue reservation to take back
// (which the one-by-one path would expire): a repeated key replays its
// reservation, any other call is sold out. A refusal read from a committed
// count never oversells; it is what the conditional update would have said
// a moment earlier.
func (s *Service) refuseSoldOut(ctx context.Context, p *batchPlan) (bool, error) {
	least := p.calls[0].in.Quantity
	for _, c := range p.calls {
		least = min(least, c.in.Quantity)
	}
	c := s.Client
	short, err := c.FlashSaleSlot.Query().Where(flashsaleslot.ID(p.slotID), flashsaleslot.RemainingLT(least)).Exist(ctx)
	if err != nil || !short {
		return false, err
	}
	overdue, err := c.FlashReservation.Query().Where(flashreservation.SlotID(p.slotID),
		flashreservation.StateEQ(flashreservation.StateHELD), flashreservation.ExpiresAtLTE(s.now())).Exist(ctx)
	if err != nil || overdue {
		return false, err
	}
	for _, bc := range p.calls {
		bc.res, bc.err = nil, mall.SoldOut()
	}
	return true, s.replayEarly(ctx, p.camp.StoreID, p.calls)
}

// batchPlan is a batch after its checks: the campaign, the slot's record,
// and the calls that may take units, with their SKU and expiry.
type batchPlan struct {
	camp    *ent.Campaign
	slotID  int
	dialect string
	calls   []*batchCall
	expires []time.Time
}

// prepareBatch runs the checks that need no transaction (campaign selling,
// slot open, quantity, SKU of the store and covered). A call refused there
// replays the reservation of its key when one exists (as Reserve does).
func (s *Service) prepareBatch(ctx context.Context, calls []*batchCall) (*batchPlan, error) {
	c := s.Client
	camp, pc, err := s.flashCampaign(ctx, c, calls[0].in.CampaignID)
	if err != nil {
		return nil, err
	}
	p := &batchPlan{camp: camp}
	now := s.now()
	skuIDs := make([]int, 0, 1)
	for _, bc := range calls {
		if !slices.Contains(skuIDs, bc.in.SKUID) {
			skuIDs = append(skuIDs, bc.in.SKUID)
		}
	}
	skus, err := c.SKU.Query().Where(func(sel *entsql.Selector) { p.dialect = sel.Dialect() },
		sku.IDIn(skuIDs...), sku.HasProductWith(product.StoreID(camp.StoreID))).
		Select(sku.FieldID, sku.FieldProductID).All(ctx)
	if err != nil {
		return nil, err
	}
	productOf := make(map[int]int, len(skus))
	for _, k := range skus {
		productOf[k.ID] = k.ProductID
	}
	var early []*batchCall
	for _, bc := range calls {
		if err := checkEarly(camp, &pc, bc.in, now, productOf); err != nil {
			bc.err = err
			early = append(early, bc)
			continue
		}
		exp, _ := mall.CheckReservation(camp.Rules.FlashSale, mall.Reservation{Slot: bc.in.Slot, Quantity: bc.in.Quantity, At: now})
		p.calls = append(p.calls, bc)
		p.expires = append(p.expires, exp)
	}
	if len(early) > 0 {
		if err := s.replayEarly(ctx, camp.StoreID, early); err != nil {
			return nil, err
		}
	}
	if p.dialect == dialect.Postgres {
		s.postgres.Store(true)
	}
	if len(p.calls) > 0 {
		if p.slotID, err = s.slotID(ctx, c, camp, calls[0].in.Slot); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// checkEarly is Reserve's checks before anything is written.
func checkEarly(camp *ent.Campaign, pc *promo.Campaign, in ReserveInput, now time.Time, productOf map[int]int) error {
	if !promo.Sells(pc, now) {
		return notSelling(camp)
	}
	if _, err := mall.CheckReservation(camp.Rules.FlashSale, mall.Reservation{Slot: in.Slot, Quantity: in.Quantity, At: now}); err != nil {
		return err
	}
	pid, ok := productOf[in.SKUID]
	if !ok {
		return errNoSKU()
	}
	if !pc.Targets.Covers(pid, in.SKUID) {
		return errNotCovered()
	}
	return nil
}

// replayEarly answers refused calls whose key already has a reservation
// with that reservation (one query for all of them), and writes the audit
// records of those replays (one transaction; if it fails, so do they).
func (s *Service) replayEarly(ctx context.Context, storeID int, calls []*batchCall) error {
	keys := make([]string, len(calls))
	for i, bc := range calls {
		keys[i] = bc.in.Key
	}
	prev, err := s.Client.FlashReservation.Query().Where(flashreservation.StoreID(storeID), flashreservation.IdempotencyKeyIn(keys...)).All(ctx)
	if err != nil || len(prev) == 0 {
		return err
	}
	var replayed []*batchCall
	for _, r := range prev {
		for _, bc := range calls {
			if bc.in.Key == r.IdempotencyKey {
				bc.res, bc.err = r, mall.Replay(bc.in.same(r))
				if bc.err != nil {
					bc.res = nil
				} else if bc.audit != nil {
					replayed = append(replayed, bc)
				}
			}
		}
	}
	if len(replayed) == 0 {
		return nil
	}
	tx, err := s.Client.Tx(ctx)
	if err == nil {
		creates := make([]*ent.AuditEventCreate, len(replayed))
		for i, bc := range replayed {
			creates[i] = bc.audit(tx.Client(), bc.res)
		}
		if err = tx.AuditEvent.CreateBulk(creates...).Exec(ctx); err != nil {
			_ = tx.Rollback()
		} else {
			err = tx.Commit()
		}
	}
	if err != nil {
		for _, bc := range replayed {
			bc.res, bc.err = nil, err
		}
	}
	return nil
}

// errSlotShort: the slot cannot serve the whole batch.
var errSlotShort = errors.New("mallsvc: the slot cannot serve the whole batch")

// reserveSet reserves the batch in one transaction with a constant number
// of statements (decision 0240):
//
//  1. INSERT the reservations (one multi-row statement) ON CONFLICT
//     (store_id, idempotency_key) DO NOTHING RETURNING id, idempotency_key:
//     a key not returned was taken before, and is replayed;
//  2. one quota upsert over the new reservations' buyers, each row guarded
//     by used + n <= limit; a buyer not returned is over the limit, and the
//     rows of such buyers are deleted (one statement, only then);
//  3. one read-back of the batch's reservations by key (new and replayed);
//  4. one multi-row INSERT of the audit records of the successes;
//  5. UPDATE the slot SET remaining = remaining − total WHERE remaining >=
//     total, last so that the hot row is locked for the shortest time.
//
// When 5 changes no row the whole transaction is rolled back and
// errSlotShort returned: the caller then goes one request at a time.
func (s *Service) reserveSet(ctx context.Context, p *batchPlan) error {
	tx, err := s.Client.Tx(ctx)
	if err != nil {
		return err
	}
	tc := tx.Client()
	tctx := ent.NewContext(ctx, tc)
	rollback := func(err error) error {
		_ = tx.Rollback()
		return err
	}
	camp, rule := p.camp, p.camp.Rules.FlashSale
	// Lock order: keys, then buyers (sorted), then the slot, the same on
	// every replica.
	order := make([]int, len(p.calls))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(p.calls[a].in.Key, p.calls[b].in.Key) })
	now := time.Now()
	ins := newValues(p.dialect)
	for _, i := range order {
		in := p.calls[i].in
		ins.row(now, now, camp.OrganizationID, camp.StoreID, camp.ID, p.slotID, in.Slot, in.SKUID, in.BuyerRef,
			in.Quantity, flashreservation.StateHELD.String(), p.expires[i], in.Key)
	}
	newIDs := map[string]int{}
	err = queryRows(tctx, tc, "INSERT INTO flash_reservations (created_at, updated_at, organization_id, store_id, campaign_id, slot_id, slot_index, sku_id, buyer_ref, quantity, state, expires_at, idempotency_key) VALUES "+
		ins.String()+" ON CONFLICT (store_id, idempotency_key) DO NOTHING RETURNING id, idempotency_key", ins.args,
		func(scan func(...any) error) error {
			var id int
			var key string
			if err := scan(&id, &key); err != nil {
				return err
			}
			newIDs[key] = id
			return nil
		})
	if err != nil {
		return rollback(err)
	}
	// 2. the per-user limit, one guarded upsert for the batch.
	var fresh []*batchCall
	for _, i := range order {
		if _, ok := newIDs[p.calls[i].in.Key]; ok {
			fresh = append(fresh, p.calls[i])
		}
	}
	slices.SortFunc(fresh, func(a, b *batchCall) int { return strings.Compare(a.in.BuyerRef, b.in.BuyerRef) })
	within := map[string]bool{}
	if len(fresh) > 0 {
		scope := flashScope(p.slotID)
		qv := newValues(p.dialect)
		for _, bc := range fresh {
			qv.row(camp.OrganizationID, scope, bc.in.BuyerRef, bc.in.Quantity)
		}
		limit := qv.arg(rule.PerUserLimit)
		err = queryRows(tctx, tc, "INSERT INTO buyer_quota (organization_id, scope, buyer_ref, used) VALUES "+qv.String()+
			" ON CONFLICT (scope, buyer_ref) DO UPDATE SET used = buyer_quota.used + excluded.used"+
			" WHERE buyer_quota.used + excluded.used <= "+limit+" RETURNING buyer_ref", qv.args,
			func(scan func(...any) error) error {
				var b string
				if err := scan(&b); err != nil {
					return err
				}
				within[b] = true
				return nil
			})
		if err != nil {
			return rollback(err)
		}
	}
	var over []int
	total := 0
	for _, bc := range fresh {
		if within[bc.in.BuyerRef] {
			total += bc.in.Quantity
		} else {
			over = append(over, newIDs[bc.in.Key])
			bc.err = mall.OverLimit(rule.PerUserLimit)
		}
	}
	if len(over) > 0 {
		if _, err := tc.FlashReservation.Delete().Where(flashreservation.IDIn(over...)).Exec(tctx); err != nil {
			return rollback(err)
		}
	}
	// 3. the answers: new reservations and replays.
	keys := make([]string, 0, len(p.calls))
	for _, bc := range p.calls {
		if bc.err == nil {
			keys = append(keys, bc.in.Key)
		}
	}
	var creates []*ent.AuditEventCreate
	if len(keys) > 0 {
		rows, err := tc.FlashReservation.Query().Where(flashreservation.StoreID(camp.StoreID),
			flashreservation.IdempotencyKeyIn(keys...)).All(tctx)
		if err != nil {
			return rollback(err)
		}
		byKey := make(map[string]*ent.FlashReservation, len(rows))
		for _, r := range rows {
			byKey[r.IdempotencyKey] = r
		}
		for _, bc := range p.calls {
			if bc.err != nil {
				continue
			}
			r, ok := byKey[bc.in.Key]
			if !ok {
				return rollback(fmt.Errorf("mallsvc: reservation %q not found after insert", bc.in.Key))
			}
			if _, isNew := newIDs[bc.in.Key]; !isNew {
				if err := mall.Replay(bc.in.same(r)); err != nil {
					bc.err = err
					continue
				}
			}
			bc.res = r
			if bc.audit != nil {
				creates = append(creates, bc.audit(tc, r))
			}
		}
	}
	// 4. the audit records of the successes.
	if len(creates) > 0 {
		if err := tc.AuditEvent.CreateBulk(creates...).Exec(tctx); err != nil {
			return rollback(err)
		}
	}
	// 5. the slot, by the batch's total.
	if total > 0 {
		n, err := tc.FlashSaleSlot.Update().Where(flashsaleslot.ID(p.slotID), flashsaleslot.RemainingGTE(total)).
			AddRemaining(-total).Save(tctx)
		if err != nil {
			return rollback(err)
		}
		if n == 0 {
			return rollback(errSlotShort)
		}
	}
	if err := tx.Commit(); err != nil {
		for _, bc := range p.calls {
			bc.res, bc.err = nil, err
		}
		return nil
	}
	for _, bc := range p.calls {
		if bc.res != nil {
			bc.res = bc.res.Unwrap()
		}
	}
	return nil
}

// reserveEach reserves calls one at a time, each in a transaction of its
// own with its audit record: the path of a batch the slot cannot serve whole
// (or whose set-based attempt failed). One transaction per call, not
// savepoints in one: a transaction that kept the slot's row locked while it
// went on to the next call's key could deadlock with another replica's
// batch waiting for that row.
func (s *Service) reserveEach(ctx context.Context, calls []*batchCall) {
	for _, c := range calls {
		c.res, c.err = s.reserveOne(ctx, c)
	}
}

func (s *Service) reserveOne(ctx context.Context, c *batchCall) (*ent.FlashReservation, error) {
	tx, err := s.Client.Tx(ctx)
	if err != nil {
		return nil, err
	}
	tc := tx.Client()
	tctx := ent.NewContext(ctx, tc)
	r, err := s.Reserve(tctx, c.in)
	if err == nil && c.audit != nil {
		err = c.audit(tc, r).Exec(tctx)
	}
	if err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return r.Unwrap(), nil
}

// values builds a multi-row VALUES list with the dialect's placeholders.
type values struct {
	pg   bool
	b    strings.Builder
	args []any
}

func newValues(d string) *values { return &values{pg: d == dialect.Postgres} }

func (v *values) arg(x any) string {
	v.args = append(v.args, x)
	if v.pg {
		return "$" + strconv.Itoa(len(v.args))
	}
	return "?"
}

func (v *values) row(xs ...any) {
	if v.b.Len() > 0 {
		v.b.WriteString(", ")
	}
	v.b.WriteByte('(')
	for i, x := range xs {
		if i > 0 {
			v.b.WriteString(", ")
		}
		v.b.WriteString(v.arg(x))
	}
	v.b.WriteByte(')')
}

func (v *values) String() string { return v.b.String() }

// queryRows runs a statement that returns rows in the transaction of c.
func queryRows(ctx context.Context, c *ent.Client, q string, args []any, each func(scan func(...any) error) error) error {
	rows, err := c.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}
