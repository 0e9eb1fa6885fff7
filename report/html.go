package report

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"
)

// HTMLContentType is the media type of the page.
const HTMLContentType = "text/html; charset=utf-8"

// defang keeps text from reading as a link: a printed report carries no URL
// at all, not even one typed into a content title or an alert message.
func defang(s string) string {
	return strings.NewReplacer("://", "：／／", "//", "／／", "www.", "www．").Replace(s)
}

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"yuan":    FormatYuan,
	"pct":     FormatPercent,
	"change":  FormatChange,
	"value":   FormatValue,
	"time":    FormatTime,
	"stage":   StageName,
	"source":  SourceName,
	"kind":    func(k string) string { return name(contentKinds, k) },
	"role":    func(k string) string { return name(roleNames, k) },
	"sev":     func(k string) string { return name(severities, k) },
	"text":    defang,
	"inc":     func(i int) int { return i + 1 },
	"up":      func(f *float64) bool { return f != nil && *f > 0 },
	"down":    func(f *float64) bool { return f != nil && *f < 0 },
	"cx":      func(d Donut) float64 { return d.Radius + 20 },
	"roifmt":  func(f *float64) string { return formatROI(f) },
	"present": func(f *float64) bool { return f != nil },
	"deref":   func(f *float64) float64 { return *f },
	"change2": func(f *float64) string {
		if f == nil {
			return "—"
		}
		return FormatPercent(*f)
	},
	"mul2": func(f float64) float64 { return 2 * f },
}).Parse(pageTemplate))

func formatROI(f *float64) string {
	if f == nil {
		return "—"
	}
	return strconv.FormatFloat(*f, 'f', 2, 64)
}

