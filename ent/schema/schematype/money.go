// Package schematype holds the Go types that ent fields and the GraphQL schema share.
package schematype

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
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
// GraphQL object. It builds the object in one stack buffer: it runs for every
// price of every row of a list, so it must not allocate per field.
func (m Money) MarshalGQLContext(ctx context.Context, w io.Writer) error {
	var arr [96]byte
	b := append(arr[:0], '{')
	field := func(alias string) {
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, alias) // aliases are GraphQL names: plain ASCII
		b = append(b, ':')
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		field("amount")
		b = append(m.appendAmount(append(b, '"')), '"')
		field("currency")
		b = append(b, `"`+Currency+`"`...)
	} else {
		for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, moneyImplementors) {
			switch f.Name {
			case "amount":
				field(f.Alias)
				b = append(m.appendAmount(append(b, '"')), '"')
			case "currency":
				field(f.Alias)
				b = append(b, `"`+Currency+`"`...)
			case "__typename":
				field(f.Alias)
				b = append(b, `"Money"`...)
			}
		}
	}
	_, err := w.Write(append(b, '}'))
	return err
}

var moneyImplementors = []string{"Money"}

// UnmarshalGQLContext reads a MoneyInput.
func (m *Money) UnmarshalGQLContext(_ context.Context, v any) error { return m.UnmarshalGQL(v) }
