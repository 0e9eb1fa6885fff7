package rollup

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
	"github.com/jackc/pgx/v5"

	"github.com/opsgraph/opsgraph/ent"
)

// The rollup's hot statements are written by hand (decision 0250): ent's
// bulk builders cost a mutation, the tenant hooks and a RETURNING id per
// row, and its Scan decodes rows by reflection. Each statement here has a
// constant text whatever the number of rows (PostgreSQL: one array per
// column, unnest; SQLite: one JSON array of rows, jsonb_each), so a page
// writes each rollup table with one statement, prepared once per connection
// where the driver caches statements. Tenancy is kept by construction: the
// organization and store of every row are the Delta's store's, which the
// caller loaded under its own authorization.

// rawConn is the raw-SQL side of an ent client (ent's execquery feature).
type rawConn interface {
	ExecContext(ctx context.Context, query string, args ...any) (stdsql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*stdsql.Rows, error)
}

// colKind is how a column of a rollup upsert is filled.
type colKind int

const (
	colText colKind = iota // a text key column
	colKey                 // an integer key column
	colSum                 // an integer added to the existing row on conflict
)

type col struct {
	name string
	kind colKind
}

// upsert is a multi-row "insert or add" into one rollup table: every row has
// the organization and store of the delta, then cols.
type upsert struct {
	table    string
	conflict []string
	cols     []col
	texts    [][]string // per text column
	ints     [][]int64  // per integer column (keys and sums, in cols order)
	n        int
}

func newUpsert(table string, conflict []string, cols ...col) *upsert {
	u := &upsert{table: table, conflict: conflict, cols: cols}
	for _, c := range cols {
		if c.kind == colText {
			u.texts = append(u.texts, nil)
		} else {
			u.ints = append(u.ints, nil)
		}
	}
	return u
}

// add appends a row: its text columns then its integer columns, each in
// cols order.
func (u *upsert) add(texts []string, ints ...int64) {
	for i, t := range texts {
		u.texts[i] = append(u.texts[i], t)
	}
	for i, v := range ints {
		u.ints[i] = append(u.ints[i], v)
	}
	u.n++
}

// statement is the upsert's SQL in the dialect: $1/? organization, $2/?
// store, then the rows.
func (u *upsert) statement(d string) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + quote(d, u.table) + " (organization_id, store_id")
	for _, c := range u.cols {
		b.WriteString(", " + quote(d, c.name))
	}
	b.WriteString(") SELECT ")
	if d == dialect.Postgres {
		b.WriteString("$1::bigint, $2::bigint, * FROM unnest(")
		for i, c := range u.cols {
			if i > 0 {
				b.WriteString(", ")
			}
			if c.kind == colText {
				fmt.Fprintf(&b, "$%d::text[]", 3+i)
			} else {
				fmt.Fprintf(&b, "$%d::bigint[]", 3+i)
			}
		}
		b.WriteString(")")
	} else {
		b.WriteString("?, ?")
		for i := range u.cols {
			fmt.Fprintf(&b, ", value->>%d", i)
		}
		// jsonb_each, not json_each: each row (a sub-array) comes out as
		// JSONB, which ->> reads in place. json_each hands it out as text,
		// which SQLite wrote from its parse and ->> parsed again for every
		// column: half of the statement's time (decision 0262). The WHERE is
		// SQLite's upsert-after-SELECT parsing rule.
		b.WriteString(" FROM jsonb_each(?) WHERE true")
	}
	b.WriteString(" ON CONFLICT (")
	for i, c := range u.conflict {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quote(d, c))
	}
	b.WriteString(") DO UPDATE SET ")
	first := true
	for _, c := range u.cols {
		if c.kind != colSum {
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		n := quote(d, c.name)
		fmt.Fprintf(&b, "%s = %s.%s + excluded.%s", n, quote(d, u.table), n, n)
	}
	return b.String()
}

// rowsArg is the rows as the statement's last argument(s).
func (u *upsert) rowsArgs(d string, from, to int) []any {
	if d == dialect.Postgres {
		var args []any
		ti, ii := 0, 0
		for _, c := range u.cols {
			if c.kind == colText {
				args = append(args, u.texts[ti][from:to])
				ti++
			} else {
				args = append(args, u.ints[ii][from:to])
				ii++
			}
		}
		return args
	}
	buf := make([]byte, 0, (to-from)*16*len(u.cols))
	buf = append(buf, '[')
	for r := from; r < to; r++ {
		if r > from {
			buf = append(buf, ',')
		}
		buf = append(buf, '[')
		ti, ii := 0, 0
		for i, c := range u.cols {
			if i > 0 {
				buf = append(buf, ',')
			}
			if c.kind == colText {
				buf = appendJSONString(buf, u.texts[ti][r])
				ti++
			} else {
				buf = strconv.AppendInt(buf, u.ints[ii][r], 10)
				ii++
			}
		}
		buf = append(buf, ']')
	}
	buf = append(buf, ']')
	return []any{string(buf)}
}

// upsertRows bounds the rows of one statement (a rebuild writes a store's
// whole history).
const upsertRows = 5000

// exec writes the rows, upsertRows at a time.
func (u *upsert) exec(ctx context.Context, c rawConn, d string, orgID, storeID int) error {
	if u.n == 0 {
		return nil
	}
	q := u.statement(d)
	for i := 0; i < u.n; i += upsertRows {
		args := append([]any{orgID, storeID}, u.rowsArgs(d, i, min(i+upsertRows, u.n))...)
		if _, err := c.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("%s: %w", u.table, err)
		}
	}
	return nil
}

