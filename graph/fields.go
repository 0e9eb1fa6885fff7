package graph

import (
	"sort"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/graph/model"
	"github.com/opsgraph/opsgraph/storeprofile"
)

// trafficSources lists a snapshot's traffic sources, largest first.
func trafficSources(m *ent.MetricSnapshot) []*model.TrafficSourceCount {
	out := make([]*model.TrafficSourceCount, 0, len(m.TrafficSources))
	for src, n := range m.TrafficSources {
		out = append(out, &model.TrafficSourceCount{Source: src, Visitors: int(n)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Visitors != out[j].Visitors {
			return out[i].Visitors > out[j].Visitors
		}
		return out[i].Source < out[j].Source
	})
	return out
}

func profileCompleteness(s *ent.Store) *model.ProfileCompleteness {
	pct, missing := storeprofile.Completeness(storeprofile.Profile{
		Introduction:     s.Introduction,
		BusinessHours:    s.BusinessHours,
		ShippingPolicy:   s.ShippingPolicy,
		AfterSalesPolicy: s.AfterSalesPolicy,
		AutoReply:        s.AutoReply,
		ServiceTags:      s.ServiceTags,
	})
	return &model.ProfileCompleteness{Percent: pct, Missing: missing}
}
