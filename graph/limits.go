package graph

import (
	"context"

	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/opsgraph/opsgraph/apperr"
)

// Limits bounds what one operation may ask for. Zero fields take the default.
type Limits struct {
	MaxDepth         int           // deepest selection nesting
	MaxComplexity    int           // estimated cost: fields, multiplied by page sizes of connections
	MaxPageSize      int           // largest first/last on a connection
	MaxRootFields    int           // root fields per operation, after expanding fragments
	MaxAliases       int           // aliased fields in a document
	MaxNodes         int           // ids in one nodes(ids:) call
	OperationTimeout time.Duration // wall-clock budget of one HTTP request's operation
}

// DefaultLimits suit a console: about 250k resolved fields, e.g. 200 stores × 10
// products × 10 SKUs with a few fields each; 50 root fields and 100 aliases are
// far more than a screen needs, and 30 s is longer than any sane page load.
var DefaultLimits = Limits{MaxDepth: 15, MaxComplexity: 250000, MaxPageSize: 1000,
	MaxRootFields: 50, MaxAliases: 100, MaxNodes: 100, OperationTimeout: 30 * time.Second}

// withDefaults fills zero fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	for _, p := range []struct{ v, def *int }{{&l.MaxDepth, &d.MaxDepth}, {&l.MaxComplexity, &d.MaxComplexity},
		{&l.MaxPageSize, &d.MaxPageSize}, {&l.MaxRootFields, &d.MaxRootFields}, {&l.MaxAliases, &d.MaxAliases}, {&l.MaxNodes, &d.MaxNodes}} {
		if *p.v <= 0 {
			*p.v = *p.def
		}
	}
	if l.OperationTimeout <= 0 {
		l.OperationTimeout = d.OperationTimeout
	}
	return l
}

// limitsExtension enforces Limits in two passes, each a bounded linear walk:
// before gqlgen parses (with its cache) and validates the document, a walk
// without the schema counts expanded fields, root fields, aliases and depth;
// after validation, a walk with the schema estimates the cost: each field
// costs 1 plus its children, and the children of a connection count once per
// requested row (first/last). A connection asked for rows (edges or nodes)
// must say how many, so no request can load a whole table. Fragment costs are
// memoized per nesting depth, so a fragment spread twice by each of 26
// nested fragments costs 26 walks, not 2^26; both walks stop at the first
// limit passed. The cost goes into extensions.cost of every answer.
type limitsExtension struct{ Limits }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
} = limitsExtension{}

func (limitsExtension) ExtensionName() string { return "OperationLimits" }

func (limitsExtension) Validate(graphql.ExecutableSchema) error { return nil }

const costKey = "cost"

// MutateOperationParameters is the pass before parsing and validation.
func (l limitsExtension) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query == "" {
		return nil
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: p.Query})
	if err != nil {
		return nil // gqlgen reports the syntax error
	}
	aliases := 0
	var count func(ast.SelectionSet)
	count = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if s.Alias != "" && s.Alias != s.Name {
					aliases++
				}
				count(s.SelectionSet)
			case *ast.InlineFragment:
				count(s.SelectionSet)
			}
		}
	}
	for _, op := range doc.Operations {
		count(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		count(f.SelectionSet)
	}
	if aliases > l.MaxAliases {
		return limitErr(0, "operation has %d aliased fields; at most %d are allowed", aliases, l.MaxAliases)
	}
	for _, op := range doc.Operations {
		if op.Name != p.OperationName && p.OperationName != "" {
			continue
		}
		w := newWalker(l.Limits, doc, nil)
		cost := w.cost(op.SelectionSet, 1)
		if w.err != nil {
			return w.err
		}
		if cost > l.MaxComplexity {
			return limitErr(cost, "operation is too complex: more than %d fields", l.MaxComplexity)
		}
		if roots := w.rootFields(op.SelectionSet); roots > l.MaxRootFields {
			return limitErr(cost, "operation has %d root fields; at most %d are allowed", roots, l.MaxRootFields)
		}
	}
	return nil
}

// MutateOperationContext is the pass after validation, with field definitions.
func (l limitsExtension) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	w := newWalker(l.Limits, rc.Doc, rc.Variables)
	cost := w.cost(rc.Operation.SelectionSet, 1)
	if w.err != nil {
		return w.err
	}
	rc.Stats.SetExtension(costKey, cost)
	if cost > l.MaxComplexity {
		return limitErr(cost, "operation is too complex: estimated cost %d exceeds the limit of %d; ask for fewer rows or fields", cost, l.MaxComplexity)
	}
	return nil
}

// InterceptResponse puts the operation's cost into extensions.cost.
func (l limitsExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	rsp := next(ctx)
	if rsp == nil || !graphql.HasOperationContext(ctx) {
		return rsp
	}
	if cost, ok := graphql.GetOperationContext(ctx).Stats.GetExtension(costKey).(int); ok {
		if rsp.Extensions == nil {
			rsp.Extensions = map[string]any{}
		}
		rsp.Extensions[costKey] = cost
	}
	return rsp
}

type memoKey struct {
	name  string
	depth int
}

