// Package alerts holds the alert rules (预警): which kinds exist, the default
// rules of an organization, and the conditions (thresholds, anomalies against
// the trailing 28 days, spikes). Plain Go; alertsvc evaluates them over ent
// and keeps one alert per episode.
package alerts

import (
	"fmt"
	"math"
)

// Kind is what an alert is about (ent alert.kind and alertrule.kind).
type Kind string

// The rule kinds.
const (
	Threshold      Kind = "THRESHOLD"
	Anomaly        Kind = "ANOMALY"
	StockLow       Kind = "STOCK_LOW"
	DaysOfCover    Kind = "DAYS_OF_COVER"
	RefundSpike    Kind = "REFUND_SPIKE"
	SyncFailed     Kind = "SYNC_FAILED"
	CampaignBudget Kind = "CAMPAIGN_BUDGET"
	ContentSLA     Kind = "CONTENT_SLA"
)

// Rule is an alert rule as the evaluator sees it.
type Rule struct {
	ID        int
	Name      string
	Kind      Kind
	Metric    string  // THRESHOLD, ANOMALY
	Above     bool    // THRESHOLD: raise when above (else below)
	Threshold float64 // see the schema's description per kind
	Severity  string
	Enabled   bool
}

// TrailingDays is the history an anomaly is judged against.
const TrailingDays = 28

// MinHistory is the fewest trailing days an anomaly needs.
const MinHistory = 7

// Defaults are the rules every organization starts with.
func Defaults() []Rule {
	return []Rule{
		{Name: "库存预警: SKU stock at or below its warning level", Kind: StockLow, Severity: "WARNING", Enabled: true},
		{Name: "可售天数不足: days of cover below the supplier lead time", Kind: DaysOfCover, Severity: "WARNING", Enabled: true},
		{Name: "退款率异常: refund rate above its 28-day mean + 3σ", Kind: RefundSpike, Threshold: 3, Severity: "WARNING", Enabled: true},
		{Name: "同步失败: a platform sync failed", Kind: SyncFailed, Severity: "CRITICAL", Enabled: true},
		{Name: "支付金额异常: paid amount outside its 28-day mean ± 3σ", Kind: Anomaly, Metric: "PAID_AMOUNT", Threshold: 3, Severity: "WARNING", Enabled: true},
		{Name: "活动预算: campaign spend at 90 % of budget", Kind: CampaignBudget, Threshold: 0.9, Severity: "WARNING", Enabled: true},
		{Name: "审核超时: content in review for more than 48 hours", Kind: ContentSLA, Threshold: 48, Severity: "INFO", Enabled: true},
	}
}

// Breached reports whether value crosses the threshold (strictly).
func Breached(value float64, above bool, threshold float64) bool {
	if above {
		return value > threshold
	}
	return value < threshold
}

// Stats is the mean and population standard deviation of xs.
func Stats(xs []float64) (mean, sd float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		sd += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sd / float64(len(xs)))
}

// Anomalous reports whether value lies outside mean ± k·σ of the history; it
// needs MinHistory days, and with σ = 0 any change is anomalous.
func Anomalous(history []float64, value, k float64) bool {
	if len(history) < MinHistory {
		return false
	}
	m, sd := Stats(history)
	return math.Abs(value-m) > k*sd
}

// Spike reports whether value is above mean + k·σ of the history (only
// upward moves: a refund rate falling is good news).
func Spike(history []float64, value, k float64) bool {
	if len(history) < MinHistory {
		return false
	}
	m, sd := Stats(history)
	return value-m > k*sd
}

// BudgetReached reports whether spend is at least share of a positive budget.
func BudgetReached(spend, budget int64, share float64) bool {
	return budget > 0 && float64(spend) >= share*float64(budget)
}

// EpisodeKey identifies an open episode: one alert while its condition holds.
func EpisodeKey(org int, kind Kind, subject string) string {
	return fmt.Sprintf("%d|%s|%s", org, kind, subject)
}
