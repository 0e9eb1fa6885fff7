package graph

import (
	"testing"

	"entgo.io/ent/entc/gen"

	"github.com/opsgraph/opsgraph/ent/migrate"
)

// TestCamelMatchesEnt: error field names are the GraphQL names entgql gave the
// fields, for every column of the schema and a few shapes it has none of.
func TestCamelMatchesEnt(t *testing.T) {
	entCamel := gen.Funcs["camel"].(func(string) string)
	names := []string{"dsr_score", "store_id", "sku_id", "api_url", "full-admin", "user info", "name", "http_code", "utf8_text", "x"}
	for _, tbl := range migrate.Tables {
		for _, c := range tbl.Columns {
			names = append(names, c.Name)
		}
	}
	for _, n := range names {
		if got, want := camel(n), entCamel(n); got != want {
			t.Errorf("camel(%q) = %q, ent says %q", n, got, want)
		}
	}
	if len(names) < 100 {
		t.Fatalf("only %d names checked", len(names))
	}
}
