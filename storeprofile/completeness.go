// Package storeprofile checks how complete a store's profile is (店铺信息完善).
package storeprofile

import "strings"

// Profile is the part of a store the completeness check reads.
type Profile struct {
	Introduction     string // 简介
	BusinessHours    string // 营业时间
	ShippingPolicy   string // 物流说明
	AfterSalesPolicy string // 售后政策
	AutoReply        string // 自动回复
	ServiceTags      []string
}

// Completeness returns the percentage of checked items present and the GraphQL
// names of the missing ones, in a fixed order.
func Completeness(p Profile) (percent int, missing []string) {
	items := []struct {
		name string
		ok   bool
	}{
		{"introduction", strings.TrimSpace(p.Introduction) != ""},
		{"businessHours", strings.TrimSpace(p.BusinessHours) != ""},
		{"shippingPolicy", strings.TrimSpace(p.ShippingPolicy) != ""},
		{"afterSalesPolicy", strings.TrimSpace(p.AfterSalesPolicy) != ""},
		{"autoReply", strings.TrimSpace(p.AutoReply) != ""},
		{"serviceTags", len(p.ServiceTags) > 0},
	}
	missing = []string{}
	for _, it := range items {
		if !it.ok {
			missing = append(missing, it.name)
		}
	}
	return (len(items) - len(missing)) * 100 / len(items), missing
}
