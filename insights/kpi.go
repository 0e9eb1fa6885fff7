package insights

// Totals are the additive inputs of a period's KPIs for one store, or the sum of
// several stores. Buyer counts are distinct within one store; summed over stores
// they count a person once per store (buyer references are per-platform
// pseudonyms and cannot be joined across stores).
type Totals struct {
	Visitors        int64 // 访客数 (platform snapshot)
	AddToCart       int64 // 加购 (platform snapshot)
	OrderingBuyers  int64 // 下单买家数: distinct buyers who placed an order
	PayingBuyers    int64 // 支付买家数: distinct buyers who paid
	PaidOrders      int64 // 支付笔数
	PaidAmount      int64 // 支付金额 in fen, postage included, refunds not deducted
	RefundAmount    int64 // refunded amount (fen) of the orders paid in the period
	RefundedOrders  int64 // paid orders of the period that were refunded
	NewBuyers       int64 // paying buyers with no paid order in the 365 days before
	ReturningBuyers int64 // 老买家: paying buyers with a paid order in the 365 days before
	RepeatBuyers    int64 // paying buyers with ≥ 2 paid orders in the period
}

// Add sums two totals.
func (t Totals) Add(u Totals) Totals {
	return Totals{
		Visitors: t.Visitors + u.Visitors, AddToCart: t.AddToCart + u.AddToCart,
		OrderingBuyers: t.OrderingBuyers + u.OrderingBuyers, PayingBuyers: t.PayingBuyers + u.PayingBuyers,
		PaidOrders: t.PaidOrders + u.PaidOrders, PaidAmount: t.PaidAmount + u.PaidAmount,
		RefundAmount: t.RefundAmount + u.RefundAmount, RefundedOrders: t.RefundedOrders + u.RefundedOrders,
		NewBuyers: t.NewBuyers + u.NewBuyers, ReturningBuyers: t.ReturningBuyers + u.ReturningBuyers,
		RepeatBuyers: t.RepeatBuyers + u.RepeatBuyers,
	}
}

// KPIs are the headline figures of a period.
type KPIs struct {
	Totals
	AverageOrderValue int64   // 客单价 = 支付金额 ÷ 支付买家数, fen, half up
	ConversionRate    float64 // 支付转化率 = 支付买家数 ÷ 访客数
	UVValue           int64   // UV价值 = 支付金额 ÷ 访客数, fen, half up
	RefundRate        float64 // 退款率 = refunded amount ÷ 支付金额
	RepurchaseRate    float64 // 复购率 = buyers with ≥ 2 paid orders ÷ 支付买家数
	ReturningShare    float64 // 老买家占比 = returning ÷ paying buyers
}

// Compute derives the ratios from the totals; a ratio over zero is 0.
func Compute(t Totals) KPIs {
	return KPIs{
		Totals:            t,
		AverageOrderValue: DivRound(t.PaidAmount, t.PayingBuyers),
		ConversionRate:    Ratio(t.PayingBuyers, t.Visitors),
		UVValue:           DivRound(t.PaidAmount, t.Visitors),
		RefundRate:        Ratio(t.RefundAmount, t.PaidAmount),
		RepurchaseRate:    Ratio(t.RepeatBuyers, t.PayingBuyers),
		ReturningShare:    Ratio(t.ReturningBuyers, t.PayingBuyers),
	}
}

// Ratio is a ÷ b, or 0 when b ≤ 0.
func Ratio(a, b int64) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// DivRound is a ÷ b rounded half away from zero (money in fen), 0 when b ≤ 0.
func DivRound(a, b int64) int64 {
	if b <= 0 {
		return 0
	}
	if a < 0 {
		return -DivRound(-a, b)
	}
	return (a*2 + b) / (b * 2)
}

// Change compares a figure with a base: the difference and the relative change.
type Change struct {
	Base     float64
	Delta    float64  // current − base
	Relative *float64 // (current − base) ÷ |base|; nil when the base is 0
}

// Compare is current against base.
func Compare(current, base float64) Change {
	c := Change{Base: base, Delta: current - base}
	if base != 0 {
		r := c.Delta / abs(base)
		c.Relative = &r
	}
	return c
}

// Progress is how far current is toward a target (达成率); nil without a target.
func Progress(current, target float64) *float64 {
	if target <= 0 {
		return nil
	}
	r := current / target
	return &r
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// Metric names a KPI, for targets, alerts and comparisons.
type Metric string

// The KPIs that take targets and alert thresholds.
const (
	MetricPaidAmount      Metric = "PAID_AMOUNT"
	MetricPayingBuyers    Metric = "PAYING_BUYERS"
	MetricPaidOrders      Metric = "PAID_ORDERS"
	MetricAOV             Metric = "AVERAGE_ORDER_VALUE"
	MetricConversionRate  Metric = "CONVERSION_RATE"
	MetricUVValue         Metric = "UV_VALUE"
	MetricRefundRate      Metric = "REFUND_RATE"
	MetricRepurchaseRate  Metric = "REPURCHASE_RATE"
	MetricVisitors        Metric = "VISITORS"
	MetricNewBuyers       Metric = "NEW_BUYERS"
	MetricReturningBuyers Metric = "RETURNING_BUYERS"
)

// Metrics lists every Metric.
var Metrics = []Metric{MetricPaidAmount, MetricPayingBuyers, MetricPaidOrders, MetricAOV, MetricConversionRate,
	MetricUVValue, MetricRefundRate, MetricRepurchaseRate, MetricVisitors, MetricNewBuyers, MetricReturningBuyers}

// Value is the KPI's value as a float (money in fen).
func (k KPIs) Value(m Metric) (float64, bool) {
	switch m {
	case MetricPaidAmount:
		return float64(k.PaidAmount), true
	case MetricPayingBuyers:
		return float64(k.PayingBuyers), true
	case MetricPaidOrders:
		return float64(k.PaidOrders), true
	case MetricAOV:
		return float64(k.AverageOrderValue), true
	case MetricConversionRate:
		return k.ConversionRate, true
	case MetricUVValue:
		return float64(k.UVValue), true
	case MetricRefundRate:
		return k.RefundRate, true
	case MetricRepurchaseRate:
		return k.RepurchaseRate, true
	case MetricVisitors:
		return float64(k.Visitors), true
	case MetricNewBuyers:
		return float64(k.NewBuyers), true
	case MetricReturningBuyers:
		return float64(k.ReturningBuyers), true
	}
	return 0, false
}
