package apitest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/schema/readscope"
	"github.com/opsgraph/opsgraph/graph/generated"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// agencyWorld is an agency with two client brands, A and B, one object of
// every kind in each, links planted from B's records to A's (which the API
// would refuse to create), and a Brand B owner who is not an agency member.
type agencyWorld struct {
	env    *testenv.Env
	a, b   *fixture
	tokB   string
	agency int
	aIDs   []int // every id of Brand A and of the agency
}

func newAgencyWorld(t *testing.T, be testenv.Backend) *agencyWorld {
	t.Helper()
	env := testenv.New(t, be)
	agency := env.Org(t, "Agency", 0)
	orgA, orgB := env.Org(t, "Brand A", agency), env.Org(t, "Brand B", agency)
	ownerA := env.SeedUser(t, "owner@a.test", testenv.Grant{Org: orgA, Role: authz.RoleOwner})
	ownerB := env.SeedUser(t, "service@b.test", testenv.Grant{Org: orgB, Role: authz.RoleOwner})
	w := &agencyWorld{env: env, agency: agency}
	w.a = seedTenant(t, env, orgA, ownerA, "A")
	w.b = seedTenant(t, env, orgB, ownerB, "B")
	for _, q := range []string{
		fmt.Sprintf("UPDATE suppliers SET contact_phone = '020-5550100' WHERE id = %d", w.a.Supplier),
		fmt.Sprintf("UPDATE products SET supplier_id = %d WHERE id = %d", w.a.Supplier, w.b.Product2),
		fmt.Sprintf("UPDATE collaborations SET campaign_id = %d, content_id = %d WHERE id = %d", w.a.Campaign, w.a.Content, w.b.Collab2),
		fmt.Sprintf("UPDATE order_lines SET sku_id = %d WHERE id = %d", w.a.SKU, w.b.OrderLine2),
		fmt.Sprintf("UPDATE contents SET author_id = %d WHERE id = %d", ownerA, w.b.Content2),
	} {
		if _, err := env.Client.ExecContext(sys, q); err != nil {
			t.Fatalf("plant %q: %v", q, err)
		}
	}
	w.aIDs = append([]int{agency, orgA, ownerA}, w.a.allIDs...)
	w.tokB = env.Login(t, "service@b.test")
	return w
}

// TestRelationFilterAcrossTenants is finding 1 of issue 7 as reported: a
// relation filter through the agency must not tell a Brand B user anything
// about Brand A's suppliers, by rows or by totalCount.
func TestRelationFilterAcrossTenants(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, be testenv.Backend) {
		w := newAgencyWorld(t, be)
		q := `query($p: String!) { organizations(first: 1, where: {hasParentWith: [{hasClientsWith: [{name: "Brand A",
			hasSuppliersWith: [{contactPhoneHasPrefix: $p}]}]}]}) { totalCount } }`
		counts := map[string]int{}
		for _, prefix := range []string{"020-", "999-"} {
			var out struct{ Organizations struct{ TotalCount int } }
			mustOK(t, w.env, w.tokB, q, map[string]any{"p": prefix}, &out)
			counts[prefix] = out.Organizations.TotalCount
		}
		if counts["020-"] != 0 || counts["999-"] != 0 {
			t.Errorf("totalCount depends on Brand A's supplier phones: %v", counts)
		}
	})
}

// TestEveryEntityHasAReadScope fails when ent's privacy runtime is not
// registered (no policies, so relation predicates would match nothing or,
// worse, everything) or an entity has no scope for relation predicates.
func TestEveryEntityHasAReadScope(t *testing.T) {
	s := generated.NewExecutableSchema(generated.Config{}).Schema()
	got := readscope.Registered()
	for name, d := range s.Types {
		if d.Kind == ast.Object && d.Interfaces != nil && slices.Contains(d.Interfaces, "Node") && !slices.Contains(got, name) {
			t.Errorf("entity %s has no read scope", name)
		}
	}
	// With the runtime registered, an anonymous context is denied: the
	// scope of every entity matches no row rather than every row.
	for _, name := range got {
		scope := readscope.Lookup(name)
		if ps, err := scope(sys); err != nil || len(ps) != 0 {
			t.Errorf("%s: system context got %d predicates, %v; is ent/runtime imported?", name, len(ps), err)
		}
		if _, err := scope(context.Background()); err == nil {
			t.Errorf("%s: a context without viewer may read rows", name)
		}
	}
}

