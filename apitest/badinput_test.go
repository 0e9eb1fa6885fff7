package apitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// introType is a type reference from introspection.
type introType struct {
	Kind   string     `json:"kind"`
	Name   string     `json:"name"`
	OfType *introType `json:"ofType"`
}

func (t *introType) named() *introType {
	for t.OfType != nil {
		t = t.OfType
	}
	return t
}

// gql renders the type as in a variable definition.
func (t *introType) gql() string {
	switch t.Kind {
	case "NON_NULL":
		return t.OfType.gql() + "!"
	case "LIST":
		return "[" + t.OfType.gql() + "]"
	}
	return t.Name
}

type introArg struct {
	Name string     `json:"name"`
	Type *introType `json:"type"`
}

type introField struct {
	Name string     `json:"name"`
	Args []introArg `json:"args"`
	Type *introType `json:"type"`
}

type introSchema struct {
	Query, Mutation string
	Types           map[string]struct {
		Kind        string       `json:"kind"`
		Fields      []introField `json:"fields"`
		InputFields []introArg   `json:"inputFields"`
	}
}

const typeRef = `kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`

// introspect learns the served schema through the API, as a client would.
func introspect(t *testing.T, env *testenv.Env, tok string) *introSchema {
	t.Helper()
	var out struct {
		Schema struct {
			QueryType    struct{ Name string }
			MutationType struct{ Name string }
			Types        []struct {
				Name        string       `json:"name"`
				Kind        string       `json:"kind"`
				Fields      []introField `json:"fields"`
				InputFields []introArg   `json:"inputFields"`
			}
		} `json:"__schema"`
	}
	mustOK(t, env, tok, `{ __schema { queryType { name } mutationType { name } types { name kind
		fields { name type { `+typeRef+` } args { name type { `+typeRef+` } } }
		inputFields { name type { `+typeRef+` } } } } }`, nil, &out)
	s := &introSchema{Query: out.Schema.QueryType.Name, Mutation: out.Schema.MutationType.Name, Types: map[string]struct {
		Kind        string       `json:"kind"`
		Fields      []introField `json:"fields"`
		InputFields []introArg   `json:"inputFields"`
	}{}}
	for _, ty := range out.Schema.Types {
		s.Types[ty.Name] = struct {
			Kind        string       `json:"kind"`
			Fields      []introField `json:"fields"`
			InputFields []introArg   `json:"inputFields"`
		}{ty.Kind, ty.Fields, ty.InputFields}
	}
	return s
}

// badValues are values of the wrong kind, out of range, huge, null or deeply
// nested for an argument of type t.
func badValues(s *introSchema, t *introType) map[string]any {
	huge := strings.Repeat("长", 200000)
	vals := map[string]any{
		"null":         nil,
		"huge string":  huge,
		"object":       map[string]any{"x": map[string]any{"y": []any{1, "2", nil}}},
		"number":       1e300,
		"negative":     -2147483649,
		"huge list":    make([]any, 20000),
		"empty string": "",
	}
	n := t.named()
	switch n.Name {
	case "ID":
		vals["not an id"] = "../../etc/passwd'; DROP TABLE users;--"
		vals["id out of range"] = "99999999999999999999999999"
		vals["negative id"] = "-1"
	case "Int":
		vals["int out of range"] = 1 << 40
		vals["float for int"] = 1.5
	case "Time":
		vals["bad time"] = "2030-13-45T99:99:99Z"
	}
	if d, ok := s.Types[n.Name]; ok && d.Kind == "INPUT_OBJECT" {
		deep := map[string]any{}
		cur := deep
		for range 60 {
			next := map[string]any{}
			cur["not"] = next
			cur = next
		}
		vals["deep nesting"] = deep
		fields := map[string]any{}
		for _, f := range d.InputFields {
			fields[f.Name] = huge[:1000]
		}
		vals["every field a string"] = fields
	}
	return vals
}

