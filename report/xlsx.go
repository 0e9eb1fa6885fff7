package report

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// Sheet names of the workbook, in order.
const (
	SheetOverview  = "概览"
	SheetTrend     = "趋势"
	SheetTraffic   = "渠道"
	SheetFunnel    = "漏斗"
	SheetProducts  = "商品"
	SheetCampaigns = "活动与达人"
	SheetContent   = "内容"
	SheetAlerts    = "预警"
)

// Sheets lists the workbook's sheets in order.
var Sheets = []string{SheetOverview, SheetTrend, SheetTraffic, SheetFunnel, SheetProducts, SheetCampaigns, SheetContent, SheetAlerts}

// XLSXContentType is the media type of the workbook.
const XLSXContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// cell styles of a workbook
type styles struct{ head, money, pct, count, title int }

// XLSX renders the report as a workbook: one sheet per part, amounts in yuan,
// rates as percentages, with native charts (GMV trend line, traffic mix
// doughnut, funnel bars).
func XLSX(r *Report) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), SheetOverview); err != nil {
		return nil, err
	}
	for _, s := range Sheets[1:] {
		if _, err := f.NewSheet(s); err != nil {
			return nil, err
		}
	}
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	w := &xw{f: f, st: st}
	w.overview(r)
	w.trend(r)
	w.traffic(r)
	w.funnel(r)
	w.products(r)
	w.campaigns(r)
	w.contents(r)
	w.alerts(r)
	if w.err != nil {
		return nil, w.err
	}
	_ = f.SetDocProps(&excelize.DocProperties{Title: r.Title(), Creator: "OpsGraph", Language: "zh-CN"})
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	money := "¥#,##0.00"
	pct := "0.0%"
	count := "#,##0"
	for _, x := range []struct {
		dst *int
		st  *excelize.Style
	}{
		{&s.head, &excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"2F5597"}}}},
		{&s.money, &excelize.Style{CustomNumFmt: &money}},
		{&s.pct, &excelize.Style{CustomNumFmt: &pct}},
		{&s.count, &excelize.Style{CustomNumFmt: &count}},
		{&s.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
	} {
		if *x.dst, err = f.NewStyle(x.st); err != nil {
			return s, err
		}
	}
	return s, nil
}

// xw writes a workbook, keeping the first error.
type xw struct {
	f   *excelize.File
	st  styles
	err error
}

func (w *xw) do(err error) {
	if w.err == nil && err != nil {
		w.err = err
	}
}

