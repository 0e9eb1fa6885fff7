package model

import "github.com/opsgraph/opsgraph/insights/insightsvc"

// Insights is the GraphQL Insights object; Scope and Period stay hidden for
// the fields computed on demand (repurchase30).
type Insights struct {
	Period         *InsightPeriod         `json:"period"`
	PreviousPeriod *InsightPeriod         `json:"previousPeriod"`
	YearAgoPeriod  *InsightPeriod         `json:"yearAgoPeriod"`
	Figures        *InsightFigures        `json:"figures"`
	Previous       *InsightFigures        `json:"previous"`
	YearAgo        *InsightFigures        `json:"yearAgo"`
	Kpis           []*KPIComparison       `json:"kpis"`
	Funnel         []*FunnelStage         `json:"funnel"`
	TrafficMix     []*TrafficSourceShare  `json:"trafficMix"`
	ByOrganization []*OrganizationFigures `json:"byOrganization"`
	ByStore        []*StoreFigures        `json:"byStore"`

	Result *insightsvc.Result `json:"-"`
}
