package platformsync

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// runner is one job in progress.
type runner struct {
	s       *Service
	job     *ent.SyncJob
	pc      *ent.PlatformConnection
	conn    sdk.Connection
	p       sdk.Platform
	store   *ent.Store
	started time.Time
	// Progress: the job's phases, the current one and the percent shown.
	phaseList []schematype.SyncPhase
	cur       int
	pct       int
}

func (r *runner) pageSize() int {
	if r.s.PageSize > 0 {
		return r.s.PageSize
	}
	return 100
}

// setPhase starts phase i: it is RUNNING with its own done/total from zero.
func (r *runner) setPhase(ctx context.Context, i int) error {
	r.cur = i
	r.phaseList[i].State, r.phaseList[i].Done, r.phaseList[i].Total = PhaseRunning, 0, -1
	r.pct = percent(r.phaseList, r.pct)
	tx, err := r.s.tx(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	n, err := tx.SyncJob.Update().Where(fence(r.job)).SetPhase(r.phaseList[i].Phase).SetDone(0).SetTotal(-1).
		SetPhases(r.phaseList).SetPercent(r.pct).Save(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		return errLostLease
	}
	j, err := tx.SyncJob.Get(ctx, r.job.ID)
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	r.job = j
	r.s.publish(ctx, j)
	return nil
}

// commit writes one page in one transaction: the job's progress, the rows,
// the resume cursors and a refreshed token. A page is all there or not at
// all. The job's row is written first and fenced by the lease: a runner that
// lost its job writes nothing (and on PostgreSQL the row lock orders the page
// against a concurrent reclaim or cancel).
func (r *runner) commit(ctx context.Context, cursors map[string]string, items int, total int64, tok *sdk.Token, write func(tx *ent.Tx) error) error {
	phases := slices.Clone(r.phaseList)
	advance(phases, r.cur, items, total)
	pct := percent(phases, r.pct)
	tx, err := r.s.tx(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	n, err := tx.SyncJob.Update().Where(fence(r.job)).SetDone(phases[r.cur].Done).SetTotal(phases[r.cur].Total).
		SetPhases(phases).SetPercent(pct).SetHeartbeatAt(now()).Save(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		return errLostLease
	}
	if err := write(tx); err != nil {
		return err
	}
	next := maps.Clone(r.pc.Cursors)
	if next == nil {
		next = map[string]string{}
	}
	for k, v := range cursors {
		if v == "" {
			delete(next, k)
		} else {
			next[k] = v
		}
	}
	if err := tx.PlatformConnection.UpdateOneID(r.pc.ID).SetCursors(next).Exec(ctx); err != nil {
		return err
	}
	if err := r.s.saveToken(ctx, tx.Client(), r.pc, tok); err != nil {
		return err
	}
	j, err := tx.SyncJob.Get(ctx, r.job.ID)
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	r.pc.Cursors, r.job, r.phaseList, r.pct = next, j, phases, pct
	if tok != nil && tok.AccessToken != "" {
		r.conn.AccessToken = tok.AccessToken
		if tok.RefreshToken != "" {
			r.conn.RefreshToken = tok.RefreshToken
		}
	}
	r.s.publish(ctx, j)
	return nil
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// products pulls products changed since the last completed product sync.
func (r *runner) products(ctx context.Context) error {
	since := parseTime(r.pc.Cursors["products_since"])
	cursor := r.pc.Cursors["products_page"]
	for {
		var page *sdk.ProductPage
		err := r.call(ctx, func() (err error) {
			page, err = r.p.ListProducts(ctx, sdk.ListProductsRequest{Connection: r.conn, Since: since, Cursor: cursor, PageSize: r.pageSize()})
			return err
		})
		if err != nil {
			return err
		}
		cur := map[string]string{"products_page": page.NextCursor}
		if page.NextCursor == "" {
			cur["products_since"] = fmtTime(r.started)
		}
		if err := r.commit(ctx, cur, len(page.Products), page.Total, page.NewToken, func(tx *ent.Tx) error {
			return upsertProducts(ctx, tx, r.store, page.Products)
		}); err != nil {
			return err
		}
		if page.NextCursor == "" {
			return nil
		}
		cursor = page.NextCursor
	}
}

// orders pulls orders in [since, until): since is where the last completed
// order sync ended (or firstSyncDays ago), until is fixed when the phase first
// starts so that a resumed phase pages through the same window.
func (r *runner) orders(ctx context.Context) (err error) {
	mode, dr := RollupsQueued, (*drainer)(nil)
	if r.s.withoutRollups.Load() {
		mode = RollupsOff
	} else {
		dr = r.s.startDrain(ctx, r.store)
		defer func() {
			if derr := dr.stop(ctx); derr != nil && err == nil {
				err = fmt.Errorf("apply the orders to the sales rollups: %w", derr)
			}
		}()
	}
	since := parseTime(r.pc.Cursors["orders_since"])
	first := since.IsZero() // nothing stored yet: orders created in the range suffice
	if first {
		since = r.started.AddDate(0, 0, -firstSyncDays)
	}
	until := parseTime(r.pc.Cursors["orders_until"])
	if until.IsZero() {
		until = r.started
		// Platforms filter order times in whole seconds (the plugins ask for
		// [since, until-1s] at second precision), so a window within one
		// whole second is empty or inverted and the platform refuses it. A
		// sync in the same second as the last one waits for the next:
		// orders_since stays.
		if until.Unix() <= since.Unix() {
			return nil
		}
	}
	cursor := r.pc.Cursors["orders_page"]
	for {
		var page *sdk.OrderPage
		err := r.call(ctx, func() (err error) {
			page, err = r.p.ListOrders(ctx, sdk.ListOrdersRequest{Connection: r.conn, Since: since, Until: until,
				Cursor: cursor, PageSize: r.pageSize(), CreatedOnly: first})
			return err
		})
		if err != nil {
			return err
		}
		cur := map[string]string{"orders_page": page.NextCursor, "orders_until": fmtTime(until)}
		if page.NextCursor == "" {
			cur["orders_since"], cur["orders_until"] = fmtTime(until), ""
		}
		if err := r.commit(ctx, cur, len(page.Orders), page.Total, page.NewToken, func(tx *ent.Tx) error {
			return WriteOrderPage(ctx, tx, r.store, page.Orders, mode)
		}); err != nil {
			return err
		}
		if dr != nil {
			dr.poke()
		}
		if page.NextCursor == "" {
			return nil
		}
		cursor = page.NextCursor
	}
}

// metrics refreshes the last metricsDays business days up to yesterday, in
// the store's time zone.
func (r *runner) metrics(ctx context.Context) error {
	loc, err := time.LoadLocation(r.store.Timezone)
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	today := r.started.In(loc)
	to := today.AddDate(0, 0, -1).Format(time.DateOnly)
	from := today.AddDate(0, 0, -metricsDays).Format(time.DateOnly)
	var res *sdk.MetricsResult
	err = r.call(ctx, func() (err error) {
		res, err = r.p.FetchMetrics(ctx, sdk.FetchMetricsRequest{Connection: r.conn, From: from, To: to})
		return err
	})
	if err != nil {
		return err
	}
	return r.commit(ctx, nil, len(res.Days), int64(len(res.Days)), res.NewToken, func(tx *ent.Tx) error {
		return upsertMetrics(ctx, tx, r.store, r.pc.PluginID, res.Days)
	})
}
