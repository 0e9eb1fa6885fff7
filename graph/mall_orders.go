package graph

import (
	"context"

	"github.com/opsgraph/opsgraph/apperr"
)

// mallOrderOrg: the argument is a mall order; the organization of its store
// owns it. The store is read through privacy, so a store-scoped token of
// another store finds nothing.
func mallOrderOrg(name string) orgSource {
	return func(ctx context.Context, r *Resolver, args map[string]any) (int, error) {
		id, ok := args[name].(int)
		if !ok {
			return 0, apperr.Input(name, "an id is required")
		}
		store, err := r.Mall.OrderStore(ctx, id)
		if err != nil {
			return 0, err
		}
		return r.orgOfID(ctx, store)
	}
}
