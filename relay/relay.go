// Package relay holds the run-time half of entgql: the Relay cursor, page
// info, order direction and cursor predicates that the generated ent code
// (ent/gql_*.go) and gqlgen's code use while serving.
//
// Why not entgo.io/contrib/entgql itself: that package also holds the code
// generator, so importing it links entc/gen, its templates (parsed at init),
// go/packages and x/tools into the server, about 14 MB of resident memory for
// code that only `go generate` runs (docs/decisions/0255). ent/entc.go
// points the generated code here instead. The wire format is entgql's:
// cursors are base64 (raw, standard alphabet) msgpack of {"i": id, "v":
// value}, so cursors handed out before the switch still work
// (TestCursorMatchesEntgql).
package relay

import (
	"encoding/base64"
	"fmt"
	"io"
	"slices"
	"strconv"

	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vmihailenco/msgpack/v5"
)

// OrderDirection is the direction of a list's order.
type OrderDirection string

// The two directions.
const (
	OrderDirectionAsc  OrderDirection = "ASC"
	OrderDirectionDesc OrderDirection = "DESC"
)

// Validate reports whether o is ASC or DESC.
func (o OrderDirection) Validate() error {
	if o != OrderDirectionAsc && o != OrderDirectionDesc {
		return fmt.Errorf("%s is not a valid OrderDirection", o)
	}
	return nil
}

func (o OrderDirection) String() string { return string(o) }

// OrderTermOption is the ent order option of the direction.
func (o OrderDirection) OrderTermOption() sql.OrderTermOption {
	if o == OrderDirectionAsc {
		return sql.OrderAsc()
	}
	return sql.OrderDesc()
}

// MarshalGQL writes the direction as a GraphQL enum value.
func (o OrderDirection) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(o))) }

// UnmarshalGQL reads ASC or DESC.
func (o *OrderDirection) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("order direction %T must be a string", v)
	}
	*o = OrderDirection(s)
	return o.Validate()
}

// Reverse is the other direction (used to page backwards).
func (o OrderDirection) Reverse() OrderDirection {
	if o == OrderDirectionDesc {
		return OrderDirectionAsc
	}
	return OrderDirectionDesc
}

// PageInfo of a connection.
type PageInfo[T any] struct {
	HasNextPage     bool       `json:"hasNextPage"`
	HasPreviousPage bool       `json:"hasPreviousPage"`
	StartCursor     *Cursor[T] `json:"startCursor"`
	EndCursor       *Cursor[T] `json:"endCursor"`
}

// Cursor of an edge: the row's id and, when the list is ordered by another
// field, that field's value (a list of values for several fields).
type Cursor[T any] struct {
	ID    T         `msgpack:"i"`
	Value ent.Value `msgpack:"v,omitempty"`
}

var cursorEncoding = base64.RawStdEncoding

// MarshalGQL writes the cursor as a quoted opaque string.
func (c Cursor[T]) MarshalGQL(w io.Writer) {
	raw, err := msgpack.Marshal(c)
	if err != nil { // only for values msgpack cannot encode, which ent never puts here
		_, _ = io.WriteString(w, `""`)
		return
	}
	buf := make([]byte, 0, cursorEncoding.EncodedLen(len(raw))+2)
	buf = append(buf, '"')
	buf = cursorEncoding.AppendEncode(buf, raw)
	buf = append(buf, '"')
	_, _ = w.Write(buf)
}

// UnmarshalGQL reads a cursor written by MarshalGQL.
func (c *Cursor[T]) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("%T is not a string", v)
	}
	raw, err := cursorEncoding.DecodeString(s)
	if err == nil {
		err = msgpack.Unmarshal(raw, c)
	}
	if err != nil {
		return fmt.Errorf("cannot decode cursor: %w", err)
	}
	return nil
}

// idPredicate keeps the rows after the cursor's id in the direction.
func idPredicate(idField string, id any, direction OrderDirection) func(*sql.Selector) {
	if direction == OrderDirectionAsc {
		return sql.FieldGT(idField, id)
	}
	return sql.FieldLT(idField, id)
}

// CursorsPredicate keeps the rows strictly between the cursors of a list
// ordered by field (then id) in direction.
func CursorsPredicate[T any](after, before *Cursor[T], idField, field string, direction OrderDirection) []func(*sql.Selector) {
	var ps []func(*sql.Selector)
	for _, c := range []*Cursor[T]{after, before} {
		if c == nil {
			continue
		}
		if c.Value == nil {
			ps = append(ps, idPredicate(idField, c.ID, direction))
			continue
		}
		compare := sql.CompositeLT
		if direction == OrderDirectionAsc {
			compare = sql.CompositeGT
		}
		ps = append(ps, func(s *sql.Selector) {
			s.Where(sql.P(func(b *sql.Builder) {
				column := s.C(field)
				// An order term may select a joined expression under the
				// field's name: use it when it is the only match.
				if m := s.FindSelection(field); len(m) == 1 {
					column = m[0]
				}
				b.Join(compare([]string{column, s.C(idField)}, c.Value, c.ID))
			}))
		})
	}
	return ps
}

