// Package readscope makes relation predicates (Has<Edge>With, Has<Edge>) obey
// the privacy policy of the rows they look at. ent's privacy layer filters the
// table being listed; a predicate over an edge runs a sub-select on another
// table that no policy sees, so `where: {hasParentWith: {hasClientsWith: …}}`
// could test another tenant's rows. The generated predicates (see
// ent/template/readscope.tmpl) call Neighbor, which applies the neighbor
// entity's own query policy, evaluated for the viewer in the query's context,
// to the sub-select: a relation predicate can match only rows the viewer may read.
package readscope

import (
	"context"
	"sync"

	"entgo.io/ent/dialect/sql"
)

// Func returns the predicates an entity's query policy adds for the viewer in
// ctx (none when the policy allows everything), or an error when it denies.
type Func func(ctx context.Context) ([]func(*sql.Selector), error)

var (
	mu     sync.RWMutex
	scopes = map[string]Func{}
)

// Register sets the scope of entity typ; the generated ent package registers
// one per entity at init.
func Register(typ string, f Func) {
	mu.Lock()
	defer mu.Unlock()
	scopes[typ] = f
}

// Registered lists the entities that have a scope.
func Registered() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(scopes))
	for k := range scopes {
		out = append(out, k)
	}
	return out
}

// Neighbor is the predicate a relation predicate applies to the rows of
// entity typ it looks at. It fails closed: an entity without a scope, a
// policy that denies (no viewer, ent/runtime not imported) or a selector
// without the request context match no row.
func Neighbor(typ string) func(*sql.Selector) {
	return func(s *sql.Selector) {
		mu.RLock()
		f := scopes[typ]
		mu.RUnlock()
		if f == nil {
			s.Where(sql.False())
			return
		}
		ps, err := f(s.Context())
		if err != nil {
			s.Where(sql.False())
			return
		}
		for _, p := range ps {
			p(s)
		}
	}
}

// Lookup returns the scope of entity typ, or nil.
func Lookup(typ string) Func {
	mu.RLock()
	defer mu.RUnlock()
	return scopes[typ]
}
