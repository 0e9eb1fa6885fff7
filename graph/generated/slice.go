package generated

// This file is hand-written (gqlgen writes only generated.go): the sequential
// list marshaller that internal/cmd/seqslices substitutes for
// graphql.MarshalSliceConcurrently in generated.go.

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// marshalSlice has MarshalSliceConcurrently's signature and semantics (a
// field context per element, a panic in one element becomes an error and a
// null there) but marshals the elements in order on the calling goroutine.
func marshalSlice(ctx context.Context, length int, _ int64, omitPanicHandler bool,
	marshalElement func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, length)
	for i := range length {
		childCtx := graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
		if omitPanicHandler {
			ret[i] = marshalElement(childCtx, i)
			continue
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					graphql.AddError(childCtx, graphql.Recover(childCtx, r))
					ret[i] = graphql.Null
				}
			}()
			ret[i] = marshalElement(childCtx, i)
		}()
	}
	return ret
}