// MultiCursorsOptions describe a list ordered by several fields.
type MultiCursorsOptions struct {
	FieldID     string           // the id column
	DirectionID OrderDirection   // the id's direction
	Fields      []string         // the order fields, in order
	Directions  []OrderDirection // their directions
}

// MultiCursorsPredicate keeps the rows strictly between the cursors of a list
// ordered by several fields.
func MultiCursorsPredicate[T any](after, before *Cursor[T], opts *MultiCursorsOptions) ([]func(*sql.Selector), error) {
	var ps []func(*sql.Selector)
	for _, c := range []*Cursor[T]{after, before} {
		if c == nil {
			continue
		}
		if c.Value == nil {
			ps = append(ps, idPredicate(opts.FieldID, c.ID, opts.DirectionID))
			continue
		}
		p, err := rowAfter(c, opts)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// rowAfter is the lexicographic "after" of a row value: for x DESC, y ASC
// and the cursor (x1, y1, id1): x < x1 OR (x = x1 AND y > y1) OR (x = x1 AND
// y = y1 AND id > id1). The id is added when the order does not end in it.
func rowAfter[T any](c *Cursor[T], opts *MultiCursorsOptions) (func(*sql.Selector), error) {
	values, ok := c.Value.([]any)
	if !ok {
		return nil, fmt.Errorf("cursor %T is not a slice", c.Value)
	}
	if len(values) != len(opts.Fields) {
		return nil, fmt.Errorf("cursor values length %d do not match orderBy fields length %d", len(values), len(opts.Fields))
	}
	if len(opts.Directions) != len(opts.Fields) {
		return nil, fmt.Errorf("orderBy directions length %d do not match orderBy fields length %d", len(opts.Directions), len(opts.Fields))
	}
	fields, dirs := opts.Fields, opts.Directions
	if !slices.Contains(fields, opts.FieldID) {
		values = append(slices.Clip(values), c.ID)
		fields = append(slices.Clip(fields), opts.FieldID)
		dirs = append(slices.Clip(dirs), opts.DirectionID)
	}
	return func(s *sql.Selector) {
		or := make([]*sql.Predicate, 0, len(fields))
		for i := range fields {
			and := make([]*sql.Predicate, 0, i+1)
			for j := range i {
				and = append(and, sql.EQ(s.C(fields[j]), values[j]))
			}
			if dirs[i] == OrderDirectionAsc {
				and = append(and, sql.GT(s.C(fields[i]), values[i]))
			} else {
				and = append(and, sql.LT(s.C(fields[i]), values[i]))
			}
			or = append(or, sql.And(and...))
		}
		s.Where(sql.Or(or...))
	}, nil
}

// LimitPerRow limits a query of edges to limit rows per partitionBy value (the
// nested connections of many parents in one statement), with ROW_NUMBER()
// over the given order; on SQLite, with the parents' keys recorded by
// InPartitions, as a limited correlated subquery per key (limitPerParent).
func LimitPerRow(partitionBy string, limit int, orderBy ...sql.Querier) func(*sql.Selector) {
	return func(s *sql.Selector) {
		if limitPerParent(s, partitionBy, limit, orderBy) {
			return
		}
		d := sql.Dialect(s.Dialect())
		s.SetDistinct(false)
		with := d.With("src_query").As(s.Clone()).
			With("limited_query").As(
			d.Select("*").
				AppendSelectExprAs(sql.RowNumber().PartitionBy(partitionBy).OrderExpr(orderBy...), "row_number").
				From(d.Table("src_query")),
		)
		t := d.Table("limited_query").As(s.TableName())
		*s = *d.Select(s.UnqualifiedColumns()...).
			From(t).
			Where(sql.LTE(t.C("row_number"), limit)).
			Prefix(with)
	}
}

// ErrNodeNotFound is the error of node(id:)/nodes(ids:) for an id that
// resolves to nothing the viewer may see.
func ErrNodeNotFound(id any) *gqlerror.Error {
	err := gqlerror.Errorf("Could not resolve to a node with the global id of '%v'", id)
	errcode.Set(err, "NOT_FOUND")
	return err
}
