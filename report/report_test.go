package report

import (
	"archive/zip"
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func ptr(f float64) *float64 { return &f }

func sample() *Report {
	r := &Report{
		Organization: "品牌A/旗舰",
		Period:       Period{Kind: "MONTH", Label: "2026-11", From: "2026-11-01", To: "2026-11-30", Days: 30},
		Previous:     Period{Kind: "MONTH", Label: "2026-10", From: "2026-10-01", To: "2026-10-31", Days: 31},
		YearAgo:      Period{Kind: "MONTH", Label: "2025-11", From: "2025-11-01", To: "2025-11-30", Days: 30},
		GeneratedAt:  time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC),
		KPIs: []KPI{
			{Metric: "PAID_AMOUNT", Name: "支付金额", Unit: Money, Value: 123456, Previous: 100000, PreviousChange: ptr(0.23456), YearAgo: 0,
				Target: ptr(200000), Progress: ptr(0.61728)},
			{Metric: "CONVERSION_RATE", Name: "支付转化率", Unit: Rate, Value: 0.05, Previous: 0.04, PreviousChange: ptr(0.25), YearAgo: 0.05, YearAgoChange: ptr(0)},
			{Metric: "PAID_ORDERS", Name: "支付笔数", Unit: Count, Value: 30, Previous: 40, PreviousChange: ptr(-0.25)},
		},
		Funnel: []FunnelStage{{"VISITORS", 1000, 1, 1}, {"ADD_TO_CART", 200, 0.2, 0.2}, {"ORDERING_BUYERS", 60, 0.3, 0.06}, {"PAYING_BUYERS", 50, 0.83, 0.05}},
		Traffic: []TrafficSource{{Source: "NATURAL_SEARCH", Visitors: 600, Share: 0.6, PaidAmount: 80000, AmountShare: 0.648},
			{Source: "PAID", Visitors: 300, Share: 0.3, PaidAmount: 40000, AmountShare: 0.324}, {Source: "OTHER", Visitors: 100, Share: 0.1, PaidAmount: 3456, AmountShare: 0.028}},
		Products:  []Product{{Name: "面霜 https://evil.example/x.png", Store: "天猫店", Role: "CORE", SKUs: 2, PaidAmount: 100000, Share: 0.81}},
		Campaigns: []Campaign{{Name: "双11", Store: "天猫店", Kind: "FULL_REDUCTION", Status: "ENDED", PaidAmount: 90000, PaidOrders: 20, Spend: 10000, ROI: ptr(9)}},
		KOLs:      []KOLResult{{Partner: "小美", Platform: "DOUYIN", Tier: "MID", Status: "DELIVERED", Orders: 5, GMV: 20000, Commission: 2000}},
		Contents:  []Content{{Title: `<img src="http://x">新品`, Kind: "ARTICLE", Store: "天猫店", PublishedAt: time.Date(2026, 11, 3, 4, 0, 0, 0, time.UTC)}},
		Alerts:    []Alert{{Kind: "REFUND_SPIKE", Severity: "CRITICAL", Status: "OPEN", Message: "退款率 see www.example.com", RaisedAt: time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)}},
	}
	for d := 1; d <= 30; d++ {
		r.Trend = append(r.Trend, DayPoint{Day: time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), PaidAmount: int64(d * 100), PaidOrders: 1, Visitors: int64(d)})
	}
	return r
}

// chartKinds lists the chart kinds of each chart part of a workbook.
func chartKinds(t *testing.T, b []byte) []string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	re := regexp.MustCompile(`<(?:c:)?(lineChart|doughnutChart|pieChart|barChart)>`)
	for _, f := range z.File {
		if !strings.HasPrefix(f.Name, "xl/charts/chart") {
			continue
		}
		rc, _ := f.Open()
		x, _ := io.ReadAll(rc)
		rc.Close()
		for _, m := range re.FindAllStringSubmatch(string(x), -1) {
			kinds = append(kinds, m[1])
		}
	}
	return kinds
}