// HTML renders the report as one self-contained printable page: inline CSS,
// inline SVG charts, no script, font, image or link to anything outside.
func HTML(r *Report) ([]byte, error) {
	data := struct {
		*Report
		Trend  LineChart
		Donut  Donut
		Funnel Bars
		Totals DayPoint
		Title  string
	}{Report: r, Trend: TrendChart(r.Trend), Donut: TrafficDonut(r.Traffic), Funnel: FunnelBars(r.Funnel),
		Totals: r.TrendTotals(), Title: defang(r.Title())}
	var b bytes.Buffer
	if err := page.Execute(&b, data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

const pageTemplate = `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{.Title}}</title>
<style>
body { font-family: "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; color: #222; margin: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; border-left: 4px solid #2f5597; padding-left: 8px; margin: 24px 0 8px; }
.meta { color: #666; font-size: 12px; }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; }
.tile { border: 1px solid #dde; border-radius: 6px; padding: 8px 10px; }
.tile .name { color: #666; font-size: 12px; }
.tile .val { font-size: 18px; font-weight: bold; margin: 2px 0; }
.tile .cmp { font-size: 11px; color: #555; }
.up { color: #c00000; } .down { color: #2e7d32; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { border: 1px solid #dde; padding: 4px 6px; text-align: left; }
th { background: #2f5597; color: #fff; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; background: #f3f5fa; }
svg text { font-size: 11px; fill: #444; }
.legend span { display: inline-block; margin-right: 12px; font-size: 12px; }
.sw { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
section { break-inside: avoid; page-break-inside: avoid; }
@page { size: A4; margin: 12mm; }
@media print { body { margin: 0; } .tiles { grid-template-columns: repeat(4, 1fr); } th { background: #2f5597 !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<div class="meta">统计周期：{{.Period.From}} 至 {{.Period.To}}（{{.Period.Days}} 天） · 环比：{{.Previous.From}} 至 {{.Previous.To}} · 同比：{{.YearAgo.From}} 至 {{.YearAgo.To}} · 生成时间：{{time .GeneratedAt}}（北京时间）</div>

<section id="kpi">
<h2>核心指标</h2>
<div class="tiles">
{{range .KPIs}}<div class="tile"><div class="name">{{.Name}}</div><div class="val">{{value .Unit .Value}}</div>
<div class="cmp">环比 <span class="{{if up .PreviousChange}}up{{else if down .PreviousChange}}down{{end}}">{{change .PreviousChange}}</span> · 同比 <span class="{{if up .YearAgoChange}}up{{else if down .YearAgoChange}}down{{end}}">{{change .YearAgoChange}}</span></div>
<div class="cmp">{{if present .Target}}目标 {{value .Unit (deref .Target)}} · 达成 {{change2 .Progress}}{{else}}目标 —{{end}}</div></div>
{{end}}</div>
</section>

<section id="trend">
<h2>GMV 趋势</h2>
<svg width="{{.Trend.Width}}" height="{{.Trend.Height}}" viewBox="0 0 {{.Trend.Width}} {{.Trend.Height}}" role="img" aria-label="GMV 趋势">
<line x1="{{.Trend.Left}}" y1="{{.Trend.Bottom}}" x2="{{.Trend.Right}}" y2="{{.Trend.Bottom}}" stroke="#999"/>
<line x1="{{.Trend.Left}}" y1="{{.Trend.Top}}" x2="{{.Trend.Left}}" y2="{{.Trend.Bottom}}" stroke="#999"/>
<text x="{{.Trend.Left}}" y="{{.Trend.Top}}" dx="-4" text-anchor="end">{{.Trend.MaxLabel}}</text>
<text x="{{.Trend.Left}}" y="{{.Trend.Bottom}}" dx="-4" text-anchor="end">¥0</text>
{{if .Trend.Points}}<polyline fill="none" stroke="#2f5597" stroke-width="2" points="{{.Trend.Points}}"/>{{end}}
{{range .Trend.Dots}}<circle cx="{{.X}}" cy="{{.Y}}" r="2" fill="#2f5597"/>{{end}}
{{range .Trend.XLabels}}<text x="{{.X}}" y="{{$.Trend.Bottom}}" dy="16" text-anchor="middle">{{.Text}}</text>{{end}}
</svg>
<table><tr><th>日期</th><th>支付金额</th><th>支付笔数</th><th>访客数</th></tr>
{{range .Report.Trend}}<tr><td>{{.Day}}</td><td class="n">{{yuan .PaidAmount}}</td><td class="n">{{.PaidOrders}}</td><td class="n">{{.Visitors}}</td></tr>
{{end}}<tr class="total"><td>合计</td><td class="n">{{yuan .Totals.PaidAmount}}</td><td class="n">{{.Totals.PaidOrders}}</td><td class="n">{{.Totals.Visitors}}</td></tr></table>
</section>

<section id="traffic">
<h2>流量来源</h2>
<svg width="{{.Donut | cx | mul2}}" height="{{.Donut | cx | mul2}}" viewBox="0 0 {{.Donut | cx | mul2}} {{.Donut | cx | mul2}}" role="img" aria-label="流量来源占比">
<g transform="rotate(-90 {{cx .Donut}} {{cx .Donut}})">
<circle cx="{{cx .Donut}}" cy="{{cx .Donut}}" r="{{.Donut.Radius}}" fill="none" stroke="#eee" stroke-width="28"/>
{{range .Donut.Segments}}<circle cx="{{cx $.Donut}}" cy="{{cx $.Donut}}" r="{{$.Donut.Radius}}" fill="none" stroke="{{.Colour}}" stroke-width="28" stroke-dasharray="{{.DashArray}}" stroke-dashoffset="{{.Offset}}"/>
{{end}}</g></svg>
<div class="legend">{{range .Donut.Segments}}<span><svg class="sw" width="10" height="10"><rect width="10" height="10" fill="{{.Colour}}"/></svg>{{.Label}} {{pct .Share}}</span>{{end}}</div>
<table><tr><th>来源</th><th>访客数</th><th>访客占比</th><th>支付买家数</th><th>转化率</th><th>支付金额</th><th>金额占比</th></tr>
{{range .Traffic}}<tr><td>{{source .Source}}</td><td class="n">{{.Visitors}}</td><td class="n">{{pct .Share}}</td><td class="n">{{.PayingBuyers}}</td><td class="n">{{pct .ConversionRate}}</td><td class="n">{{yuan .PaidAmount}}</td><td class="n">{{pct .AmountShare}}</td></tr>
{{end}}</table>
</section>

<section id="funnel">
<h2>转化漏斗</h2>
<svg width="{{.Funnel.Width}}" height="{{.Funnel.Height}}" viewBox="0 0 {{.Funnel.Width}} {{.Funnel.Height}}" role="img" aria-label="转化漏斗">
{{range .Funnel.Bars}}<text x="0" y="{{.Y}}" dy="20">{{.Label}}</text><rect x="90" y="{{.Y}}" width="{{.Width}}" height="28" fill="{{.Colour}}"/><text x="{{.Width}}" y="{{.Y}}" dx="96" dy="20">{{.Value}}</text>
{{end}}</svg>
<table><tr><th>环节</th><th>人数</th><th>环节转化率</th><th>整体转化率</th></tr>
{{range .Report.Funnel}}<tr><td>{{stage .Stage}}</td><td class="n">{{.Count}}</td><td class="n">{{pct .FromPrev}}</td><td class="n">{{pct .FromTop}}</td></tr>
{{end}}</table>
</section>

<section id="products">
<h2>热销商品</h2>
{{if .Products}}<table><tr><th>排名</th><th>商品</th><th>店铺</th><th>4321 角色</th><th>SKU 数</th><th>支付金额</th><th>金额占比</th></tr>
{{range $i, $p := .Products}}<tr><td>{{inc $i}}</td><td>{{text $p.Name}}</td><td>{{text $p.Store}}</td><td>{{role $p.Role}}</td><td class="n">{{$p.SKUs}}</td><td class="n">{{yuan $p.PaidAmount}}</td><td class="n">{{pct $p.Share}}</td></tr>
{{end}}</table>{{else}}<p class="meta">本期无商品销售。</p>{{end}}
</section>

<section id="campaigns">
<h2>营销活动</h2>
{{if .Campaigns}}<table><tr><th>活动</th><th>店铺</th><th>类型</th><th>状态</th><th>时间</th><th>支付金额</th><th>支付笔数</th><th>花费</th><th>ROI</th></tr>
{{range .Campaigns}}<tr><td>{{text .Name}}</td><td>{{text .Store}}</td><td>{{.Kind}}</td><td>{{.Status}}</td><td>{{time .Starts}} ~ {{time .Ends}}</td><td class="n">{{yuan .PaidAmount}}</td><td class="n">{{.PaidOrders}}</td><td class="n">{{yuan .Spend}}</td><td class="n">{{roifmt .ROI}}</td></tr>
{{end}}</table>{{else}}<p class="meta">本期无营销活动。</p>{{end}}
<h2>达人合作</h2>
{{if .KOLs}}<table><tr><th>达人</th><th>平台</th><th>层级</th><th>状态</th><th>活动</th><th>带货订单</th><th>带货 GMV</th><th>退款</th><th>佣金</th><th>坑位费</th></tr>
{{range .KOLs}}<tr><td>{{text .Partner}}</td><td>{{.Platform}}</td><td>{{.Tier}}</td><td>{{.Status}}</td><td>{{text .Campaign}}</td><td class="n">{{.Orders}}</td><td class="n">{{yuan .GMV}}</td><td class="n">{{yuan .Refunds}}</td><td class="n">{{yuan .Commission}}</td><td class="n">{{yuan .Fee}}</td></tr>
{{end}}</table>{{else}}<p class="meta">本期无达人合作。</p>{{end}}
</section>

<section id="content">
<h2>内容发布</h2>
{{if .Contents}}<table><tr><th>标题</th><th>类型</th><th>店铺</th><th>发布时间</th></tr>
{{range .Contents}}<tr><td>{{text .Title}}</td><td>{{kind .Kind}}</td><td>{{text .Store}}</td><td>{{time .PublishedAt}}</td></tr>
{{end}}</table>{{else}}<p class="meta">本期无发布内容。</p>{{end}}
</section>

<section id="alerts">
<h2>预警</h2>
{{if .Alerts}}<table><tr><th>时间</th><th>类型</th><th>级别</th><th>状态</th><th>内容</th></tr>
{{range .Alerts}}<tr><td>{{time .RaisedAt}}</td><td>{{.Kind}}</td><td>{{sev .Severity}}</td><td>{{.Status}}</td><td>{{text .Message}}</td></tr>
{{end}}</table>{{else}}<p class="meta">本期无预警。</p>{{end}}
</section>
<p class="meta">金额单位：元 · 由 OpsGraph 生成</p>
</body>
</html>
`
