// Command seqslices runs after gqlgen (go generate ./...): it makes the
// generated executor marshal list elements one after the other instead of one
// goroutine per element (graphql.MarshalSliceConcurrently). Our resolvers load
// nested lists eagerly (entgql), so elements do no I/O while marshalling, and
// a goroutine per element only costs stack growth and scheduling: 37 % of the
// CPU of a 250-object response in the profile of PERF-NOTES.md. The call is
// renamed to marshalSlice (graph/generated/slice.go, hand-written) with the
// same signature, so gqlgen upgrades keep compiling or fail loudly.
//
// It also rewrites, in the executor of every object, FieldSet.ResolveConcurrently
// (a goroutine per context-taking field per object) to resolveInline and
// graphql.NewDeferredGroup (built for every object) to newDeferredGroup,
// which builds it only when a field is deferred (decision 0190).
package main

import (
	"bytes"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: seqslices graph/generated/generated.go")
		os.Exit(2)
	}
	path := os.Args[1]
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "seqslices:", err)
		os.Exit(1)
	}
	from, to := []byte("graphql.MarshalSliceConcurrently("), []byte("marshalSlice(")
	n := bytes.Count(src, from)
	if n == 0 && !bytes.Contains(src, to) {
		fmt.Fprintln(os.Stderr, "seqslices: no graphql.MarshalSliceConcurrently call found: did gqlgen change?")
		os.Exit(1)
	}
	src = bytes.ReplaceAll(src, from, to)
	// Fields of objects resolved on the calling goroutine (resolveInline in
	// graph/generated/slice.go) instead of one goroutine per field and object.
	from, to = []byte("out.ResolveConcurrently(ec.OperationContext, &deferred, i,"), []byte("resolveInline(ctx, field, out, ec.OperationContext, &deferred, i,")
	if !bytes.Contains(src, from) && !bytes.Contains(src, to) {
		fmt.Fprintln(os.Stderr, "seqslices: no out.ResolveConcurrently call found: did gqlgen change?")
		os.Exit(1)
	}
	src = bytes.ReplaceAll(src, from, to)
	// The @defer group of an object built only when one of its fields is
	// deferred (newDeferredGroup in graph/generated/slice.go).
	from, to = []byte("deferred := graphql.NewDeferredGroup(ctx)"), []byte("deferred := newDeferredGroup(ctx, fields)")
	if !bytes.Contains(src, from) && !bytes.Contains(src, to) {
		fmt.Fprintln(os.Stderr, "seqslices: no graphql.NewDeferredGroup call found: did gqlgen change?")
		os.Exit(1)
	}
	src = bytes.ReplaceAll(src, from, to)
	if err := os.WriteFile(path, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "seqslices:", err)
		os.Exit(1)
	}
}
