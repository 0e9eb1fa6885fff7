// Command printschema writes the server's whole GraphQL schema, as gqlgen
// compiled it, to one SDL file (schema.graphql at the module root) for console
// teams and their code generators. `go generate ./...` runs it after gqlgen, so
// CI's no-diff check keeps the file in step with graph/*.graphql.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"

	"github.com/opsgraph/opsgraph/graph/generated"
)

const header = `# OpsGraph GraphQL schema, printed by "go generate ./..." (internal/cmd/printschema).
# Do not edit: change graph/*.graphql or ent/schema and regenerate.
#
# Custom scalars (see their descriptions below):
#   Time   - RFC 3339 string, e.g. "2026-12-02T10:15:00Z"
#   Cursor - opaque string from edges.cursor / pageInfo, passed back as after/before
#   Map    - JSON object
# Money amounts are objects (Money { amount currency }), amount a decimal string, never a float.

`

// withoutGoDirectives drops gqlgen's code-generation directives (@goField,
// @goModel …): they configure the server's Go code and mean nothing to clients.
func withoutGoDirectives(s *ast.Schema) *ast.Schema {
	isGo := func(d *ast.Directive) bool { return strings.HasPrefix(d.Name, "go") }
	for name := range s.Directives {
		if strings.HasPrefix(name, "go") {
			delete(s.Directives, name)
		}
	}
	for _, def := range s.Types {
		def.Directives = slices.DeleteFunc(def.Directives, isGo)
		for _, f := range def.Fields {
			f.Directives = slices.DeleteFunc(f.Directives, isGo)
			for _, a := range f.Arguments {
				a.Directives = slices.DeleteFunc(a.Directives, isGo)
			}
		}
		for _, v := range def.EnumValues {
			v.Directives = slices.DeleteFunc(v.Directives, isGo)
		}
	}
	return s
}

func main() {
	out := flag.String("o", "schema.graphql", "file to write")
	flag.Parse()
	var b bytes.Buffer
	b.WriteString(header)
	formatter.NewFormatter(&b, formatter.WithIndent("  ")).FormatSchema(withoutGoDirectives(generated.NewExecutableSchema(generated.Config{}).Schema()))
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "printschema:", err)
		os.Exit(1)
	}
}