// wherePath is a chain of relation predicates from a root connection.
type wherePath struct {
	root  string   // root connection field
	edges []string // has…With field names
}

func (p wherePath) filter(leaf string) string {
	f := leaf
	for i := len(p.edges) - 1; i >= 0; i-- {
		f = "{" + p.edges[i] + ": [" + f + "]}"
	}
	return f
}

// wherePaths lists every chain of has…With predicates up to depth from every
// root connection with a where argument, learnt from the served schema.
func wherePaths(s *ast.Schema, depth int) []wherePath {
	var out []wherePath
	var walk func(root string, typ *ast.Definition, edges []string)
	walk = func(root string, typ *ast.Definition, edges []string) {
		if len(edges) > 0 {
			out = append(out, wherePath{root, slices.Clone(edges)})
		}
		if len(edges) == depth {
			return
		}
		for _, f := range typ.Fields {
			if strings.HasPrefix(f.Name, "has") && strings.HasSuffix(f.Name, "With") {
				walk(root, s.Types[f.Type.Name()], append(edges, f.Name))
			}
		}
	}
	for _, f := range s.Query.Fields {
		if a := f.Arguments.ForName("where"); a != nil && strings.HasSuffix(f.Type.Name(), "Connection") {
			walk(f.Name, s.Types[a.Type.Name()], nil)
		}
	}
	return out
}

