package schematype

import (
	"bytes"
	"context"
	"testing"
)

func TestMoneyAmountAndMarshal(t *testing.T) {
	for _, tc := range []struct {
		m      Money
		amount string
	}{
		{0, "0.00"}, {5, "0.05"}, {12950, "129.50"}, {-305, "-3.05"}, {-5, "-0.05"}, {100, "1.00"},
		{Money(1 << 60), "11529215046068469.76"},
	} {
		if got := tc.m.Amount(); got != tc.amount {
			t.Errorf("Money(%d).Amount() = %q, want %q", int64(tc.m), got, tc.amount)
		}
		if p, err := ParseMoney(tc.amount); err != nil || p != tc.m {
			t.Errorf("ParseMoney(%q) = %d, %v: does not round-trip", tc.amount, p, err)
		}
		var buf bytes.Buffer
		if err := tc.m.MarshalGQLContext(context.Background(), &buf); err != nil {
			t.Fatal(err)
		}
		if want := `{"amount":"` + tc.amount + `","currency":"CNY"}`; buf.String() != want {
			t.Errorf("marshal %d: %s, want %s", int64(tc.m), buf.String(), want)
		}
	}
}

func BenchmarkMoneyMarshal(b *testing.B) {
	var buf bytes.Buffer
	m := Money(12950)
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		_ = m.MarshalGQLContext(context.Background(), &buf)
	}
}