func cell(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

// table writes a header at row and the rows below it; formats gives the
// style of each column (0: none). It returns the row after the table.
func (w *xw) table(sheet string, row int, head []string, rows [][]any, formats []int) int {
	w.do(w.f.SetSheetRow(sheet, cell(1, row), &head))
	w.do(w.f.SetCellStyle(sheet, cell(1, row), cell(len(head), row), w.st.head))
	for i, r := range rows {
		w.do(w.f.SetSheetRow(sheet, cell(1, row+1+i), &r))
	}
	if len(rows) > 0 {
		for c, s := range formats {
			if s != 0 {
				w.do(w.f.SetCellStyle(sheet, cell(c+1, row+1), cell(c+1, row+len(rows)), s))
			}
		}
	}
	w.do(w.f.SetColWidth(sheet, "A", "A", 22))
	if len(head) > 1 {
		last, _ := excelize.ColumnNumberToName(len(head))
		w.do(w.f.SetColWidth(sheet, "B", last, 14))
	}
	return row + 1 + len(rows)
}

func (w *xw) heading(sheet string, row int, text string) {
	w.do(w.f.SetCellValue(sheet, cell(1, row), text))
	w.do(w.f.SetCellStyle(sheet, cell(1, row), cell(1, row), w.st.title))
}

// kpiCell is a KPI value in the unit the cell's style shows (yuan for money).
func kpiCell(u Unit, v float64) any {
	if u == Money {
		return v / 100
	}
	return v
}

func optional(f *float64) any {
	if f == nil {
		return "—"
	}
	return *f
}

func (w *xw) overview(r *Report) {
	s := SheetOverview
	w.heading(s, 1, r.Title())
	w.do(w.f.SetCellValue(s, "A2", fmt.Sprintf("统计周期：%s 至 %s（%d 天）；环比：%s 至 %s；同比：%s 至 %s",
		r.Period.From, r.Period.To, r.Period.Days, r.Previous.From, r.Previous.To, r.YearAgo.From, r.YearAgo.To)))
	head := []string{"指标", "本期", "上期", "环比", "去年同期", "同比", "目标", "达成率"}
	row := 4
	w.do(w.f.SetSheetRow(s, cell(1, row), &head))
	w.do(w.f.SetCellStyle(s, cell(1, row), cell(len(head), row), w.st.head))
	for i, k := range r.KPIs {
		n := row + 1 + i
		var target any = "—"
		if k.Target != nil {
			target = kpiCell(k.Unit, *k.Target)
		}
		vals := []any{k.Name, kpiCell(k.Unit, k.Value), kpiCell(k.Unit, k.Previous), optional(k.PreviousChange),
			kpiCell(k.Unit, k.YearAgo), optional(k.YearAgoChange), target, optional(k.Progress)}
		w.do(w.f.SetSheetRow(s, cell(1, n), &vals))
		vs := w.st.count
		switch k.Unit {
		case Money:
			vs = w.st.money
		case Rate:
			vs = w.st.pct
		}
		for _, c := range []int{2, 3, 5, 7} {
			w.do(w.f.SetCellStyle(s, cell(c, n), cell(c, n), vs))
		}
		for _, c := range []int{4, 6, 8} {
			w.do(w.f.SetCellStyle(s, cell(c, n), cell(c, n), w.st.pct))
		}
	}
	w.do(w.f.SetColWidth(s, "A", "A", 16))
	w.do(w.f.SetColWidth(s, "B", "H", 16))
	w.do(w.f.SetCellValue(s, cell(1, row+len(r.KPIs)+2), "生成时间："+FormatTime(r.GeneratedAt)+"（北京时间）；金额单位：元"))
}

func (w *xw) trend(r *Report) {
	s := SheetTrend
	rows := make([][]any, 0, len(r.Trend)+1)
	for _, p := range r.Trend {
		rows = append(rows, []any{p.Day, Yuan(p.PaidAmount), p.PaidOrders, p.Visitors})
	}
	t := r.TrendTotals()
	rows = append(rows, []any{"合计", Yuan(t.PaidAmount), t.PaidOrders, t.Visitors})
	end := w.table(s, 1, []string{"日期", "支付金额（元）", "支付笔数", "访客数"}, rows, []int{0, w.st.money, w.st.count, w.st.count})
	if len(r.Trend) == 0 {
		return
	}
	last := end - 2 // the row before 合计
	w.do(w.f.AddChart(s, "F2", &excelize.Chart{
		Type: excelize.Line,
		Series: []excelize.ChartSeries{{
			Name:       fmt.Sprintf("'%s'!$B$1", s),
			Categories: fmt.Sprintf("'%s'!$A$2:$A$%d", s, last),
			Values:     fmt.Sprintf("'%s'!$B$2:$B$%d", s, last),
		}},
		Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "GMV 趋势（支付金额，元）"}}},
		Legend: excelize.ChartLegend{Position: "bottom"},
		Format: excelize.GraphicOptions{ScaleX: 1.4, ScaleY: 1.2},
	}))
}

func (w *xw) traffic(r *Report) {
	s := SheetTraffic
	rows := make([][]any, 0, len(r.Traffic))
	for _, t := range r.Traffic {
		rows = append(rows, []any{SourceName(t.Source), t.Visitors, t.Share, t.PayingBuyers, t.ConversionRate, Yuan(t.PaidAmount), t.AmountShare})
	}
	w.table(s, 1, []string{"流量来源", "访客数", "访客占比", "支付买家数", "转化率", "支付金额（元）", "金额占比"}, rows,
		[]int{0, w.st.count, w.st.pct, w.st.count, w.st.pct, w.st.money, w.st.pct})
	if len(rows) == 0 {
		return
	}
	w.do(w.f.AddChart(s, "I2", &excelize.Chart{
		Type: excelize.Doughnut,
		Series: []excelize.ChartSeries{{
			Name:       fmt.Sprintf("'%s'!$B$1", s),
			Categories: fmt.Sprintf("'%s'!$A$2:$A$%d", s, len(rows)+1),
			Values:     fmt.Sprintf("'%s'!$B$2:$B$%d", s, len(rows)+1),
		}},
		Title:    excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "流量来源占比（访客）"}}},
		Legend:   excelize.ChartLegend{Position: "right"},
		PlotArea: excelize.ChartPlotArea{ShowPercent: true},
		HoleSize: 50,
	}))
}

