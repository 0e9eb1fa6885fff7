// Package analytics computes the operations ratios (转化率, 客单价, ROI …) from
// stored numbers. Pure functions, no I/O.
package analytics

import "github.com/opsgraph/opsgraph/ent/schema/schematype"

// ConversionRate is paid orders over visitors (转化率), 0 without visitors.
func ConversionRate(paidOrders, visitors int64) float64 {
	if visitors <= 0 {
		return 0
	}
	return float64(paidOrders) / float64(visitors)
}

// AverageOrderValue is GMV over paid orders (客单价), rounded half up to the fen.
func AverageOrderValue(gmv schematype.Money, paidOrders int64) schematype.Money {
	if paidOrders <= 0 {
		return 0
	}
	return schematype.Money((int64(gmv)*2 + paidOrders) / (paidOrders * 2))
}