func TestXLSX(t *testing.T) {
	r := sample()
	b, err := XLSX(r)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != strings.Join(Sheets, ",") {
		t.Errorf("sheets %s", got)
	}
	kinds := strings.Join(chartKinds(t, b), ",")
	for _, k := range []string{"lineChart", "doughnutChart", "barChart"} {
		if !strings.Contains(kinds, k) {
			t.Errorf("chart %s missing: %s", k, kinds)
		}
	}
	rows, _ := f.GetRows(SheetTrend, excelize.Options{RawCellValue: true})
	if len(rows) != 32 || rows[31][0] != "合计" || rows[31][1] != "465" || rows[31][3] != "465" {
		t.Errorf("trend totals: %d rows, last %v", len(rows), rows[len(rows)-1])
	}
	for _, c := range []struct{ sheet, cell, want string }{
		{SheetOverview, "A5", "支付金额"},
		{SheetOverview, "B5", "1234.56"}, // yuan
		{SheetOverview, "G5", "2000"},
		{SheetOverview, "F5", "—"}, // 同比 without a base
		{SheetOverview, "B6", "0.05"},
		{SheetFunnel, "A3", "加购"},
		{SheetTraffic, "A2", "自然搜索"},
		{SheetProducts, "F2", "1000"},
		{SheetCampaigns, "A3", "双11"},
		{SheetContent, "A2", `<img src="http://x">新品`},
		{SheetAlerts, "C2", "严重"},
	} {
		v, err := f.GetCellValue(c.sheet, c.cell, excelize.Options{RawCellValue: true})
		if err != nil || v != c.want {
			t.Errorf("%s!%s = %q (%v), want %q", c.sheet, c.cell, v, err, c.want)
		}
	}
}

func TestXLSXEmpty(t *testing.T) {
	r := &Report{Organization: "空", Period: Period{Kind: "DAY", Label: "2026-11-01"}}
	b, err := XLSX(r)
	if err != nil {
		t.Fatal(err)
	}
	if k := chartKinds(t, b); len(k) != 0 {
		t.Errorf("charts without data: %v", k)
	}
	if _, err := HTML(r); err != nil {
		t.Fatal(err)
	}
}

// externalRef finds anything a page could load or link from elsewhere.
var externalRef = regexp.MustCompile(`(?i)(<[^>]*\s(src|href|xlink:href|action|srcset)\s*=|url\s*\(|https?:|//[a-z0-9]|@import|<script|<link|<iframe|<object|<embed|<base)`)

func TestHTML(t *testing.T) {
	b, err := HTML(sample())
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if m := externalRef.FindAllString(s, -1); len(m) > 0 {
		t.Errorf("external references: %q", m)
	}
	for _, want := range []string{"<title>品牌A/旗舰 月报 2026-11</title>", "<polyline", "stroke-dasharray", "<rect", "¥1,234.56",
		"&#43;23.5%", "-25.0%", "目标 ¥2,000.00 · 达成 61.7%", "&lt;img", "自然搜索 60.0%", "@page", "合计</td><td class=\"n\">¥465.00"} {
		if !strings.Contains(s, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestFileName(t *testing.T) {
	for _, c := range []struct{ org, kind, label, want string }{
		{"品牌A", "MONTH", "2026-11", "品牌A_月报_2026-11"},
		{"a/b\\c:d", "WEEK", "2026-W47", "a_b_c_d_周报_2026-W47"},
		{"x\"y\r\nz", "CUSTOM", "2026-11-01~2026-11-05", "x_y__z_报告_2026-11-01_2026-11-05"},
	} {
		r := &Report{Organization: c.org, Period: Period{Kind: c.kind, Label: c.label}}
		if got := r.FileName(); got != c.want {
			t.Errorf("%q: %q, want %q", c.org, got, c.want)
		}
	}
}

func TestFormats(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{FormatYuan(123456789), "¥1,234,567.89"},
		{FormatYuan(-5), "-¥0.05"},
		{FormatYuan(0), "¥0.00"},
		{FormatChange(nil), "—"},
		{FormatChange(ptr(0.1234)), "+12.3%"},
		{FormatValue(Count, 12345), "12,345"},
		{FormatValue(Rate, 0.5), "50.0%"},
		{FormatTime(time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC)), "2026-12-01 00:30"},
	} {
		if c.got != c.want {
			t.Errorf("%q, want %q", c.got, c.want)
		}
	}
}

func TestCharts(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want float64
	}{{0, 1}, {1, 1}, {1.5, 2}, {3, 5}, {7, 10}, {12345, 20000}} {
		if got := niceMax(c.in); got != c.want {
			t.Errorf("niceMax(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	d := TrafficDonut(sample().Traffic)
	if len(d.Segments) != 3 || d.Segments[0].Offset != 0 || d.Segments[1].Offset >= 0 {
		t.Errorf("donut %+v", d)
	}
	lc := TrendChart(sample().Trend)
	if len(lc.Dots) != 30 || lc.Dots[0].X != float64(lc.Left) || lc.Dots[29].X != float64(lc.Right) || lc.Dots[29].Y < float64(lc.Top) {
		t.Errorf("line %+v", lc.Dots)
	}
	fb := FunnelBars(sample().Funnel)
	if fb.Bars[0].Width != 480 || fb.Bars[3].Width != 24 {
		t.Errorf("bars %+v", fb.Bars)
	}
}
