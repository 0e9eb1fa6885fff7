package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/opsgraph/opsgraph/apperr"
)

// Limits bounds what one operation may ask for.
type Limits struct {
	MaxDepth      int // deepest selection nesting
	MaxComplexity int // estimated cost: fields, multiplied by page sizes of connections
	MaxPageSize   int // largest first/last on a connection
}

// DefaultLimits suit a console: about 250k resolved fields, e.g. 200 stores × 10
// products × 10 SKUs with a few fields each.
var DefaultLimits = Limits{MaxDepth: 15, MaxComplexity: 250000, MaxPageSize: 1000}

// limitsExtension enforces Limits before execution. Cost is estimated from the
// selection set: each field costs 1 plus its children, and the children of a
// connection count once per requested row (first/last). A connection asked for
// rows (edges or nodes) must say how many, so no request can load a whole table.
type limitsExtension struct{ Limits }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = limitsExtension{}

func (limitsExtension) ExtensionName() string { return "OperationLimits" }

func (limitsExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (l limitsExtension) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	w := walker{limits: l.Limits, doc: rc.Doc, vars: rc.Variables}
	cost := w.cost(rc.Operation.SelectionSet, 1)
	if w.err != nil {
		return w.err
	}
	rc.Stats.SetExtension(costKey, cost)
	if cost > l.MaxComplexity {
		return limitErr("operation is too complex: estimated cost %d exceeds the limit of %d; ask for fewer rows or fields", cost, l.MaxComplexity)
	}
	return nil
}

type walker struct {
	limits Limits
	doc    *ast.QueryDocument
	vars   map[string]any
	err    *gqlerror.Error
}

func (w *walker) cost(set ast.SelectionSet, depth int) int {
	if w.err != nil {
		return 0
	}
	if depth > w.limits.MaxDepth {
		w.err = limitErr("operation is too deep: more than %d levels of selections", w.limits.MaxDepth)
		return 0
	}
	total := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			total += 1 + w.field(s, depth)
		case *ast.InlineFragment:
			total += w.cost(s.SelectionSet, depth)
		case *ast.FragmentSpread:
			if f := w.doc.Fragments.ForName(s.Name); f != nil {
				total += w.cost(f.SelectionSet, depth)
			}
		}
	}
	return total
}

func (w *walker) field(f *ast.Field, depth int) int {
	if len(f.SelectionSet) == 0 {
		return 0
	}
	children := w.cost(f.SelectionSet, depth+1)
	if f.Definition == nil || !strings.HasSuffix(f.Definition.Type.Name(), "Connection") {
		return children
	}
	args := f.ArgumentMap(w.vars)
	rows := 0
	for _, k := range []string{"first", "last"} {
		if v, ok := args[k].(int64); ok && int(v) > rows {
			rows = int(v)
		}
	}
	if rows > w.limits.MaxPageSize {
		w.err = limitErr("%s: first/last may be at most %d", f.Alias, w.limits.MaxPageSize)
		return 0
	}
	if rows == 0 && asksForRows(f.SelectionSet, w.doc) {
		w.err = limitErr("%s: say how many rows you want with first or last (at most %d)", f.Alias, w.limits.MaxPageSize)
		return 0
	}
	return children * max(rows, 1)
}

// asksForRows reports whether a connection selection reads edges or nodes.
func asksForRows(set ast.SelectionSet, doc *ast.QueryDocument) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "edges" || s.Name == "nodes" {
				return true
			}
		case *ast.InlineFragment:
			if asksForRows(s.SelectionSet, doc) {
				return true
			}
		case *ast.FragmentSpread:
			if f := doc.Fragments.ForName(s.Name); f != nil && asksForRows(f.SelectionSet, doc) {
				return true
			}
		}
	}
	return false
}

func limitErr(format string, args ...any) *gqlerror.Error {
	e := gqlerror.Errorf(format, args...)
	e.Extensions = map[string]any{"code": string(apperr.BadUserInput)}
	return e
}
