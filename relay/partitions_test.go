package relay_test

import (
	"database/sql/driver"
	"slices"
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"github.com/opsgraph/opsgraph/relay"
)

// TestLimitPerParent checks when LimitPerRow takes the per-parent form and
// what it binds: on SQLite with the loader's keys, the keys as one JSON array
// and a correlated subquery with the partition column bound to each;
// otherwise the window.
func TestLimitPerParent(t *testing.T) {
	keys := func(n int) []driver.Value {
		k := make([]driver.Value, n)
		for i := range k {
			k[i] = 100 + i
		}
		return k
	}
	build := func(d, partitionBy string, ks []driver.Value) (string, []any) {
		s := sql.Dialect(d).Select("id", "name", "product_id").From(sql.Table("skus"))
		s.Where(sql.EQ(s.C("organization_id"), 7))
		if ks != nil {
			relay.InPartitions(s, "product_id", ks)
		}
		relay.LimitPerRow(partitionBy, 3, sql.ExprP("`name` DESC, `id` ASC"))(s)
		return s.Query()
	}
	for _, tc := range []struct {
		name, dialect, partitionBy string
		keys                       []driver.Value
		perParent                  bool
		json                       string
	}{
		{"sqlite with keys", dialect.SQLite, "product_id", keys(3), true, "[100,101,102]"},
		{"sqlite, one key", dialect.SQLite, "product_id", keys(1), true, "[100]"},
		{"sqlite without keys", dialect.SQLite, "product_id", nil, false, ""},
		{"sqlite, empty keys", dialect.SQLite, "product_id", keys(0), false, ""},
		{"sqlite, keys of another column", dialect.SQLite, "store_id", keys(3), false, ""},
		{"postgres", dialect.Postgres, "product_id", keys(3), false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, args := build(tc.dialect, tc.partitionBy, tc.keys)
			if got := strings.Contains(q, "json_each(?)"); got != tc.perParent || got == strings.Contains(q, "ROW_NUMBER()") {
				t.Fatalf("per parent %v, want %v: %s", got, tc.perParent, q)
			}
			if !tc.perParent {
				return
			}
			for _, part := range []string{
				"`skus`.`product_id` = `partitions`.`partition_key` ORDER BY `name` DESC, `id` ASC LIMIT 3)",
				") ORDER BY `name` DESC, `id` ASC)",
			} {
				if !strings.Contains(q, part) {
					t.Fatalf("no %q in %s", part, q)
				}
			}
			if strings.Contains(q, " IN (?") {
				t.Fatalf("the keys' IN list is still there: %s", q)
			}
			if want := []any{tc.json, 7}; !slices.Equal(args, want) {
				t.Fatalf("args %v, want %v", args, want)
			}
		})
	}
	// Without LimitPerRow the loader's restriction is sql.InValues.
	s := sql.Dialect(dialect.SQLite).Select("id").From(sql.Table("skus"))
	relay.InPartitions(s, "product_id", keys(2))
	r := sql.Dialect(dialect.SQLite).Select("id").From(sql.Table("skus"))
	r.Where(sql.InValues(r.C("product_id"), keys(2)...))
	if q1, _ := s.Query(); q1 != func() string { q, _ := r.Query(); return q }() {
		t.Fatalf("InPartitions %s", q1)
	}
}