type walker struct {
	limits Limits
	doc    *ast.QueryDocument
	vars   map[string]any
	memo   map[memoKey]int
	active map[string]bool // fragments being walked: a cycle is refused, not followed
	rows   map[string]bool // memo of asksForRows per fragment
	steps  int
	err    *gqlerror.Error
}

func newWalker(l Limits, doc *ast.QueryDocument, vars map[string]any) *walker {
	return &walker{limits: l, doc: doc, vars: vars, memo: map[memoKey]int{}, active: map[string]bool{}, rows: map[string]bool{}}
}

// sat adds without passing the limit by more than one: costs saturate.
func (w *walker) sat(v int) int { return min(v, w.limits.MaxComplexity+1) }

func (w *walker) cost(set ast.SelectionSet, depth int) int {
	if w.err != nil {
		return 0
	}
	if depth > w.limits.MaxDepth {
		w.err = limitErr(0, "operation is too deep: more than %d levels of selections", w.limits.MaxDepth)
		return 0
	}
	total := 0
	for _, sel := range set {
		// Each selection is visited once per (fragment, depth): the walk is
		// linear in the document; the step bound is a second fuse.
		if w.steps++; w.steps > 4*w.limits.MaxComplexity {
			w.err = limitErr(0, "operation is too complex")
			return 0
		}
		switch s := sel.(type) {
		case *ast.Field:
			total = w.sat(total + 1 + w.field(s, depth))
		case *ast.InlineFragment:
			total = w.sat(total + w.cost(s.SelectionSet, depth))
		case *ast.FragmentSpread:
			total = w.sat(total + w.spread(s.Name, depth))
		}
		if w.err != nil || total > w.limits.MaxComplexity {
			return total // stop at the first limit passed
		}
	}
	return total
}

func (w *walker) spread(name string, depth int) int {
	k := memoKey{name, depth}
	if c, ok := w.memo[k]; ok {
		return c
	}
	f := w.doc.Fragments.ForName(name)
	if f == nil {
		return 0
	}
	if w.active[name] {
		w.err = limitErr(0, "fragment %s spreads itself", name)
		return 0
	}
	w.active[name] = true
	c := w.cost(f.SelectionSet, depth)
	delete(w.active, name)
	w.memo[k] = c
	return c
}

func (w *walker) field(f *ast.Field, depth int) int {
	if f.Definition != nil && f.Name == "nodes" && f.ObjectDefinition != nil && f.ObjectDefinition.Name == "Query" {
		if ids, ok := f.ArgumentMap(w.vars)["ids"].([]any); ok && len(ids) > w.limits.MaxNodes {
			w.err = limitErr(0, "%s: at most %d ids per call", f.Alias, w.limits.MaxNodes)
			return 0
		} else if ok && len(f.SelectionSet) > 0 {
			return w.sat(w.cost(f.SelectionSet, depth+1) * max(len(ids), 1))
		}
	}
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
		w.err = limitErr(0, "%s: first/last may be at most %d", f.Alias, w.limits.MaxPageSize)
		return 0
	}
	if rows == 0 && w.asksForRows(f.SelectionSet) {
		w.err = limitErr(0, "%s: say how many rows you want with first or last (at most %d)", f.Alias, w.limits.MaxPageSize)
		return 0
	}
	return w.sat(children * max(rows, 1))
}

// rootFields counts the fields of the top selection set after expanding
// fragments (each fragment counted once per spread, memoized).
func (w *walker) rootFields(set ast.SelectionSet) int {
	memo := map[string]int{}
	var count func(ast.SelectionSet, int) int
	count = func(set ast.SelectionSet, guard int) int {
		n := 0
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				n++
			case *ast.InlineFragment:
				n += count(s.SelectionSet, guard)
			case *ast.FragmentSpread:
				c, ok := memo[s.Name]
				if !ok {
					if f := w.doc.Fragments.ForName(s.Name); f != nil && guard < len(w.doc.Fragments)+1 {
						c = count(f.SelectionSet, guard+1)
					}
					memo[s.Name] = c
				}
				n += c
			}
			if n > w.limits.MaxRootFields {
				return n
			}
		}
		return n
	}
	return count(set, 0)
}

// asksForRows reports whether a connection selection reads edges or nodes.
func (w *walker) asksForRows(set ast.SelectionSet) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "edges" || s.Name == "nodes" {
				return true
			}
		case *ast.InlineFragment:
			if w.asksForRows(s.SelectionSet) {
				return true
			}
		case *ast.FragmentSpread:
			found, seen := w.rows[s.Name]
			if f := w.doc.Fragments.ForName(s.Name); !seen && f != nil {
				w.rows[s.Name] = false // also stops cycles
				found = w.asksForRows(f.SelectionSet)
				w.rows[s.Name] = found
			}
			if found {
				return true
			}
		}
	}
	return false
}

// limitErr is a BAD_USER_INPUT refusal carrying the cost computed so far.
func limitErr(cost int, format string, args ...any) *gqlerror.Error {
	e := gqlerror.Errorf(format, args...)
	e.Extensions = map[string]any{"code": string(apperr.BadUserInput)}
	if cost > 0 {
		e.Extensions[costKey] = cost
	}
	return e
}
