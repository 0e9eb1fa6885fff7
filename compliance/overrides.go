package compliance

import (
	"fmt"
	"strings"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// MaxOverrides bounds an organization's own terms.
const MaxOverrides = 500

// ValidateOverrides checks an organization's own terms (an owner's or
// reviewer's submission) and returns them as stored: at most MaxOverrides,
// each 1 to 40 characters; a relaxed term must be relaxable (medical terms
// never are); an added term without a severity is C.
func ValidateOverrides(in []Override) ([]schematype.ComplianceOverride, error) {
	if len(in) > MaxOverrides {
		return nil, apperr.Input("terms", "at most %d terms", MaxOverrides)
	}
	out := make([]schematype.ComplianceOverride, 0, len(in))
	for i, t := range in {
		term := strings.TrimSpace(t.Term)
		if term == "" || len([]rune(term)) > 40 {
			return nil, apperr.Input(fmt.Sprintf("terms[%d].term", i), "must be 1 to 40 characters")
		}
		o := schematype.ComplianceOverride{Term: term, Relax: t.Relax}
		if o.Relax {
			if !Relaxable(term) {
				return nil, apperr.Input(fmt.Sprintf("terms[%d].term", i), "medical terms cannot be relaxed")
			}
		} else {
			o.Severity = string(SeverityC)
			if t.Severity != "" {
				o.Severity = string(t.Severity)
			}
			o.Suggestion = t.Suggestion
		}
		out = append(out, o)
	}
	return out, nil
}