func (w *xw) funnel(r *Report) {
	s := SheetFunnel
	rows := make([][]any, 0, len(r.Funnel))
	for _, st := range r.Funnel {
		rows = append(rows, []any{StageName(st.Stage), st.Count, st.FromPrev, st.FromTop})
	}
	w.table(s, 1, []string{"环节", "人数", "环节转化率", "整体转化率"}, rows, []int{0, w.st.count, w.st.pct, w.st.pct})
	if len(rows) == 0 {
		return
	}
	w.do(w.f.AddChart(s, "F2", &excelize.Chart{
		Type: excelize.Bar,
		Series: []excelize.ChartSeries{{
			Name:       fmt.Sprintf("'%s'!$B$1", s),
			Categories: fmt.Sprintf("'%s'!$A$2:$A$%d", s, len(rows)+1),
			Values:     fmt.Sprintf("'%s'!$B$2:$B$%d", s, len(rows)+1),
		}},
		Title:    excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "转化漏斗"}}},
		Legend:   excelize.ChartLegend{Position: "none"},
		PlotArea: excelize.ChartPlotArea{ShowVal: true},
		// The first stage on top.
		YAxis: excelize.ChartAxis{ReverseOrder: true},
	}))
}

func (w *xw) products(r *Report) {
	rows := make([][]any, 0, len(r.Products))
	for i, p := range r.Products {
		rows = append(rows, []any{i + 1, p.Name, p.Store, name(roleNames, p.Role), p.SKUs, Yuan(p.PaidAmount), p.Share})
	}
	w.table(SheetProducts, 1, []string{"排名", "商品", "店铺", "4321 角色", "SKU 数", "支付金额（元）", "金额占比"}, rows,
		[]int{0, 0, 0, 0, w.st.count, w.st.money, w.st.pct})
	w.do(w.f.SetColWidth(SheetProducts, "A", "A", 8))
	w.do(w.f.SetColWidth(SheetProducts, "B", "B", 30))
}

func (w *xw) campaigns(r *Report) {
	s := SheetCampaigns
	w.heading(s, 1, "营销活动")
	rows := make([][]any, 0, len(r.Campaigns))
	for _, c := range r.Campaigns {
		rows = append(rows, []any{c.Name, c.Store, c.Kind, c.Status, FormatTime(c.Starts), FormatTime(c.Ends),
			Yuan(c.PaidAmount), c.PaidOrders, c.PayingBuyers, Yuan(c.Spend), optional(c.ROI)})
	}
	next := w.table(s, 2, []string{"活动", "店铺", "类型", "状态", "开始", "结束", "支付金额（元）", "支付笔数", "支付买家数", "花费（元）", "ROI"}, rows,
		[]int{0, 0, 0, 0, 0, 0, w.st.money, w.st.count, w.st.count, w.st.money, 0})
	w.heading(s, next+1, "达人合作")
	rows = rows[:0]
	for _, k := range r.KOLs {
		rows = append(rows, []any{k.Partner, k.Platform, k.Tier, k.Status, k.Campaign, k.Orders, Yuan(k.GMV), Yuan(k.Refunds), Yuan(k.Commission), Yuan(k.Fee)})
	}
	w.table(s, next+2, []string{"达人", "平台", "层级", "状态", "活动", "带货订单", "带货 GMV（元）", "退款（元）", "佣金（元）", "坑位费（元）"}, rows,
		[]int{0, 0, 0, 0, 0, w.st.count, w.st.money, w.st.money, w.st.money, w.st.money})
}

func (w *xw) contents(r *Report) {
	rows := make([][]any, 0, len(r.Contents))
	for _, c := range r.Contents {
		rows = append(rows, []any{c.Title, name(contentKinds, c.Kind), c.Store, FormatTime(c.PublishedAt)})
	}
	w.table(SheetContent, 1, []string{"标题", "类型", "店铺", "发布时间"}, rows, nil)
	w.do(w.f.SetColWidth(SheetContent, "A", "A", 40))
}

func (w *xw) alerts(r *Report) {
	rows := make([][]any, 0, len(r.Alerts))
	for _, a := range r.Alerts {
		rows = append(rows, []any{FormatTime(a.RaisedAt), a.Kind, name(severities, a.Severity), a.Status, a.Message})
	}
	w.table(SheetAlerts, 1, []string{"时间", "类型", "级别", "状态", "内容"}, rows, nil)
	w.do(w.f.SetColWidth(SheetAlerts, "E", "E", 60))
}
