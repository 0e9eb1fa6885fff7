//go:build ignore

// entc.go generates the ent client and, through entgql, the GraphQL schema of the
// ent types (graph/ent.graphql). Run from the module root by `go generate ./...`.
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"log"
	"os"
	"path/filepath"
	"regexp"
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
		entgql.WithSchemaHook(moneyFields, scalarFormats, describe),
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
			gen.FeatureVersionedMigration,
		},
		// Relation predicates obey the neighbor's privacy policy (readscope).
		Templates: []*gen.Template{
			gen.MustParse(gen.NewTemplate("readscope").ParseFiles("./ent/template/readscope.tmpl")),
			gen.MustParse(gen.NewTemplate("dialect").ParseFiles("./ent/template/dialect.tmpl")),
			gen.MustParse(gen.NewTemplate("partitions").ParseFiles("./ent/template/partitions.tmpl")),
		},
	}, entc.Extensions(ex), entc.BuildTags("entgen"))
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
	if err := useRelayRuntime("./ent"); err != nil {
		log.Fatalf("pointing the generated code at relay/: %v", err)
	}
	if err := recordPartitions("./ent"); err != nil {
		log.Fatalf("recording the edge loaders' keys: %v", err)
	}
}

// useRelayRuntime points the generated code's run-time uses of entgql
// (cursors, page info, order direction, cursor predicates) at relay/,
// which has the same API without entgql's code generator (decision 0255).
// The schema reads its annotations through ent/schema/gqlann, real under
// the entgen build tag set above and inert otherwise.
func useRelayRuntime(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "gql_*.go"))
	if err != nil {
		return err
	}
	const from, to = `"entgo.io/contrib/entgql"`, `entgql "github.com/opsgraph/opsgraph/relay"`
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if !bytes.Contains(b, []byte(from)) {
			continue
		}
		// gofmt again: the import moves to its sorted place.
		out, err := format.Source(bytes.Replace(b, []byte(from), []byte(to), 1))
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		if err := os.WriteFile(f, out, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// moneyFields types ent fields of Go type schematype.Money as the GraphQL object
// Money in output types and as MoneyInput in mutation inputs. entgql maps integer
// Go types to Int before it looks at custom models, so this hook fixes them up.
// loaderIn is the predicate of ent's one-to-many edge loaders: the edge's
// foreign key in the parents' ids.
var loaderIn = regexp.MustCompile(`s\.Where\(sql\.InValues\(s\.C\((\w+\.\w+Column)\), fks\.\.\.\)\)`)

// recordPartitions rewrites the edge loaders of the generated queries to
// restrict through inPartitions (ent/template/partitions.tmpl), which records
// the parents' keys for the per-parent limit of nested connections
// (relay.LimitPerRow). It fails when ent's loaders no longer match, so an ent
// upgrade cannot silently lose it.
func recordPartitions(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*_query.go"))
	if err != nil {
		return err
	}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		out := loaderIn.ReplaceAll(b, []byte("inPartitions(s, $1, fks)"))
		if bytes.Equal(out, b) {
			continue
		}
		n += len(loaderIn.FindAll(b, -1))
		if err := os.WriteFile(f, out, 0o644); err != nil {
			return err
		}
	}
	if n == 0 {
		return fmt.Errorf("no edge loader matched %s: did ent change?", loaderIn)
	}
	return nil
}

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

// scalarFormats documents the wire format of the custom scalars, so that
// console code generators (graphql-codegen, Apollo, Relay) can map them.
func scalarFormats(_ *gen.Graph, s *ast.Schema) error {
	for name, text := range map[string]string{
		"Time": "A point in time as an RFC 3339 string with an offset and optional fractional seconds, " +
			"e.g. \"2026-12-02T10:15:00Z\" or \"2026-12-02T18:15:00.123+08:00\". Output is RFC 3339 in UTC or the stored offset.",
		"Cursor": "An opaque position in a connection: a string (base64) taken from edges.cursor or pageInfo " +
			"and passed back as after/before. Do not parse or build it; it is only valid with the same orderBy.",
		"Map": "A JSON object with string keys and any JSON values, sent and received as a plain object (not a string).",
	} {
		if def := s.Types[name]; def != nil {
			def.Description = text
		}
	}
	return nil
}

// describe gives every generated type, field and enum value a description, so
// that console teams reading GraphiQL never meet a bare name. Descriptions of
// entity types come from their schema.Comment; the rest follow the patterns
// entgql generates (connections, edges, orderings, where predicates, inputs).
func describe(g *gen.Graph, s *ast.Schema) error {
	comments := map[string]string{}
	for _, n := range g.Nodes {
		if c, ok := n.Annotations["Comment"].(map[string]any); ok {
			if text, ok := c["Text"].(string); ok {
				comments[n.Name] = text
			}
		}
	}
	for name, def := range s.Types {
		if def.BuiltIn {
			continue
		}
		if def.Description == "" {
			def.Description = typeDescription(name, comments)
		}
		for _, f := range def.Fields {
			if f.Description == "" {
				f.Description = fieldDescription(def, f.Name)
			}
			for _, a := range f.Arguments {
				if a.Description == "" {
					a.Description = argDescription(a.Name)
				}
			}
		}
		for _, v := range def.EnumValues {
			if v.Description == "" {
				v.Description = enumValueDescription(name, v.Name)
			}
		}
	}
	return nil
}