func quote(d, name string) string {
	if d == dialect.Postgres {
		return `"` + name + `"`
	}
	return "`" + name + "`"
}

// appendJSONString appends s as a JSON string. Bytes other than the quote,
// the backslash and control characters are copied as they are, so that
// SQLite's ->> gives back exactly s (its JSON reader keeps the bytes).
func appendJSONString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch == '"' || ch == '\\':
			buf = append(buf, '\\', ch)
		case ch < 0x20:
			buf = append(buf, '\\', 'u', '0', '0', hex[ch>>4], hex[ch&0xf])
		default:
			buf = append(buf, ch)
		}
	}
	return append(buf, '"')
}

// buyerDays reads the SalesDay rows of the given buyers of a store (sorted
// buyers), from the buyer index alone.
func buyerDays(ctx context.Context, c rawConn, d string, storeID int, buyers []string, each func(buyer string, r BuyerDay)) error {
	var (
		q   string
		arg any
	)
	if d == dialect.Postgres {
		q = `SELECT buyer, day, source, placed_orders, paid_orders FROM sales_days WHERE store_id = $1 AND buyer = ANY($2::text[])`
		arg = buyers
	} else {
		q = "SELECT buyer, day, source, placed_orders, paid_orders FROM `sales_days` WHERE store_id = ? AND buyer IN (SELECT value FROM json_each(?))"
		arg = jsonStrings(buyers)
	}
	rows, err := c.QueryContext(ctx, q, customPlan(d, storeID, arg)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var buyer string
	for rows.Next() {
		var r BuyerDay
		if err := rows.Scan(&buyer, &r.Day, &r.Source, &r.Placed, &r.Paid); err != nil {
			return err
		}
		each(buyer, r)
	}
	return rows.Err()
}

// customPlan prefixes PostgreSQL arguments with pgx's describe-cached exec
// mode: the statement runs unnamed, planned for its actual arguments each
// time. A cached generic plan made while the tables had no statistics (a new
// database's first sync, until autovacuum analyzes them) kept only the
// store_id of `store_id = $1 AND buyer = ANY($2)` as its index condition and
// filtered the store's every row: a page's reads grew with the store, 0.4 →
// 8 ms within one 2,000-order sync.
func customPlan(d string, args ...any) []any {
	if d != dialect.Postgres {
		return args
	}
	return append([]any{pgx.QueryExecModeCacheDescribe}, args...)
}

// jsonStrings is strs as a JSON array, for SQLite's json_each.
func jsonStrings(strs []string) string {
	buf := []byte{'['}
	for i, s := range strs {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendJSONString(buf, s)
	}
	return string(append(buf, ']'))
}

// jsonInts is ints as a JSON array, for SQLite's json_each.
func jsonInts(ints []int64) string {
	buf := []byte{'['}
	for i, v := range ints {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendInt(buf, v, 10)
	}
	return string(append(buf, ']'))
}

// loadOrders reads a store's orders by platform id with their lines: what
// Delta.Add reads, in two statements whatever the number of orders.
func loadOrders(ctx context.Context, c rawConn, d string, storeID int, externalIDs []string) (State, error) {
	const cols = "id, external_id, status, paid, buyer_ref, traffic_source, ordered_at, paid_at"
	var (
		q   string
		arg any
	)
	if d == dialect.Postgres {
		q = "SELECT " + cols + " FROM orders WHERE store_id = $1 AND external_id = ANY($2::text[])"
		arg = externalIDs
	} else {
		q = "SELECT " + cols + " FROM `orders` WHERE store_id = ? AND external_id IN (SELECT value FROM json_each(?))"
		arg = jsonStrings(externalIDs)
	}
	rows, err := c.QueryContext(ctx, q, customPlan(d, storeID, arg)...)
	if err != nil {
		return nil, fmt.Errorf("load orders: %w", err)
	}
	var (
		state State
		byID  = map[int]*ent.Order{}
		ids   []int64
	)
	for rows.Next() {
		o := &ent.Order{}
		var buyer stdsql.NullString
		var paidAt stdsql.NullTime
		if err := rows.Scan(&o.ID, &o.ExternalID, &o.Status, &o.Paid, &buyer, &o.TrafficSource, &o.OrderedAt, &paidAt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("load orders: %w", err)
		}
		o.BuyerRef = buyer.String
		if paidAt.Valid {
			t := paidAt.Time
			o.PaidAt = &t
		}
		o.Edges.Lines = []*ent.OrderLine{}
		state = append(state, o)
		byID[o.ID] = o
		ids = append(ids, int64(o.ID))
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return state, err
	}
	if d == dialect.Postgres {
		q = "SELECT order_id, sku_id, quantity, total FROM order_lines WHERE order_id = ANY($1::bigint[]) ORDER BY id"
		arg = ids
	} else {
		q = "SELECT order_id, sku_id, quantity, total FROM `order_lines` WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY id"
		arg = jsonInts(ids)
	}
	rows, err = c.QueryContext(ctx, q, customPlan(d, arg)...)
	if err != nil {
		return nil, fmt.Errorf("load order lines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		l := &ent.OrderLine{}
		var sku stdsql.NullInt64
		if err := rows.Scan(&l.OrderID, &sku, &l.Quantity, &l.Total); err != nil {
			return nil, fmt.Errorf("load order lines: %w", err)
		}
		l.SkuID = int(sku.Int64)
		if o := byID[l.OrderID]; o != nil {
			o.Edges.Lines = append(o.Edges.Lines, l)
		}
	}
	return state, rows.Err()
}
