// Package report renders a client report (客户周报/月报) — KPI tiles with
// 环比/同比/目标, the GMV trend, the funnel, the traffic mix, top products,
// campaign and KOL results, content published and the period's alerts — as an
// XLSX workbook with native charts (excelize) and as a printable HTML page
// with inline SVG charts and no external asset. Both are in Chinese.
//
// The package is pure: a Report value in, bytes out. Every figure is computed
// elsewhere (insights/insightsvc); this package only lays them out, and the
// only arithmetic it does is presentation (yuan from fen, totals rows of the
// figures it is given, chart geometry).
package report

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Unit says how a KPI value is shown.
type Unit int

// The units of KPI values.
const (
	Count Unit = iota // an integer count
	Money             // fen, shown in yuan
	Rate              // a fraction, shown as a percentage
)

// Report is everything a client report shows.
type Report struct {
	// Organization is the client's name.
	Organization string
	// Period, Previous and YearAgo are the period and its 环比/同比 bases.
	Period, Previous, YearAgo Period
	// GeneratedAt is when the report was produced (shown in the footer).
	GeneratedAt time.Time
	KPIs        []KPI
	// Trend is one point per day of the period, in order.
	Trend     []DayPoint
	Funnel    []FunnelStage
	Traffic   []TrafficSource
	Products  []Product
	Campaigns []Campaign
	KOLs      []KOLResult
	Contents  []Content
	Alerts    []Alert
}

// Period is a reporting period.
type Period struct {
	Kind  string // DAY, WEEK, MONTH, QUARTER or CUSTOM
	Label string // 2026-11, 2026-W47 …
	From  string // first day, YYYY-MM-DD
	To    string // last day (included), YYYY-MM-DD
	Days  int
}

// KPI is one tile: the value with its 环比, 同比 and target.
type KPI struct {
	Metric   string // PAID_AMOUNT …
	Name     string // 支付金额 …
	Unit     Unit
	Value    float64
	Previous float64
	// PreviousChange and YearAgoChange are relative changes; nil when the
	// base is 0.
	PreviousChange *float64
	YearAgo        float64
	YearAgoChange  *float64
	// Target and Progress (达成率) are nil without a target.
	Target   *float64
	Progress *float64
}

// DayPoint is one day of the trend.
type DayPoint struct {
	Day        string // YYYY-MM-DD
	PaidAmount int64  // fen
	PaidOrders int64
	Visitors   int64
}

// FunnelStage is a step of the funnel.
type FunnelStage struct {
	Stage    string // VISITORS, ADD_TO_CART, ORDERING_BUYERS, PAYING_BUYERS
	Count    int64
	FromPrev float64
	FromTop  float64
}

// TrafficSource is one line of the traffic mix.
type TrafficSource struct {
	Source         string // NATURAL_SEARCH …
	Visitors       int64
	Share          float64
	PayingBuyers   int64
	ConversionRate float64
	PaidAmount     int64 // fen
	AmountShare    float64
}

// Product is one of the top products of the period.
type Product struct {
	Name       string
	Store      string
	Role       string // CORE, POTENTIAL, TEST, CLEARANCE (4321)
	SKUs       int
	PaidAmount int64 // fen
	Share      float64
}

// Campaign is a campaign that ran in the period with its results.
type Campaign struct {
	Name, Store, Kind, Status string
	Starts, Ends              time.Time
	PaidAmount                int64 // fen
	PaidOrders, PayingBuyers  int64
	Spend                     int64    // fen
	ROI                       *float64 // nil without spend
}

// KOLResult is a KOL collaboration with its attributed results.
type KOLResult struct {
	Partner, Platform, Tier, Status string
	Campaign                        string
	Orders                          int64
	GMV, Refunds, Commission, Fee   int64 // fen
}

// Content is a piece of content published in the period.
type Content struct {
	Title, Kind, Store string
	PublishedAt        time.Time
}

// Alert is an alert raised in the period.
type Alert struct {
	Kind, Severity, Status, Message string
	RaisedAt                        time.Time
}

