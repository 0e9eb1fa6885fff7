package relay_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/opsgraph/opsgraph/relay"
)

// TestCursorMatchesEntgql: cursors are written byte for byte as entgql writes
// them and each side reads the other's, so cursors clients hold survive the
// switch from entgql's run-time package.
func TestCursorMatchesEntgql(t *testing.T) {
	for _, c := range []struct {
		name  string
		id    int
		value any
	}{
		{"id only", 42, nil},
		{"string value", 7, "草莓"},
		{"int value", 1 << 40, int64(-5)},
		{"time value", 3, time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC).Format(time.RFC3339Nano)},
		{"multi-field value", 9, []any{"a", int64(3)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var ours, theirs bytes.Buffer
			relay.Cursor[int]{ID: c.id, Value: c.value}.MarshalGQL(&ours)
			entgql.Cursor[int]{ID: c.id, Value: c.value}.MarshalGQL(&theirs)
			if ours.String() != theirs.String() {
				t.Fatalf("ours %s, entgql %s", ours.String(), theirs.String())
			}
			s := strings.Trim(theirs.String(), `"`)
			var back relay.Cursor[int]
			if err := back.UnmarshalGQL(s); err != nil || back.ID != c.id {
				t.Fatalf("reading entgql's cursor: %+v %v", back, err)
			}
			var other entgql.Cursor[int]
			if err := other.UnmarshalGQL(strings.Trim(ours.String(), `"`)); err != nil || other.ID != c.id {
				t.Fatalf("entgql reading ours: %+v %v", other, err)
			}
		})
	}
	var c relay.Cursor[int]
	for _, bad := range []any{"", "!!!", "bm90IG1zZ3BhY2s", 12} {
		if err := c.UnmarshalGQL(bad); err == nil {
			t.Errorf("cursor %v accepted", bad)
		}
	}
}

// TestPredicatesMatchEntgql: the cursor predicates build the same SQL.
func TestPredicatesMatchEntgql(t *testing.T) {
	build := func(ps []func(*sql.Selector)) (string, []any) {
		s := sql.Dialect(dialect.Postgres).Select("*").From(sql.Table("products"))
		for _, p := range ps {
			p(s)
		}
		return s.Query()
	}
	same := func(t *testing.T, ours, theirs []func(*sql.Selector)) {
		t.Helper()
		q1, a1 := build(ours)
		q2, a2 := build(theirs)
		if q1 != q2 || len(a1) != len(a2) {
			t.Fatalf("ours %s %v\nentgql %s %v", q1, a1, q2, a2)
		}
		if q1 == `SELECT * FROM "products"` {
			t.Fatal("no predicate built")
		}
	}
	for _, dir := range []string{"ASC", "DESC"} {
		t.Run(dir, func(t *testing.T) {
			after := &relay.Cursor[int]{ID: 5, Value: "m"}
			before := &relay.Cursor[int]{ID: 9}
			same(t,
				relay.CursorsPredicate(after, before, "id", "name", relay.OrderDirection(dir)),
				entgql.CursorsPredicate(&entgql.Cursor[int]{ID: 5, Value: "m"}, &entgql.Cursor[int]{ID: 9}, "id", "name", entgql.OrderDirection(dir)))

			ours, err := relay.MultiCursorsPredicate(&relay.Cursor[int]{ID: 5, Value: []any{"m", int64(2)}}, nil, &relay.MultiCursorsOptions{
				FieldID: "id", DirectionID: relay.OrderDirection(dir), Fields: []string{"name", "rank"},
				Directions: []relay.OrderDirection{relay.OrderDirectionDesc, relay.OrderDirection(dir)},
			})
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := entgql.MultiCursorsPredicate(&entgql.Cursor[int]{ID: 5, Value: []any{"m", int64(2)}}, nil, &entgql.MultiCursorsOptions{
				FieldID: "id", DirectionID: entgql.OrderDirection(dir), Fields: []string{"name", "rank"},
				Directions: []entgql.OrderDirection{entgql.OrderDirectionDesc, entgql.OrderDirection(dir)},
			})
			if err != nil {
				t.Fatal(err)
			}
			same(t, ours, theirs)
		})
	}
	if _, err := relay.MultiCursorsPredicate(&relay.Cursor[int]{ID: 1, Value: []any{"x"}}, nil, &relay.MultiCursorsOptions{
		FieldID: "id", Fields: []string{"a", "b"}, Directions: []relay.OrderDirection{"ASC", "ASC"}}); err == nil {
		t.Error("a cursor with fewer values than order fields was accepted")
	}

	q1, _ := build([]func(*sql.Selector){relay.LimitPerRow("store_id", 3, sql.ExprP("id"))})
	q2, _ := build([]func(*sql.Selector){entgql.LimitPerRow("store_id", 3, sql.ExprP("id"))})
	if q1 != q2 || !strings.Contains(q1, "ROW_NUMBER()") {
		t.Fatalf("LimitPerRow: ours %s\nentgql %s", q1, q2)
	}
}

func TestOrderDirection(t *testing.T) {
	var d relay.OrderDirection
	for in, ok := range map[any]bool{"ASC": true, "DESC": true, "asc": false, "": false, 1: false} {
		if err := d.UnmarshalGQL(in); (err == nil) != ok {
			t.Errorf("%v: err %v", in, err)
		}
	}
	if relay.OrderDirectionAsc.Reverse() != relay.OrderDirectionDesc || relay.OrderDirectionDesc.Reverse() != relay.OrderDirectionAsc {
		t.Error("Reverse")
	}
	if e := relay.ErrNodeNotFound(7); e.Extensions["code"] != "NOT_FOUND" {
		t.Errorf("ErrNodeNotFound code %v", e.Extensions)
	}
}
