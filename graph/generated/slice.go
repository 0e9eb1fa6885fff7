package generated

// This file is hand-written (gqlgen writes only generated.go): the sequential
// list marshaller that internal/cmd/seqslices substitutes for
// graphql.MarshalSliceConcurrently in generated.go.

import (
	"context"
	"io"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
)

// marshalSlice has MarshalSliceConcurrently's signature and semantics (a
// field context per element, a panic in one element becomes an error and a
// null there) but marshals the elements in order on the calling goroutine.
func marshalSlice(ctx context.Context, length int, _ int64, omitPanicHandler bool,
	marshalElement func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, length)
	// The elements' field contexts and indices in one allocation each, not
	// two allocations per element (a quote has some 300 elements).
	fcs, idx := make([]graphql.FieldContext, length), make([]int, length)
	for i := range length {
		idx[i] = i
		fcs[i].Index = &idx[i]
		childCtx := graphql.WithFieldContext(ctx, &fcs[i])
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

// resolveInline replaces FieldSet.ResolveConcurrently for the fields of
// objects (internal/cmd/seqslices rewrites the calls): gqlgen runs every
// field whose Go method takes a context (entgql's edges: Product.skus,
// Product.supplier …) in a goroutine of its own when the object is
// dispatched, one goroutine per edge per object. Edges are eager-loaded, so
// those goroutines do no I/O and only cost scheduling and stack growth. This
// resolves the field on the calling goroutine at once, with the same panic
// guard and invalid-result bookkeeping. Deferred fields (@defer) keep
// gqlgen's path. Root fields (ResolveRootConcurrently) are not rewritten.
func resolveInline(ctx context.Context, field graphql.CollectedField, out *object, oc *graphql.OperationContext,
	deferred *graphql.DeferredGroup, i int, recoverFromPanic, nonNull bool, resolve func(ctx context.Context) graphql.Marshaler) {
	if field.IsDeferred() {
		// gqlgen's path: the field moves to the deferred group's field set
		// and this object holds a null in its place.
		fs := graphql.NewFieldSet(out.fields)
		fs.ResolveConcurrently(oc, deferred, i, recoverFromPanic, nonNull, resolve)
		out.Values[i] = fs.Values[i]
		return
	}
	res := resolveGuarded(ctx, oc, recoverFromPanic, resolve)
	out.Values[i] = res
	invalid := graphql.RequiredNull
	if nonNull {
		invalid = graphql.Null
	}
	if res == invalid {
		atomic.AddUint32(&out.Invalids, 1)
	}
}

func resolveGuarded(ctx context.Context, oc *graphql.OperationContext, recoverFromPanic bool,
	resolve func(ctx context.Context) graphql.Marshaler) (res graphql.Marshaler) {
	if recoverFromPanic {
		defer func() {
			if r := recover(); r != nil {
				oc.Error(ctx, oc.Recover(ctx, r))
				res = graphql.Null
			}
		}()
	}
	return resolve(ctx)
}

// newDeferredGroup replaces graphql.NewDeferredGroup in the executor of
// every object (internal/cmd/seqslices rewrites the calls). gqlgen builds a
// group for every object it marshals, computing the object's path, a field
// set and a map (17 % of the allocations of a 50-product list) although only
// a field under @defer ever uses it. Without such a field the group is empty:
// nothing is added to it and ProcessDeferredGroup is not called for it.
func newDeferredGroup(ctx context.Context, fields []graphql.CollectedField) graphql.DeferredGroup {
	for _, f := range fields {
		if f.IsDeferred() {
			return graphql.NewDeferredGroup(ctx)
		}
	}
	return graphql.DeferredGroup{Context: ctx}
}

// recoverPlainField is the panic guard of a plain field (a field read
// straight from its object's struct, that internal/cmd/seqslices writes
// without graphql.ResolveField when its marshaller needs the field's
// context): deferred by the field's executor, like ResolveField's guard it
// turns a panic of the marshaller into an error on the field and a null.
func (ec *executionContext) recoverPlainField(ctx context.Context, ret *graphql.Marshaler) {
	if r := recover(); r != nil {
		ec.OperationContext.Error(ctx, ec.OperationContext.Recover(ctx, r))
		*ret = graphql.Null
	}
}

// object replaces graphql.FieldSet in the executor of every object type
// (internal/cmd/seqslices rewrites graphql.NewFieldSet there; root types keep
// gqlgen's field set). Its fields resolve inline (resolveInline), so nothing is
// delayed; and it marshals itself without what FieldSet.MarshalGQL allocates
// for every object: a map of the aliases written, an iterator closure and a
// heap copy of each CollectedField (a quarter of the allocations of a
// 250-object list). Up to len(inline) values share the object's allocation.
type object struct {
	Values   []graphql.Marshaler
	Invalids uint32
	fields   []graphql.CollectedField
	inline   [6]graphql.Marshaler
}

func newObject(fields []graphql.CollectedField) *object {
	o := &object{fields: fields}
	if len(fields) <= len(o.inline) {
		o.Values = o.inline[:len(fields):len(fields)]
	} else {
		o.Values = make([]graphql.Marshaler, len(fields))
	}
	return o
}

// Dispatch is FieldSet.Dispatch's place in the generated executor: an
// object's fields were resolved as they were met, none waits.
func (o *object) Dispatch(context.Context) {}

var (
	openBrace, closeBrace, comma = []byte{'{'}, []byte{'}'}, []byte{','}
	quote, quoteColon            = []byte{'"'}, []byte{'"', ':'}
)

// MarshalGQL writes the object as FieldSet.MarshalGQL does: fields in order,
// the first of two fields under one alias wins (a deferred and a plain
// selection of one field). An alias is a GraphQL name ([_A-Za-z][_0-9A-Za-z]*)
// and needs no escaping.
func (o *object) MarshalGQL(w io.Writer) {
	_, _ = w.Write(openBrace)
	for i := range o.fields {
		alias := o.fields[i].Alias
		if i > 0 {
			if aliasBefore(o.fields[:i], alias) {
				continue
			}
			_, _ = w.Write(comma)
		}
		_, _ = w.Write(quote)
		_, _ = io.WriteString(w, alias)
		_, _ = w.Write(quoteColon)
		o.Values[i].MarshalGQL(w)
	}
	_, _ = w.Write(closeBrace)
}

func aliasBefore(fields []graphql.CollectedField, alias string) bool {
	for i := range fields {
		if fields[i].Alias == alias {
			return true
		}
	}
	return false
}
