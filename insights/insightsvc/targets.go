package insightsvc

import (
	"context"
	"slices"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/insighttarget"
	"github.com/opsgraph/opsgraph/insights"
)

// SetTarget sets (or replaces) an organization's target for a KPI in the
// month or quarter containing day.
func SetTarget(ctx context.Context, c *ent.Client, orgID int, kind insights.Granularity, day insights.Date, m insights.Metric, value float64) (insights.Period, error) {
	if !slices.Contains(insights.Metrics, m) {
		return insights.Period{}, &insights.FieldError{Field: "metric", Reason: "unknown metric"}
	}
	if kind != insights.Month && kind != insights.Quarter {
		return insights.Period{}, &insights.FieldError{Field: "kind", Reason: "must be MONTH or QUARTER"}
	}
	if value < 0 {
		return insights.Period{}, &insights.FieldError{Field: "value", Reason: "must not be negative"}
	}
	p, err := insights.PeriodOf(kind, day)
	if err != nil {
		return p, err
	}
	err = c.InsightTarget.Create().SetOrganizationID(orgID).SetPeriodKind(insighttarget.PeriodKind(kind)).
		SetPeriodStart(p.From.String()).SetMetric(string(m)).SetValue(value).
		OnConflictColumns(insighttarget.FieldOrganizationID, insighttarget.FieldPeriodKind, insighttarget.FieldPeriodStart, insighttarget.FieldMetric).
		UpdateValue().UpdateUpdatedAt().Exec(ctx)
	return p, err
}
