//go:build ignore

// entc.go generates the ent client and, through entgql, the GraphQL schema of the
// ent types (graph/ent.graphql). Run from the module root by `go generate ./...`.
package main

import (
	"log"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"github.com/vektah/gqlparser/v2/ast"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithConfigPath("./gqlgen.yml"),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("./graph/ent.graphql"),
		entgql.WithWhereInputs(true),
		entgql.WithRelaySpec(true),
		entgql.WithSchemaHook(moneyFields),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	err = entc.Generate("./ent/schema", &gen.Config{
		Target:  "./ent",
		Package: "github.com/opsgraph/opsgraph/ent",
		Features: []gen.Feature{
			gen.FeaturePrivacy,
			gen.FeatureEntQL,
			gen.FeatureIntercept,
			gen.FeatureNamedEdges,
			gen.FeatureUpsert,
			gen.FeatureLock,
			gen.FeatureModifier,
			gen.FeatureGlobalID,
			gen.FeatureExecQuery,
		},
	}, entc.Extensions(ex))
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}

// moneyFields types ent fields of Go type schematype.Money as the GraphQL object
// Money in output types and as MoneyInput in mutation inputs. entgql maps integer
// Go types to Int before it looks at custom models, so this hook fixes them up.
func moneyFields(g *gen.Graph, s *ast.Schema) error {
	for _, n := range g.Nodes {
		for _, f := range n.Fields {
			if f.Type.RType == nil || !strings.HasSuffix(f.Type.RType.Ident, "schematype.Money") {
				continue
			}
			name := gen.Funcs["camel"].(func(string) string)(f.Name)
			for typ, gql := range map[string]string{
				n.Name:                      "Money",
				"Create" + n.Name + "Input": "MoneyInput",
				"Update" + n.Name + "Input": "MoneyInput",
			} {
				def := s.Types[typ]
				if def == nil {
					continue
				}
				if fd := def.Fields.ForName(name); fd != nil {
					fd.Type = &ast.Type{NamedType: gql, NonNull: fd.Type.NonNull, Position: fd.Type.Position}
				}
			}
		}
	}
	return nil
}
