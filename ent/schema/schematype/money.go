// Package schematype holds the Go types that ent fields and the GraphQL schema share.
package schematype

import (
	"context"
	"encoding/json"
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
	v := int64(m)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
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
// GraphQL object.
func (m Money) MarshalGQLContext(ctx context.Context, w io.Writer) error {
	obj := map[string]any{}
	var order []string
	add := func(key string, v any) {
		if _, dup := obj[key]; !dup {
			order = append(order, key)
		}
		obj[key] = v
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		add("amount", m.Amount())
		add("currency", Currency)
	} else {
		for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, []string{"Money"}) {
			switch f.Name {
			case "amount":
				add(f.Alias, m.Amount())
			case "currency":
				add(f.Alias, Currency)
			case "__typename":
				add(f.Alias, "Money")
			}
		}
	}
	if _, err := io.WriteString(w, "{"); err != nil {
		return err
	}
	for i, k := range order {
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(obj[k])
		sep := ","
		if i == 0 {
			sep = ""
		}
		if _, err := fmt.Fprintf(w, "%s%s:%s", sep, kb, vb); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "}")
	return err
}

// UnmarshalGQLContext reads a MoneyInput.
func (m *Money) UnmarshalGQLContext(_ context.Context, v any) error { return m.UnmarshalGQL(v) }
