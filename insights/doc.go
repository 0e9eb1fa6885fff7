// Package insights holds the operations formulas an operations team and its
// agency review every week, following 生意参谋's definitions: the KPIs
// (支付金额, 支付买家数, 支付笔数, 客单价, 支付转化率, UV价值, 退款率), new and
// returning buyers, 复购率, the funnel and the traffic mix; periods (day, ISO
// week, month, quarter, custom) in a store's business time zone with their
// 环比/同比 comparisons and targets; RFM segments and cohort retention; and the
// 4321 product mix, slow movers, days of cover and replenishment.
//
// Everything here is plain Go in and out, without I/O; docs/insights.md states
// each definition and the service in insights/store reads the inputs from the
// daily rollups.
package insights
