package report

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// stageNames are the funnel stages' Chinese and English names for the workbook.
var stageNames = map[string]string{StageEntered: "进入直播间 Entered", StageStayed: "停留≥1分钟 Stayed ≥ 1 min",
	StageViewed: "浏览商品 Viewed a product", StageCheckout: "发起下单 Started checkout", StagePaid: "支付 Paid"}

var reasonNames = map[string]string{ReasonSoldOut: "售罄仍有需求 Sold out", ReasonLongView: "停留久未购买 Long time on page",
	ReasonPriceChanged: "直播中改价 Price changed"}

// workbook writes sheets row by row.
type workbook struct {
	f     *excelize.File
	money int // style: yuan with two decimals
	pct   int // style: percent
	head  int // style: bold header
	err   error
}

func yuan(fen int64) float64 { return float64(fen) / 100 }

// sheet starts a sheet (the first one renames the default sheet).
func (w *workbook) sheet(name string, first bool) {
	if w.err != nil {
		return
	}
	if first {
		w.err = w.f.SetSheetName("Sheet1", name)
	} else {
		_, w.err = w.f.NewSheet(name)
	}
	if w.err == nil {
		w.err = w.f.SetColWidth(name, "A", "A", 28)
	}
	if w.err == nil {
		w.err = w.f.SetColWidth(name, "B", "L", 14)
	}
}

// row writes values at row n (1-based); styles maps a column index to a style.
func (w *workbook) row(sheet string, n int, values []any, styles map[int]int) {
	if w.err != nil {
		return
	}
	cell, _ := excelize.CoordinatesToCellName(1, n)
	if w.err = w.f.SetSheetRow(sheet, cell, &values); w.err != nil {
		return
	}
	for col, st := range styles {
		c, _ := excelize.CoordinatesToCellName(col+1, n)
		if w.err = w.f.SetCellStyle(sheet, c, c, st); w.err != nil {
			return
		}
	}
}

func (w *workbook) header(sheet string, n int, values ...any) {
	styles := map[int]int{}
	for i := range values {
		styles[i] = w.head
	}
	w.row(sheet, n, values, styles)
}

func (w *workbook) chart(sheet, cell string, typ excelize.ChartType, title, cats, vals string) {
	if w.err != nil {
		return
	}
	ref := func(r string) string { return fmt.Sprintf("'%s'!%s", sheet, r) }
	w.err = w.f.AddChart(sheet, cell, &excelize.Chart{Type: typ, Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title}}},
		Series:    []excelize.ChartSeries{{Name: title, Categories: ref(cats), Values: ref(vals)}},
		Legend:    excelize.ChartLegend{Position: "none"},
		Dimension: excelize.ChartDimension{Width: 640, Height: 320}})
}

