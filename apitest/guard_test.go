package apitest

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/opsgraph/opsgraph/graph"
	"github.com/opsgraph/opsgraph/graph/generated"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// publicFields are the only root fields usable without signing in.
var publicFields = []string{"Mutation.acceptInvitation", "Mutation.login"}

// loadSchema parses the committed SDL (graph/*.graphql).
func loadSchema(t testing.TB) *ast.Schema {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "graph", "*.graphql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no schema files found: %v", err)
	}
	var srcs []*ast.Source
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, &ast.Source{Name: f, Input: string(b)})
	}
	s, err := gqlparser.LoadSchema(srcs...)
	if err != nil {
		t.Fatalf("parse schema: %v", err)
	}
	return s
}

// rootField is a Query, Mutation or Subscription field.
type rootField struct {
	Op  string // Query, Mutation, Subscription
	Def *ast.FieldDefinition
}

func (f rootField) Key() string { return f.Op + "." + f.Def.Name }

// rootFields lists every root field of s except introspection.
func rootFields(s *ast.Schema) []rootField {
	var out []rootField
	for _, root := range []struct {
		op  string
		def *ast.Definition
	}{{"Query", s.Query}, {"Mutation", s.Mutation}, {"Subscription", s.Subscription}} {
		if root.def == nil {
			continue
		}
		for _, f := range root.def.Fields {
			if !strings.HasPrefix(f.Name, "__") {
				out = append(out, rootField{root.op, f})
			}
		}
	}
	return out
}

// TestEveryRootFieldHasARule is the guard that cannot be forgotten: a root
// field added without an entry in graph/rules.go fails here (and is refused
// at run time), and only login and acceptInvitation may be public.
func TestEveryRootFieldHasARule(t *testing.T) {
	sdl := loadSchema(t)
	served := generated.NewExecutableSchema(generated.Config{}).Schema()
	seen := map[string]bool{}
	var public []string
	for _, s := range []*ast.Schema{sdl, served} {
		for _, f := range rootFields(s) {
			if seen[f.Key()] {
				continue
			}
			seen[f.Key()] = true
			pub, ok := graph.RuleFor(f.Key())
			if !ok {
				t.Errorf("%s has no authorization rule in graph/rules.go", f.Key())
			}
			if pub {
				public = append(public, f.Key())
			}
		}
	}
	if len(seen) < 50 {
		t.Fatalf("found only %d root fields; is the schema complete?", len(seen))
	}
	sort.Strings(public)
	if !slices.Equal(public, publicFields) {
		t.Errorf("public root fields = %v, want exactly %v", public, publicFields)
	}
	for _, k := range graph.RuleFields() {
		if !seen[k] {
			t.Errorf("graph/rules.go has a rule for %s, which is not in the schema", k)
		}
	}
	// The SDL files and the compiled schema agree.
	for _, f := range rootFields(sdl) {
		if d := served.Types[f.Op]; d == nil || d.Fields.ForName(f.Def.Name) == nil {
			t.Errorf("%s is in graph/*.graphql but not in the generated schema; run go tool gqlgen generate", f.Key())
		}
	}
}

// minimalCall builds an operation calling f with every required argument set
// to a valid literal and selecting only __typename.
func minimalCall(s *ast.Schema, f rootField) string {
	var args []string
	for _, a := range f.Def.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil {
			args = append(args, a.Name+": "+literal(s, a.Type, 0))
		}
	}
	call := f.Def.Name
	if len(args) > 0 {
		call += "(" + strings.Join(args, ", ") + ")"
	}
	if d := s.Types[f.Def.Type.Name()]; d != nil && (d.Kind == ast.Object || d.Kind == ast.Interface || d.Kind == ast.Union) {
		call += " { __typename }"
	}
	return strings.ToLower(f.Op) + " { " + call + " }"
}

// literal is a valid GraphQL literal of type t.
func literal(s *ast.Schema, t *ast.Type, depth int) string {
	if t.Elem != nil {
		return "[" + literal(s, t.Elem, depth) + "]"
	}
	d := s.Types[t.NamedType]
	switch d.Kind {
	case ast.Enum:
		return d.EnumValues[0].Name
	case ast.InputObject:
		var fs []string
		for _, f := range d.Fields {
			if f.Type.NonNull && f.DefaultValue == nil && depth < 5 {
				fs = append(fs, f.Name+": "+literal(s, f.Type, depth+1))
			}
		}
		return "{" + strings.Join(fs, ", ") + "}"
	}
	switch t.NamedType {
	case "Int":
		return "1"
	case "Float":
		return "1.5"
	case "Boolean":
		return "true"
	case "ID":
		return `"1"`
	case "Time":
		return `"2030-01-01T00:00:00Z"`
	case "Map":
		return "{}"
	}
	return `"1"`
}

// TestUnauthenticatedEveryDataField calls every non-public root field with
// minimal arguments, without a token and with an invalid one: each answers
// UNAUTHENTICATED and nothing else.
func TestUnauthenticatedEveryDataField(t *testing.T) {
	s := loadSchema(t)
	env := testenv.New(t, testenv.SQLite)
	org := env.Org(t, "Brand", 0)
	owner := env.SeedUser(t, "owner@brand.test", testenv.Grant{Org: org, Role: "owner"})
	seedTenant(t, env, org, owner, "A")
	before := snapshot(t, env, org, false)
	n := 0
	for _, f := range rootFields(s) {
		if pub, _ := graph.RuleFor(f.Key()); pub {
			continue
		}
		n++
		op := minimalCall(s, f)
		for _, tok := range []string{"", "ogs_not-a-real-session", "ogt_not-a-real-token"} {
			res := env.Do(t, testenv.Request{Query: op, Token: tok})
			if len(res.Errors) == 0 {
				t.Errorf("%s (token %q): no error, data %s", op, tok, res.Data)
				continue
			}
			for _, e := range res.Errors {
				if e.Code() != "UNAUTHENTICATED" {
					t.Errorf("%s (token %q): %s %q, want UNAUTHENTICATED", op, tok, e.Code(), e.Message)
				}
			}
			if d := strings.TrimSpace(string(res.Data)); d != "null" && d != "" && strings.Contains(d, "{\"__typename\"") {
				t.Errorf("%s (token %q): data returned: %s", op, tok, d)
			}
		}
	}
	if n < 50 {
		t.Errorf("only %d data fields called", n)
	}
	// A malformed Authorization header is no better than none.
	res := env.Do(t, testenv.Request{Query: `{ stores { totalCount } }`, Header: map[string][]string{"Authorization": {"Basic b3duZXI6cGFzcw=="}}})
	wantCode(t, res, "UNAUTHENTICATED")
	if after := snapshot(t, env, org, false); after != before {
		t.Errorf("unauthenticated calls changed data: %s", diffLines(before, after))
	}
}