func typeDescription(name string, comments map[string]string) string {
	if c, ok := comments[name]; ok {
		return c
	}
	for _, p := range []struct{ prefix, suffix, text string }{
		{"", "Connection", "A page of %s objects (Relay cursor connection)."},
		{"", "Edge", "One %s in a connection, with its cursor."},
		{"", "OrderField", "Fields %s lists can be ordered by."},
		{"", "Order", "How to order a list of %s."},
		{"", "WhereInput", "Filter for %s lists: every predicate given must hold."},
		{"Create", "Input", "Input to create a %s."},
		{"Update", "Input", "Input to update a %s: only the fields given change."},
	} {
		if strings.HasPrefix(name, p.prefix) && strings.HasSuffix(name, p.suffix) && len(name) > len(p.prefix)+len(p.suffix) {
			return fmt.Sprintf(p.text, name[len(p.prefix):len(name)-len(p.suffix)])
		}
	}
	switch name {
	case "Query":
		return "Reads. Lists are Relay connections with where filters and orderBy."
	case "PageInfo":
		return "Where a page of a connection sits (Relay)."
	case "Node":
		return "An object with a global id, fetchable with node(id)."
	case "OrderDirection":
		return "Ascending or descending order."
	case "Cursor":
		return "An opaque position in a connection."
	}
	return "Values of " + name + "."
}

var predicateSuffixes = []struct{ suffix, text string }{
	{"NotNil", "%s is set."}, {"IsNil", "%s is not set."}, {"EqualFold", "%s equals this, ignoring case."},
	{"ContainsFold", "%s contains this, ignoring case."}, {"HasPrefix", "%s starts with this."},
	{"HasSuffix", "%s ends with this."}, {"Contains", "%s contains this."}, {"NotIn", "%s is none of these."},
	{"NEQ", "%s is not this."}, {"GTE", "%s is at least this."}, {"LTE", "%s is at most this."},
	{"GT", "%s is more than this."}, {"LT", "%s is less than this."}, {"In", "%s is one of these."},
}

func fieldDescription(def *ast.Definition, name string) string {
	switch name {
	case "id":
		return "Global id of the object (use it with node)."
	case "edges":
		return "The objects of this page, with cursors."
	case "node":
		return "The object."
	case "cursor":
		return "Position of this object, for after/before."
	case "pageInfo":
		return "Paging information."
	case "totalCount":
		return "Number of objects in the whole list, across pages."
	case "hasNextPage":
		return "More objects follow this page."
	case "hasPreviousPage":
		return "Objects precede this page."
	case "startCursor":
		return "Cursor of the first object of the page."
	case "endCursor":
		return "Cursor of the last object of the page."
	case "direction":
		return "Ascending or descending."
	case "field":
		return "The field to order by."
	case "not":
		return "Negates the filter."
	case "and":
		return "All of these filters hold."
	case "or":
		return "At least one of these filters holds."
	}
	if strings.HasSuffix(def.Name, "WhereInput") {
		if strings.HasPrefix(name, "has") && strings.HasSuffix(name, "With") {
			return "Has " + name[3:len(name)-4] + " matching one of these filters."
		}
		if strings.HasPrefix(name, "has") {
			return "Has at least one " + name[3:] + "."
		}
		for _, p := range predicateSuffixes {
			if strings.HasSuffix(name, p.suffix) && len(name) > len(p.suffix) {
				return fmt.Sprintf(p.text, name[:len(name)-len(p.suffix)])
			}
		}
		return name + " equals this."
	}
	switch {
	case strings.HasPrefix(name, "clear"):
		return "Clears " + name[5:] + "."
	case strings.HasPrefix(name, "append"):
		return "Appends to " + name[6:] + "."
	case strings.HasPrefix(name, "add") && strings.HasSuffix(name, "IDs"):
		return "Adds to " + name[3:len(name)-3] + " by id."
	case strings.HasPrefix(name, "remove") && strings.HasSuffix(name, "IDs"):
		return "Removes from " + name[6:len(name)-3] + " by id."
	case strings.HasSuffix(name, "IDs"):
		return "Ids of " + name[:len(name)-3] + "."
	case strings.HasSuffix(name, "ID"):
		return "Id of " + name[:len(name)-2] + "."
	}
	return "The " + name + "."
}

func argDescription(name string) string {
	switch name {
	case "after":
		return "Return objects after this cursor."
	case "first":
		return "Return the first n objects (required when asking for edges; at most the server's page size limit)."
	case "before":
		return "Return objects before this cursor."
	case "last":
		return "Return the last n objects."
	case "orderBy":
		return "Ordering of the list."
	case "where":
		return "Filter of the list."
	case "id":
		return "A global id."
	case "ids":
		return "Global ids."
	}
	return "The " + name + "."
}

func enumValueDescription(enum, value string) string {
	if strings.HasSuffix(enum, "OrderField") {
		return "Order by " + strings.ToLower(strings.ReplaceAll(value, "_", " ")) + "."
	}
	return strings.ToUpper(value[:1]) + strings.ToLower(strings.ReplaceAll(value[1:], "_", " ")) + "."
}
