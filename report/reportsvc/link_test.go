package reportsvc

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/insights"
)

func TestLinks(t *testing.T) {
	now := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	s := NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	d, _ := insights.ParseDate("2026-11-15")
	month, _ := insights.PeriodOf(insights.Month, d)
	l := LinkFor(7, 3, 0, 42, month, FormatXLSX, now.Add(LinkTTL))
	tok := s.Sign(l)
	payload, sig, _ := strings.Cut(tok, ".")
	other := NewSigner([]byte("another secret key of 32 bytes!!")).Sign(l)
	for _, c := range []struct {
		name string
		tok  string
		at   time.Time
		want error
	}{
		{"valid", tok, now, nil},
		{"valid until the last second", tok, now.Add(LinkTTL - time.Second), nil},
		{"expired", tok, now.Add(LinkTTL), ErrLinkExpired},
		{"other key", other, now, ErrLinkInvalid},
		{"signature cut", payload + "." + sig[:10], now, ErrLinkInvalid},
		{"payload changed", strings.Replace(payload, "e", "f", 1) + "." + sig, now, ErrLinkInvalid},
		{"no dot", payload, now, ErrLinkInvalid},
		{"empty", "", now, ErrLinkInvalid},
		{"too long", strings.Repeat("a", 2000) + "." + sig, now, ErrLinkInvalid},
	} {
		got, err := s.Verify(c.tok, c.at)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
			continue
		}
		if c.want == nil {
			p, err := got.Period()
			if err != nil || got != l || p.Label() != "2026-11" {
				t.Errorf("%s: %+v %v %v", c.name, got, p, err)
			}
		}
	}
	// A signed link whose period is not a period of its kind is refused.
	bad := l
	bad.From = "2026-11-02"
	if _, err := bad.Period(); !errors.Is(err, ErrLinkInvalid) {
		t.Errorf("shifted month: %v", err)
	}
}

func TestParsePeriod(t *testing.T) {
	today, _ := insights.ParseDate("2026-12-02")
	for _, c := range []struct {
		kind, day, from, to string
		label, field        string
	}{
		{"MONTH", "2026-11-05", "", "", "2026-11", ""},
		{"month", "", "", "", "2026-12", ""},
		{"WEEK", "2026-11-18", "", "", "2026-W47", ""},
		{"CUSTOM", "", "2026-11-01", "2026-11-05", "2026-11-01~2026-11-05", ""},
		{"CUSTOM", "", "2026-11-05", "2026-11-01", "", "to"},
		{"CUSTOM", "", "nope", "2026-11-01", "", "from"},
		{"YEAR", "", "", "", "", "kind"},
		{"DAY", "2026-13-01", "", "", "", "day"},
	} {
		p, err := ParsePeriod(c.kind, c.day, c.from, c.to, today)
		var ae *apperr.Error
		switch {
		case c.field != "":
			if !errors.As(err, &ae) || ae.Field != c.field || ae.Code != apperr.BadUserInput {
				t.Errorf("%+v: %v, want BAD_USER_INPUT on %s", c, err, c.field)
			}
		case err != nil || p.Label() != c.label:
			t.Errorf("%+v: %v %v", c, p.Label(), err)
		}
	}
}

func TestContentDisposition(t *testing.T) {
	for _, c := range []struct {
		attach         bool
		name, fallback string
		want           string
	}{
		{true, "品牌A_月报_2026-11.xlsx", "r.xlsx", `attachment; filename="r.xlsx"; filename*=UTF-8''%E5%93%81%E7%89%8CA_%E6%9C%88%E6%8A%A5_2026-11.xlsx`},
		{false, "a b;c\"d.html", "r.html", `inline; filename="r.html"; filename*=UTF-8''a%20b%3Bc%22d.html`},
	} {
		if got := ContentDisposition(c.attach, c.name, c.fallback); got != c.want {
			t.Errorf("%s\nwant %s", got, c.want)
		}
	}
}