// TestBadInputEveryField learns the schema by introspection and sends wrong
// types, out-of-range numbers, huge strings and lists, nulls, deep nesting,
// alias floods and fragment bombs to every root field: no answer is a 5xx,
// every error has a code, no message carries Go or SQL internals, and the
// server still answers afterwards.
func TestBadInputEveryField(t *testing.T) {
	env := testenv.New(t, testenv.SQLite)
	org := env.Org(t, "Brand", 0)
	owner := env.SeedUser(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
	seedTenant(t, env, org, owner, "A")
	tok := env.Login(t, "owner@brand.test")
	s := introspect(t, env, tok)

	check := func(what string, status int, raw []byte) {
		t.Helper()
		if status >= 500 {
			t.Errorf("%s: HTTP %d: %.300s", what, status, raw)
		}
		var res testenv.Response
		if err := json.Unmarshal(raw, &res); err != nil {
			t.Errorf("%s: answer is not JSON: %.300s", what, raw)
			return
		}
		for _, e := range res.Errors {
			if e.Code() == "" || e.Code() == "INTERNAL" {
				t.Errorf("%s: error without a stable code: %q %q", what, e.Code(), e.Message)
			}
			if leaks(e.Message) {
				t.Errorf("%s: message leaks internals: %.300q", what, e.Message)
			}
		}
	}
	post := func(query string, vs map[string]any) (int, []byte) {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vs})
		return send(t, env, tok, body)
	}

	calls := 0
	for _, root := range []struct{ op, typ string }{{"query", s.Query}, {"mutation", s.Mutation}} {
		for _, f := range s.Types[root.typ].Fields {
			if strings.HasPrefix(f.Name, "__") || f.Name == "logout" {
				continue
			}
			sel := ""
			if k := s.Types[f.Type.named().Name].Kind; k == "OBJECT" || k == "INTERFACE" || k == "UNION" {
				sel = " { __typename }"
			}
			for _, a := range f.Args {
				var defs, args []string
				for _, b := range f.Args {
					defs = append(defs, fmt.Sprintf("$%s: %s", b.Name, b.Type.gql()))
					args = append(args, fmt.Sprintf("%s: $%s", b.Name, b.Name))
				}
				q := fmt.Sprintf("%s(%s) { %s(%s)%s }", root.op, strings.Join(defs, ", "), f.Name, strings.Join(args, ", "), sel)
				for name, v := range badValues(s, a.Type) {
					calls++
					status, raw := post(q, map[string]any{a.Name: v})
					check(fmt.Sprintf("%s.%s(%s: %s)", root.typ, f.Name, a.Name, name), status, raw)
				}
				// The same as literals, which gqlgen validates differently.
				for name, lit := range map[string]string{"literal string": `"x"`, "literal int": "99999999999", "literal object": "{a: 1}", "literal list": "[1, 2]"} {
					calls++
					status, raw := post(fmt.Sprintf("%s { %s(%s: %s)%s }", root.op, f.Name, a.Name, lit, sel), nil)
					check(fmt.Sprintf("%s.%s(%s: %s)", root.typ, f.Name, a.Name, name), status, raw)
				}
			}
		}
	}
	if calls < 1000 {
		t.Errorf("only %d bad calls made; is the schema complete?", calls)
	}
	for name, q := range map[string]string{
		"fragment bomb":   fragmentBomb(30),
		"alias flood":     aliasFlood(5000),
		"deep selections": "{ me " + strings.Repeat("{ memberships { organization ", 40) + "{ id }" + strings.Repeat(" } }", 40) + " }",
		"deep literal":    "{ stores(first: 1, where: " + strings.Repeat("{not: ", 500) + "{}" + strings.Repeat("}", 500) + ") { totalCount } }",
		"syntax error":    "{ me { id ",
		"unknown field":   "{ nope }",
	} {
		status, raw := post(q, nil)
		check(name, status, raw)
		if !strings.Contains(string(raw), `"errors"`) {
			t.Errorf("%s: no error: %.200s", name, raw)
		}
	}
	// Still answering.
	status, raw := post(`{ me { id } }`, nil)
	if status != http.StatusOK || !strings.Contains(string(raw), `"me"`) {
		t.Fatalf("the server no longer answers: %d %s", status, raw)
	}
	t.Logf("%d bad calls", calls)
}
