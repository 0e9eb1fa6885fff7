// Package schematype holds the Go types that ent fields and the GraphQL schema share.
package schematype

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Money is an amount of renminbi in fen (分). Money is never a float: it is stored as an
// integer number of fen and shown as a decimal string of yuan ("129.50").
type Money int64

// Currency is the only currency OpsGraph handles today.
const Currency = "CNY"

// Amount is the decimal yuan string, e.g. "129.50" or "-3.05".
func (m Money) Amount() string {
	var buf [24]byte
	return string(m.appendAmount(buf[:0]))
}

// appendAmount appends the decimal yuan string to b without allocating.
func (m Money) appendAmount(b []byte) []byte {
	v := int64(m)
	if v < 0 {
		b = append(b, '-')
		v = -v // Money never reaches math.MinInt64 (ParseMoney bounds it)
	}
	b = strconv.AppendInt(b, v/100, 10)
	f := v % 100
	return append(b, '.', byte('0'+f/10), byte('0'+f%10))
}

// Currency is always CNY.
func (m Money) Currency() string { return Currency }

// ErrBadMoney is returned for amounts that are not a decimal with at most two places.
var ErrBadMoney = errors.New(`money amount must be a decimal string with at most two decimal places, e.g. "129.50"`)

// ParseMoney parses a decimal yuan string into fen, exactly (no floats).
func ParseMoney(s string) (Money, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && (frac == "" || len(frac) > 2)) {
		return 0, ErrBadMoney
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, ErrBadMoney
		}
	}
	for len(frac) < 2 {
		frac += "0"
	}
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || y > (1<<62)/100 {
		return 0, ErrBadMoney
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := y*100 + f
	if neg {
		v = -v
	}
	return Money(v), nil
}

// UnmarshalGQL reads a MoneyInput: {amount: "129.50", currency: "CNY"}.
func (m *Money) UnmarshalGQL(v any) error {
	obj, ok := v.(map[string]any)
	if !ok {
		return errors.New("money must be an object {amount, currency}")
	}
	if c, ok := obj["currency"]; ok && c != nil && c != Currency {
		return fmt.Errorf("currency %v is not supported; use CNY", c)
	}
	a, ok := obj["amount"].(string)
	if !ok {
		return ErrBadMoney
	}
	p, err := ParseMoney(a)
	if err != nil {
		return err
	}
	*m = p
	return nil
}

// MarshalGQLContext writes the Money object with just the fields the query
// selected, under their aliases. Money has to be a gqlgen marshaler so that the
// same Go type can be read from MoneyInput; this keeps the output a proper
// GraphQL object. It builds the object in one stack buffer and, for the plain
// selections queries use ({ amount }, aliases, currency, __typename), reads
// the selection set directly instead of through graphql.CollectFields, whose
// cache key allocates: it runs for every price of every row of a list (some
// 300 times in one quoteCart), so it must not allocate.
func (m Money) MarshalGQLContext(ctx context.Context, w io.Writer) error {
	var arr [128]byte
	b := m.appendObject(ctx, arr[:0])
	if bw, ok := w.(*bytes.Buffer); ok { // gqlgen's response buffer: arr stays on the stack
		_, err := bw.Write(b)
		return err
	}
	_, err := w.Write(append(make([]byte, 0, len(b)), b...))
	return err
}

// appendObject appends the JSON object of the selected fields to b.
func (m Money) appendObject(ctx context.Context, b []byte) []byte {
	b = append(b, '{')
	field := func(alias, name string) {
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, alias) // aliases are GraphQL names: plain ASCII
		b = append(b, ':')
		switch name {
		case "amount":
			b = append(m.appendAmount(append(b, '"')), '"')
		case "currency":
			b = append(b, `"`+Currency+`"`...)
		case "__typename":
			b = append(b, `"Money"`...)
		}
	}
	fc := graphql.GetFieldContext(ctx)
	switch {
	case fc == nil || !graphql.HasOperationContext(ctx):
		field("amount", "amount")
		field("currency", "currency")
	case plainSelection(fc.Field.Selections):
		for _, s := range fc.Field.Selections {
			f := s.(*ast.Field)
			field(f.Alias, f.Name)
		}
	default:
		for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, moneyImplementors) {
			field(f.Alias, f.Name)
		}
	}
	return append(b, '}')
}

// plainSelection reports whether a selection set is fields only, without
// directives (@skip, @include, @defer) and without two fields under one
// alias: then the fields are exactly what graphql.CollectFields would return,
// in the same order.
func plainSelection(sel ast.SelectionSet) bool {
	for i, s := range sel {
		f, ok := s.(*ast.Field)
		if !ok || len(f.Directives) > 0 {
			return false
		}
		for _, o := range sel[:i] {
			if o.(*ast.Field).Alias == f.Alias {
				return false
			}
		}
	}
	return true
}

var moneyImplementors = []string{"Money"}

// UnmarshalGQLContext reads a MoneyInput.
func (m *Money) UnmarshalGQLContext(_ context.Context, v any) error { return m.UnmarshalGQL(v) }
