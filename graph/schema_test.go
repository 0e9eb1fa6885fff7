package graph

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// loadSchema parses the committed SDL files.
func loadSchema(t *testing.T) *ast.Schema {
	t.Helper()
	files, err := filepath.Glob("*.graphql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no schema files: %v", err)
	}
	var srcs []*ast.Source
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, &ast.Source{Name: f, Input: string(b)})
	}
	s, gerr := gqlparser.LoadSchema(srcs...)
	if gerr != nil {
		t.Fatalf("schema does not load: %v", gerr)
	}
	return s
}

// TestEverythingIsDescribed: console teams read the schema in GraphiQL; every
// type, field, argument and enum value says what it is.
func TestEverythingIsDescribed(t *testing.T) {
	s := loadSchema(t)
	var missing []string
	for name, def := range s.Types {
		if def.BuiltIn {
			continue
		}
		if strings.TrimSpace(def.Description) == "" {
			missing = append(missing, "type "+name)
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if strings.TrimSpace(f.Description) == "" {
				missing = append(missing, name+"."+f.Name)
			}
			for _, a := range f.Arguments {
				if strings.TrimSpace(a.Description) == "" {
					missing = append(missing, name+"."+f.Name+"("+a.Name+")")
				}
			}
		}
		for _, v := range def.EnumValues {
			if strings.TrimSpace(v.Description) == "" {
				missing = append(missing, name+"."+v.Name)
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d schema elements without a description, e.g. %v", len(missing), missing[:min(len(missing), 20)])
	}
}

// TestIDArgumentsSpelledID: arguments and input fields that take ids are
// spelled xxxID (storeID, skuID, organizationID), like ent's fields, never
// xxxId beside them; an xxxId may only remain as a @deprecated alias.
func TestIDArgumentsSpelledID(t *testing.T) {
	s := loadSchema(t)
	var bad []string
	check := func(where, name string, dirs ast.DirectiveList) {
		if strings.HasSuffix(name, "Id") && dirs.ForName("deprecated") == nil {
			bad = append(bad, where)
		}
	}
	for name, def := range s.Types {
		if def.BuiltIn {
			continue
		}
		for _, f := range def.Fields {
			if def.Kind == ast.InputObject {
				check(name+"."+f.Name, f.Name, f.Directives)
			}
			for _, a := range f.Arguments {
				check(name+"."+f.Name+"("+a.Name+")", a.Name, a.Directives)
			}
		}
	}
	if len(bad) > 0 {
		t.Errorf("arguments or input fields spelled xxxId (use xxxID): %v", bad)
	}
}
