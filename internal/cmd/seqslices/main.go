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
// which builds it only when a field is deferred (decision 0190); and
// graphql.NewFieldSet to newObject, a field set that marshals itself without
// a map and a copy of every field per object.
//
// And it marshals plain scalar fields directly (decision 0230): a field whose
// generated resolver only reads a struct field of the object (`return obj.Name,
// nil`), has no arguments and no directives, and whose marshaller is one of
// plainMarshalers (value types that can never be null and never fail), is
// written as `return ec.marshalNString2string(ctx, field.Selections,
// obj.Name)` instead of going through graphql.ResolveField (a field context,
// a context value, the field middleware chain, closures and an interface
// conversion: about ten allocations per field, for nothing). Field
// interceptors (AroundFields) therefore do not see these fields: they see root
// fields and every field with a resolver, arguments or a method.
package main

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// plainMarshalers are the generated marshallers a plain field may be written
// with directly: they never return graphql.Null for their Go value type (so
// they never need the field's context to report an error) and ignore the
// selection set.
var plainMarshalers = map[string]bool{
	"marshalNString2string": true,
	"marshalOString2string": true,
	"marshalNInt2int":       true,
	"marshalOInt2int":       true,
	"marshalNInt2int64":     true,
	"marshalNID2int":        true,
	"marshalNBoolean2bool":  true,
	"marshalOBoolean2bool":  true,
}

// plainField matches a generated field executor that only reads a struct field
// of its object: the field context is a scalar one (no arguments), the
// resolver returns obj.<Field>, there is no directive chain.
var plainField = regexp.MustCompile(`(?m)^(func \(ec \*executionContext\) _\w+\(ctx context\.Context, field graphql\.CollectedField, obj \*[\w.]+\) \(ret graphql\.Marshaler\) \{\n)` +
	`\treturn graphql\.ResolveField\(\n\t\tctx,\n\t\tec\.OperationContext,\n\t\tfield,\n` +
	`\t\tfunc\(ctx context\.Context, field graphql\.CollectedField\) \(\*graphql\.FieldContext, error\) \{\n\t\t\treturn ec\.(fieldContext_\w+)\(ctx, field\)\n\t\t\},\n` +
	`\t\tfunc\(ctx context\.Context\) \(any, error\) \{\n\t\t\treturn obj\.(\w+), nil\n\t\t\},\n` +
	`\t\tnil,\n` +
	`\t\tfunc\(ctx context\.Context, selections ast\.SelectionSet, v ([\w.\[\]*]+)\) graphql\.Marshaler \{\n\t\t\treturn ec\.(marshal[\pL\pN_]+)\(ctx, selections, v\)\n\t\t\},\n` +
	`\t\ttrue,\n\t\t(?:true|false),\n\t\)\n\}\n`)

// rewritePlainFields rewrites the plain fields of src and reports how many
// it rewrote.
func rewritePlainFields(src []byte) ([]byte, int) {
	n := 0
	out := plainField.ReplaceAllFunc(src, func(m []byte) []byte {
		g := plainField.FindSubmatch(m)
		fieldContext, name, typ, marshal := string(g[2]), string(g[3]), string(g[4]), string(g[5])
		if strings.Contains(typ, "any") || strings.Contains(typ, "interface") || !scalarFieldContext(src, fieldContext) {
			return m
		}
		n++
		if plainMarshalers[marshal] {
			return fmt.Appendf(append([]byte(nil), g[1]...), "\treturn ec.%s(ctx, field.Selections, obj.%s) // plain field: seqslices\n}\n", marshal, name)
		}
		// Other marshallers (Money's context marshaller reads the selection
		// from the field context, Time reports a zero time as a null error on
		// the field's path, objects marshal their own fields) get the field's
		// context and ResolveField's panic guard, and nothing else.
		return fmt.Appendf(append([]byte(nil), g[1]...), "\tfc, _ := ec.%s(ctx, field) // plain field: seqslices\n"+
			"\tctx = graphql.WithFieldContext(ctx, fc)\n\tdefer ec.recoverPlainField(ctx, &ret)\n"+
			"\treturn ec.%s(ctx, field.Selections, obj.%s)\n}\n", fieldContext, marshal, name)
	})
	return out, n
}

// scalarFieldContext reports whether the field context function name builds
// the context of a field without arguments that is neither a method nor a
// resolver: a scalar one, or an object-typed one (Money) whose context only
// adds its child fields.
func scalarFieldContext(src []byte, name string) bool {
	head := `func \(ec \*executionContext\) ` + regexp.QuoteMeta(name) + `\(_ context\.Context, field graphql\.CollectedField\) \(fc \*graphql\.FieldContext, err error\) \{\n`
	scalar := regexp.MustCompile(head + `\treturn graphql\.NewScalarFieldContext\("\w+", field, false, false, "\w+"\)\n\}`)
	object := regexp.MustCompile(head + `\tfc = &graphql\.FieldContext\{\n\t\tObject: +"\w+",\n\t\tField: +field,\n\t\tIsMethod: +false,\n\t\tIsResolver: +false,\n` +
		`\t\tChild: func\(ctx context\.Context, field graphql\.CollectedField\) \(\*graphql\.FieldContext, error\) \{\n\t\t\treturn ec\.childFields_\w+\(ctx, field\)\n\t\t\},\n\t\}\n\treturn fc, nil\n\}`)
	return scalar.Match(src) || object.Match(src)
}

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
	// Objects marshalled by object (graph/generated/slice.go) instead of
	// graphql.FieldSet: the executors of object types, whose loop starts with
	// the switch on the field's name (root types set a context per field
	// first and keep gqlgen's field set).
	from = []byte("\tout := graphql.NewFieldSet(fields)\n\tdeferred := newDeferredGroup(ctx, fields)\n\tfor i, field := range fields {\n\t\tswitch field.Name {")
	to = []byte("\tout := newObject(fields)\n\tdeferred := newDeferredGroup(ctx, fields)\n\tfor i, field := range fields {\n\t\tswitch field.Name {")
	if !bytes.Contains(src, from) && !bytes.Contains(src, to) {
		fmt.Fprintln(os.Stderr, "seqslices: no object executor found: did gqlgen change?")
		os.Exit(1)
	}
	src = bytes.ReplaceAll(src, from, to)
	src, n = rewritePlainFields(src)
	if n == 0 && !bytes.Contains(src, []byte("// plain field: seqslices")) {
		fmt.Fprintln(os.Stderr, "seqslices: no plain scalar field executor found: did gqlgen change?")
		os.Exit(1)
	}
	if err := os.WriteFile(path, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "seqslices:", err)
		os.Exit(1)
	}
}
