package compliance

import (
	"errors"
	"strings"
	"testing"

	"github.com/opsgraph/opsgraph/apperr"
)

func TestValidateOverrides(t *testing.T) {
	tests := []struct {
		name      string
		in        []Override
		wantField string // "" = accepted
		wantSev   string
	}{
		{"added term defaults to C", []Override{{Term: " 爆款 "}}, "", "C"},
		{"added term keeps its severity", []Override{{Term: "神器", Severity: SeverityA}}, "", "A"},
		{"relaxed ordinary term", []Override{{Term: "顶级", Relax: true}}, "", ""},
		{"medical term cannot be relaxed", []Override{{Term: "消炎", Relax: true}}, "terms[0].term", ""},
		{"empty term", []Override{{Term: "  "}}, "terms[0].term", ""},
		{"term too long", []Override{{Term: "好"}, {Term: strings.Repeat("长", 41)}}, "terms[1].term", ""},
		{"too many terms", make([]Override, MaxOverrides+1), "terms", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := ValidateOverrides(tc.in)
			if tc.wantField != "" {
				var ae *apperr.Error
				if !errors.As(err, &ae) || ae.Code != apperr.BadUserInput || ae.Field != tc.wantField {
					t.Fatalf("err %v, want BAD_USER_INPUT on %s", err, tc.wantField)
				}
				return
			}
			if err != nil || len(out) != len(tc.in) {
				t.Fatalf("out %+v, err %v", out, err)
			}
			if out[0].Term != strings.TrimSpace(tc.in[0].Term) || out[0].Severity != tc.wantSev {
				t.Errorf("stored %+v, want trimmed term and severity %q", out[0], tc.wantSev)
			}
		})
	}
}