// TestTenantGuardWholeSchema walks the whole served schema as a Brand B owner
// against planted Brand A rows: every where path through relations (depth 3),
// every root connection with totalCount, node and nodes, and every mutation
// taking an id. No Brand A id comes back, no count depends on Brand A's rows,
// and Brand A's data is unchanged.
func TestTenantGuardWholeSchema(t *testing.T) {
	s := generated.NewExecutableSchema(generated.Config{}).Schema()
	testenv.ForEach(t, func(t *testing.T, be testenv.Backend) {
		w := newAgencyWorld(t, be)
		env := w.env
		before := snapshot(t, env, w.a.Org, false)
		foreign := func(what string, raw []byte) {
			t.Helper()
			if leaked := intersect(ids(raw), w.aIDs); len(leaked) > 0 {
				t.Errorf("%s: Brand A ids %v in %s", what, leaked, raw)
			}
		}
		aList := make([]string, len(w.aIDs))
		for i, id := range w.aIDs {
			aList[i] = fmt.Sprintf("%q", sid(id))
		}
		leafA := "{idIn: [" + strings.Join(aList, ", ") + "]}"
		leafNone := `{idIn: ["0"]}`

		t.Run("where", func(t *testing.T) {
			paths := wherePaths(s, 3)
			if len(paths) < 100 {
				t.Fatalf("only %d where paths found", len(paths))
			}
			// Batches of aliases keep the request count low.
			const batch = 40 // under the root-field limit
			for i := 0; i < len(paths); i += batch {
				chunk := paths[i:min(i+batch, len(paths))]
				run := func(leaf string) map[string]any {
					var sb strings.Builder
					sb.WriteString("{")
					for j, p := range chunk {
						fmt.Fprintf(&sb, " p%d: %s(where: %s) { totalCount }", j, p.root, p.filter(leaf))
					}
					sb.WriteString(" }")
					var out map[string]any
					mustOK(t, env, w.tokB, sb.String(), nil, &out)
					return out
				}
				withA, without := run(leafA), run(leafNone)
				for j, p := range chunk {
					k := fmt.Sprintf("p%d", j)
					if fmt.Sprint(withA[k]) != fmt.Sprint(without[k]) {
						t.Errorf("%s(where: %s): totalCount %v with Brand A's ids, %v without", p.root, p.filter("…"), withA[k], without[k])
					}
				}
			}
			t.Logf("%d where paths checked", len(paths))
		})

		t.Run("connections", func(t *testing.T) {
			n := 0
			for _, f := range s.Query.Fields {
				if !strings.HasSuffix(f.Type.Name(), "Connection") {
					continue
				}
				n++
				q := fmt.Sprintf("{ %s(first: 100) { totalCount edges { node { id } } } }", f.Name)
				var out map[string]struct {
					TotalCount int
					Edges      []struct{ Node struct{ ID string } }
				}
				res := gql(t, env, w.tokB, q, nil)
				foreign(f.Name, res.Data)
				if len(res.Errors) > 0 {
					continue // needs arguments; the where walk covers it
				}
				res.Decode(t, &out)
				if c := out[f.Name]; c.TotalCount != len(c.Edges) {
					t.Errorf("%s: totalCount %d but %d rows readable", f.Name, c.TotalCount, len(c.Edges))
				}
			}
			if n < 10 {
				t.Errorf("only %d connections", n)
			}
		})

		t.Run("node", func(t *testing.T) {
			res := gql(t, env, w.tokB, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, vars("ids", w.aIDs))
			foreign("nodes", res.Data)
			for _, id := range w.aIDs {
				res := gql(t, env, w.tokB, `query($id: ID!) { node(id: $id) { id } }`, vars("id", id))
				foreign("node", res.Data)
			}
		})

		t.Run("subscriptions", func(t *testing.T) {
			ws := wsDial(t, env)
			if got := ws.initWith(w.tokB); got != "connection_ack" {
				t.Fatalf("init: %s", got)
			}
			n := 0
			for _, f := range s.Subscription.Fields {
				for _, a := range f.Arguments {
					if a.Type.Name() != "ID" || a.Type.Elem != nil {
						continue
					}
					n++
					for _, id := range w.aIDs {
						q := fmt.Sprintf("subscription($id: ID!) { %s(%s: $id) { __typename } }", f.Name, a.Name)
						res := ws.do(q, vars("id", id))
						foreign(f.Name, res.Data)
						if len(res.Errors) == 0 {
							t.Errorf("%s(%s: Brand A's %d) answered %s", f.Name, a.Name, id, res.Data)
						}
					}
				}
			}
			if n == 0 {
				t.Error("no subscription takes an id")
			}
		})

		t.Run("mutations", func(t *testing.T) {
			n := 0
			for _, f := range s.Mutation.Fields {
				var idArgs []string
				for _, a := range f.Arguments {
					if a.Type.Name() == "ID" && a.Type.Elem == nil {
						idArgs = append(idArgs, a.Name)
					}
				}
				if len(idArgs) == 0 {
					continue
				}
				n++
				for _, id := range w.aIDs {
					op := mutationWithID(s, f, idArgs, sid(id))
					res := gql(t, env, w.tokB, op, nil)
					foreign(f.Name, res.Data)
					for _, e := range res.Errors {
						if strings.Contains(e.Message, "Brand A") || strings.Contains(e.Message, "owner@a.test") {
							t.Errorf("%s: message names Brand A: %q", op, e.Message)
						}
					}
				}
			}
			if n < 10 {
				t.Errorf("only %d mutations take an id", n)
			}
			if after := snapshot(t, env, w.a.Org, false); after != before {
				t.Errorf("Brand B's mutations changed Brand A: %s", diffLines(before, after))
			}
		})
	})
}

// mutationWithID calls f with every id argument set to id and the other
// required arguments to valid literals, selecting ids where it can.
func mutationWithID(s *ast.Schema, f *ast.FieldDefinition, idArgs []string, id string) string {
	var args []string
	for _, a := range f.Arguments {
		switch {
		case slices.Contains(idArgs, a.Name):
			args = append(args, fmt.Sprintf("%s: %q", a.Name, id))
		case a.Type.NonNull && a.DefaultValue == nil:
			args = append(args, a.Name+": "+literal(s, a.Type, 0))
		}
	}
	call := f.Name
	if len(args) > 0 {
		call += "(" + strings.Join(args, ", ") + ")"
	}
	if d := s.Types[f.Type.Name()]; d != nil && (d.Kind == ast.Object || d.Kind == ast.Interface) {
		sel := "__typename"
		if d.Fields.ForName("id") != nil {
			sel += " id"
		}
		call += " { " + sel + " }"
	}
	return "mutation { " + call + " }"
}