// WriteXLSX writes the report as an Excel workbook (money in yuan), with every customer
// of both groups (the report itself carries at most MaxListedIDs of each).
func WriteXLSX(out io.Writer, r Report, converted, nonConverted []CustomerRow, loc *time.Location) error {
	f := excelize.NewFile()
	defer f.Close()
	w := &workbook{f: f}
	w.money, w.err = f.NewStyle(&excelize.Style{NumFmt: 2})
	if w.err == nil {
		w.pct, w.err = f.NewStyle(&excelize.Style{NumFmt: 10})
	}
	if w.err == nil {
		w.head, w.err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"F3E8EA"}, Pattern: 1}})
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("2006-01-02 15:04:05")
	}

	const ov = "概览 Overview"
	w.sheet(ov, true)
	w.header(ov, 1, "指标 Metric", "数值 Value")
	rows := [][]any{{"直播 Session", r.Title}, {"开始 Started", when(r.StartedAt)}, {"结束 Ended", when(r.EndedAt)},
		{"时长（分钟） Duration (min)", r.DurationSeconds / 60}, {"观众 Viewers", r.Viewers}, {"峰值在线 Peak online", r.PeakOnline},
		{"评论 Comments", r.Comments}, {"点赞 Likes", r.Likes}, {"订单 Orders", r.Orders}, {"成交额（元） GMV (yuan)", yuan(r.GMV)},
		{"已支付订单 Paid orders", r.PaidOrders}, {"支付金额（元） Paid (yuan)", yuan(r.PaidAmount)},
		{"转化率 Conversion", r.Consumption.Conversion}, {"人均观看（秒） Avg watch (s)", r.Viewing.AvgWatchSeconds},
		{"新观众 New", r.Audience.New}, {"老观众 Returning", r.Audience.Returning},
		{"已转化客户 Converted customers", r.Customers.Converted.Count}, {"未转化客户 Non-converted customers", r.Customers.NonConverted.Count}}
	for i, v := range rows {
		st := map[int]int{}
		switch i {
		case 9, 11:
			st[1] = w.money
		case 12:
			st[1] = w.pct
		}
		w.row(ov, i+2, v, st)
	}

	const fu = "漏斗 Funnel"
	w.sheet(fu, false)
	w.header(fu, 1, "阶段 Stage", "人数 Count", "转化 Rate", "流失 Drop-off", "流失率 Drop-off rate")
	for i, s := range r.Funnel {
		w.row(fu, i+2, []any{stageNames[s.Stage], s.Count, s.Rate, s.DropOff, s.DropOffRate}, map[int]int{2: w.pct, 4: w.pct})
	}
	w.chart(fu, "G2", excelize.Bar, "漏斗 Funnel", fmt.Sprintf("$A$2:$A$%d", len(r.Funnel)+1), fmt.Sprintf("$B$2:$B$%d", len(r.Funnel)+1))

	const pr = "商品 Products"
	w.sheet(pr, false)
	w.header(pr, 1, "商品 Product", "浏览 Views", "浏览人数 Viewers", "点击购买 Clicks", "订单 Orders", "件数 Units",
		"成交额（元） GMV", "支付金额（元） Paid", "转化 Conversion", "未购买者停留（秒） Non-buyer view (s)", "未购买原因 Reasons")
	for i, p := range r.Products {
		reasons := ""
		for j, code := range p.Reasons {
			if j > 0 {
				reasons += "; "
			}
			reasons += reasonNames[code]
		}
		w.row(pr, i+2, []any{p.Name, p.Views, p.Viewers, p.Clicks, p.Orders, p.Units, yuan(p.GMV), yuan(p.PaidAmount), p.Conversion,
			p.NonBuyerAvgSeconds, reasons}, map[int]int{6: w.money, 7: w.money, 8: w.pct})
	}

	const at = "渠道 Attribution"
	w.sheet(at, false)
	w.header(at, 1, "渠道 Channel", "入口 Link", "观众 Viewers", "买家 Buyers", "订单 Orders", "成交额（元） GMV", "支付金额（元） Paid")
	n := 2
	for _, c := range r.Attribution.Channels {
		w.row(at, n, []any{c.Channel, "", c.Viewers, c.Buyers, c.Orders, yuan(c.GMV), yuan(c.PaidAmount)}, map[int]int{5: w.money, 6: w.money})
		n++
	}
	for _, l := range r.Attribution.Links {
		w.row(at, n, []any{l.Channel, l.Label + " (" + l.Code + ")", l.Viewers, l.Buyers, l.Orders, yuan(l.GMV), yuan(l.PaidAmount)},
			map[int]int{5: w.money, 6: w.money})
		n++
	}

	const re = "留存 Retention"
	w.sheet(re, false)
	w.header(re, 1, "分钟 Minute", "在线观众 Viewers", "评论 Comments", "点赞 Likes", "礼物 Gifts")
	for i, m := range r.Viewing.Retention {
		e := MinuteEngage{}
		if i < len(r.Engagement.PerMinute) {
			e = r.Engagement.PerMinute[i]
		}
		w.row(re, i+2, []any{m.Minute, m.Viewers, e.Comments, e.Likes, e.Gifts}, nil)
	}
	if len(r.Viewing.Retention) > 0 {
		last := len(r.Viewing.Retention) + 1
		w.chart(re, "G2", excelize.Line, "留存曲线 Retention", fmt.Sprintf("$A$2:$A$%d", last), fmt.Sprintf("$B$2:$B$%d", last))
	}

	const wt = "观看时长 Watch time"
	w.sheet(wt, false)
	w.header(wt, 1, "时长 Watched", "观众 Viewers")
	for i, b := range r.Viewing.Distribution {
		w.row(wt, i+2, []any{b.Label, b.Viewers}, nil)
	}

	const cu = "客户 Customers"
	w.sheet(cu, false)
	w.header(cu, 1, "分组 Group", "客户ID Customer", "姓名 Name", "支付订单 Paid orders", "支付金额（元） Paid", "观看（秒） Watched (s)", "老客 Returning")
	n = 2
	for _, g := range []struct {
		name string
		rows []CustomerRow
	}{{"已转化 Converted", converted}, {"未转化 Non-converted", nonConverted}} {
		for _, c := range g.rows {
			w.row(cu, n, []any{g.name, c.CustomerID, c.Name, c.PaidOrders, yuan(c.PaidAmount), c.WatchSeconds, c.Returning}, map[int]int{4: w.money})
			n++
		}
	}

	const co = "对比 Comparison"
	w.sheet(co, false)
	w.header(co, 1, "直播 Session", "开始 Started", "观众 Viewers", "峰值 Peak", "订单 Orders", "成交额（元） GMV", "支付金额（元） Paid", "转化 Conversion")
	w.row(co, 2, []any{r.Title + "（本场 this）", when(r.StartedAt), r.Viewers, r.PeakOnline, r.Orders, yuan(r.GMV), yuan(r.PaidAmount),
		r.Consumption.Conversion}, map[int]int{5: w.money, 6: w.money, 7: w.pct})
	for i, p := range r.Comparison.Sessions {
		w.row(co, i+3, []any{p.Title, when(p.StartedAt), p.Viewers, p.PeakOnline, p.Orders, p.GMV / 100, p.PaidAmount / 100, p.Conversion},
			map[int]int{5: w.money, 6: w.money, 7: w.pct})
	}
	if w.err != nil {
		return fmt.Errorf("report: excel: %w", w.err)
	}
	if _, err := f.WriteTo(out); err != nil {
		return fmt.Errorf("report: excel: %w", err)
	}
	return nil
}
