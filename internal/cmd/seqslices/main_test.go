package main

import (
	"strings"
	"testing"
)

// field is one generated field executor in gqlgen v0.17's shape, with its
// field context function.
func field(name, resolver, middleware, marshalType, marshal, fieldContext string) string {
	return `func (ec *executionContext) _SKU_` + name + `(ctx context.Context, field graphql.CollectedField, obj *ent.SKU) (ret graphql.Marshaler) {
	return graphql.ResolveField(
		ctx,
		ec.OperationContext,
		field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_SKU_` + name + `(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			` + resolver + `
		},
		` + middleware + `,
		func(ctx context.Context, selections ast.SelectionSet, v ` + marshalType + `) graphql.Marshaler {
			return ec.` + marshal + `(ctx, selections, v)
		},
		true,
		true,
	)
}
func (ec *executionContext) fieldContext_SKU_` + name + `(_ context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {
` + fieldContext + `
}
`
}

const scalarContext = `	return graphql.NewScalarFieldContext("SKU", field, false, false, "String")`

const moneyContext = `	fc = &graphql.FieldContext{
		Object:     "SKU",
		Field:      field,
		IsMethod:   false,
		IsResolver: false,
		Child: func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.childFields_Money(ctx, field)
		},
	}
	return fc, nil`

func TestRewritePlainFields(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      string // a line the rewritten executor must contain; "" when it must be left alone
	}{
		{"string read from the struct", field("name", "return obj.Name, nil", "nil", "string", "marshalNString2string", scalarContext),
			"\treturn ec.marshalNString2string(ctx, field.Selections, obj.Name) // plain field: seqslices\n"},
		{"id read from the struct", field("id", "return obj.ID, nil", "nil", "int", "marshalNID2int", scalarContext),
			"\treturn ec.marshalNID2int(ctx, field.Selections, obj.ID) // plain field: seqslices\n"},
		{"Money keeps its field context and the panic guard", field("price", "return obj.Price, nil", "nil", "schematype.Money", "marshalNMoney2githubᚗcomᚋschematypeᚐMoney", moneyContext),
			"\tfc, _ := ec.fieldContext_SKU_price(ctx, field) // plain field: seqslices\n\tctx = graphql.WithFieldContext(ctx, fc)\n\tdefer ec.recoverPlainField(ctx, &ret)\n\treturn ec.marshalNMoney2githubᚗcomᚋschematypeᚐMoney(ctx, field.Selections, obj.Price)\n"},
		{"Time keeps its field context (a zero time is a null error on its path)", field("createdAt", "return obj.CreatedAt, nil", "nil", "time.Time", "marshalNTime2timeᚐTime", scalarContext),
			"\tdefer ec.recoverPlainField(ctx, &ret)\n\treturn ec.marshalNTime2timeᚐTime(ctx, field.Selections, obj.CreatedAt)\n"},
		{"a method is left alone", field("name", "return obj.Name(), nil", "nil", "string", "marshalNString2string", scalarContext), ""},
		{"a resolver is left alone", field("name", "return ec.resolvers.SKU().Name(ctx, obj)", "nil", "string", "marshalNString2string", scalarContext), ""},
		{"a directive chain is left alone", field("name", "return obj.Name, nil", "ec._fieldMiddleware", "string", "marshalNString2string", scalarContext), ""},
		{"an interface value is left alone", field("meta", "return obj.Meta, nil", "nil", "any", "marshalOAny2interface", scalarContext), ""},
		{"a method field context is left alone", field("name", "return obj.Name, nil", "nil", "string", "marshalNString2string",
			`	return graphql.NewScalarFieldContext("SKU", field, true, false, "String")`), ""},
		{"a field with arguments is left alone", field("name", "return obj.Name, nil", "nil", "string", "marshalNString2string",
			"\tfc = &graphql.FieldContext{\n\t\tObject: \"SKU\",\n\t}\n\tif fc.Args, err = ec.field_SKU_name_args(ctx, field.ArgumentMap(ec.Variables)); err != nil {\n\t\treturn fc, err\n\t}\n\treturn fc, nil"), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, n := rewritePlainFields([]byte(c.src))
			if c.want == "" {
				if n != 0 || string(out) != c.src {
					t.Fatalf("rewrote %d field(s):\n%s", n, out)
				}
				return
			}
			if n != 1 || !strings.Contains(string(out), c.want) || strings.Contains(string(out), "graphql.ResolveField(") {
				t.Fatalf("rewrote %d field(s), want 1 containing %q:\n%s", n, c.want, out)
			}
			again, n := rewritePlainFields(out)
			if n != 0 || string(again) != string(out) {
				t.Fatalf("second run rewrote %d field(s): not idempotent", n)
			}
		})
	}
}