// Chinese labels.
var (
	metricNames = map[string]string{
		"PAID_AMOUNT": "支付金额", "PAYING_BUYERS": "支付买家数", "PAID_ORDERS": "支付笔数",
		"AVERAGE_ORDER_VALUE": "客单价", "CONVERSION_RATE": "支付转化率", "UV_VALUE": "UV价值",
		"REFUND_RATE": "退款率", "REPURCHASE_RATE": "复购率", "VISITORS": "访客数",
		"NEW_BUYERS": "新买家数", "RETURNING_BUYERS": "老买家数",
	}
	stageNames = map[string]string{
		"VISITORS": "访客", "ADD_TO_CART": "加购", "ORDERING_BUYERS": "下单买家", "PAYING_BUYERS": "支付买家",
	}
	sourceNames = map[string]string{
		"NATURAL_SEARCH": "自然搜索", "PAID": "付费推广", "CONTENT": "内容种草", "SOCIAL": "社交分享",
		"PRIVATE_DOMAIN": "私域", "OTHER": "其他",
	}
	kindNames = map[string]string{
		"DAY": "日报", "WEEK": "周报", "MONTH": "月报", "QUARTER": "季报", "CUSTOM": "报告",
	}
	roleNames = map[string]string{
		"CORE": "核心爆款", "POTENTIAL": "潜力款", "TEST": "测试款", "CLEARANCE": "清仓款",
	}
	contentKinds = map[string]string{"ARTICLE": "图文", "SHORT_VIDEO": "短视频", "LIVE": "直播", "TOPIC": "话题"}
	severities   = map[string]string{"INFO": "提示", "WARNING": "警告", "CRITICAL": "严重"}
)

func name(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return k
}

// MetricName is the Chinese name of a KPI (支付金额 …).
func MetricName(metric string) string { return name(metricNames, metric) }

// StageName is the Chinese name of a funnel stage.
func StageName(stage string) string { return name(stageNames, stage) }

// SourceName is the Chinese name of a traffic source.
func SourceName(source string) string { return name(sourceNames, source) }

// Title is the report's title, e.g. "品牌A 月报 2026-11".
func (r *Report) Title() string {
	return fmt.Sprintf("%s %s %s", r.Organization, name(kindNames, r.Period.Kind), r.Period.Label)
}

// FileName is the download's file name without extension, e.g.
// "品牌A_月报_2026-11": path separators and control characters removed.
func (r *Report) FileName() string {
	n := fmt.Sprintf("%s_%s_%s", r.Organization, name(kindNames, r.Period.Kind), r.Period.Label)
	return strings.Map(func(c rune) rune {
		switch {
		case c < 0x20 || c == 0x7f, strings.ContainsRune(`/\:*?"<>|~`, c):
			return '_'
		case c == ' ':
			return '_'
		}
		return c
	}, n)
}

// TrendTotals are the sums of the trend (the period's totals).
func (r *Report) TrendTotals() DayPoint {
	var t DayPoint
	for _, p := range r.Trend {
		t.PaidAmount += p.PaidAmount
		t.PaidOrders += p.PaidOrders
		t.Visitors += p.Visitors
	}
	return t
}

// Yuan converts fen to yuan.
func Yuan(fen int64) float64 { return float64(fen) / 100 }

// FormatYuan shows fen as "¥1,234.56".
func FormatYuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	s := fmt.Sprintf("%s.%02d", groupThousands(fen/100), fen%100)
	if neg {
		return "-¥" + s
	}
	return "¥" + s
}

func groupThousands(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// FormatPercent shows a fraction as "12.3%".
func FormatPercent(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", f*100)
}

// FormatChange shows a relative change as "+12.3%" or "—" when undefined.
func FormatChange(f *float64) string {
	if f == nil {
		return "—"
	}
	if *f > 0 {
		return "+" + FormatPercent(*f)
	}
	return FormatPercent(*f)
}

// FormatValue shows a KPI value in its unit.
func FormatValue(u Unit, v float64) string {
	switch u {
	case Money:
		return FormatYuan(int64(math.Round(v)))
	case Rate:
		return FormatPercent(v)
	}
	return groupThousands(int64(math.Round(v)))
}

// UnitOf is the unit of a KPI.
func UnitOf(metric string) Unit {
	switch metric {
	case "PAID_AMOUNT", "AVERAGE_ORDER_VALUE", "UV_VALUE":
		return Money
	case "CONVERSION_RATE", "REFUND_RATE", "REPURCHASE_RATE":
		return Rate
	}
	return Count
}

const timeLayout = "2006-01-02 15:04"

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// FormatTime shows a time in Asia/Shanghai.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(shanghai).Format(timeLayout)
}
