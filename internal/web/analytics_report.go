package web

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/siyu-live/siyu/internal/analytics/report"
	"github.com/siyu-live/siyu/internal/org"
)

// topCustomers is how many customers of each group the report names (the rest are a
// click away in the customer list once tagged).
const topCustomers = 5

// analyticsReportData is the 直播复盘 page: the report as the API gives it, and what the
// page adds to it — headline tiles with the change against earlier shows, the funnel
// and products in words, the customer groups with their tagging forms, and the charts.
type analyticsReportData struct {
	R         report.Report
	Tiles     []kpiTile
	Stages    []reportStage
	Insight   *funnelInsight // nil when nobody entered
	Products  []reportProduct
	Groups    []customerGroupView
	Compare   []compareRow
	Charts    map[string]string // chart JSON by container name
	SeeNames  bool              // may see customers (names, the customer list)
	CanTag    bool              // may tag customers and start a broadcast
	PaidShare float64           // paid amount ÷ GMV
}

// kpiTile is one headline figure; Change is against the average of earlier shows.
type kpiTile struct {
	Key    string // catalog key of the label
	Value  string
	Change *float64
	ID     string // data-testid suffix
}

// reportStage is one funnel stage in words (Key: its code).
type reportStage struct {
	Key         string
	Name        string
	Count       int64
	Rate        float64
	DropOff     int64
	DropOffRate float64
}

// funnelInsight sums the funnel up: entered → paid overall, and the step that lost
// the most viewers (Worst false when none lost any).
type funnelInsight struct {
	Overall  float64
	Worst    bool
	From, To string
	Lost     int64
	Rate     float64
}

// insight finds the funnel's overall rate and its worst step.
func insight(stages []reportStage) *funnelInsight {
	if len(stages) < 2 || stages[0].Count == 0 {
		return nil
	}
	in := &funnelInsight{Overall: ratioOf(stages[len(stages)-1].Count, stages[0].Count)}
	for i := 1; i < len(stages); i++ {
		if st := stages[i]; st.DropOff > in.Lost {
			in.Worst, in.From, in.To, in.Lost, in.Rate = true, stages[i-1].Name, st.Name, st.DropOff, st.DropOffRate
		}
	}
	return in
}

// reportProduct is one product row with its reasons for no purchase in words.
type reportProduct struct {
	report.Product
	Reasons []string
}

// customerGroupView is one customer group: its size, the best few by name (for roles
// that may see customers), the default tag and the result of a tagging just done.
type customerGroupView struct {
	Group  string // converted | non_converted
	Count  int64
	Top    []report.CustomerRow
	Tag    string
	Result *tagResultView
	Err    string
}

// tagResultView says how a tagging went and where to go next.
type tagResultView struct {
	Tag       string
	Tagged    int
	Skipped   int
	ListURL   string // the customer list filtered on the tag
	FollowURL string // a new broadcast that follows the group up
}

// compareRow is one session of the comparison table (Current: this one).
type compareRow struct {
	report.PastSession
	Current bool
}

func (c *Console) analyticsReport(q *rq) error {
	d, err := c.reportData(q)
	if err != nil {
		return err
	}
	q.render(http.StatusOK, "analytics_report", "analytics.report.title", d)
	return nil
}

// reportData loads the report of the session in the path and builds the page.
func (c *Console) reportData(q *rq) (analyticsReportData, error) {
	if err := c.analyticsReady(); err != nil {
		return analyticsReportData{}, err
	}
	id, err := pathID(q, "id")
	if err != nil {
		return analyticsReportData{}, err
	}
	ctx := q.r.Context()
	r, err := c.Analytics.Report(ctx, q.p, id, q.r.URL.Query().Get("refresh") == "1")
	if err != nil {
		return analyticsReportData{}, err
	}
	d := analyticsReportData{R: r, SeeNames: q.p.Can(org.PermCustomersView), CanTag: q.p.Can(org.PermCustomersManage)}
	d.PaidShare = ratioOf(r.PaidAmount, r.GMV)
	var ch *report.Change
	if r.Comparison.Change != nil {
		ch = r.Comparison.Change
	} else {
		ch = &report.Change{}
	}
	d.Tiles = []kpiTile{
		{Key: "analytics.kpi.viewers", Value: groupDigits(int(r.Viewers)), Change: ch.Viewers, ID: "viewers"},
		{Key: "analytics.kpi.peak", Value: groupDigits(int(r.PeakOnline)), Change: ch.PeakOnline, ID: "peak"},
		{Key: "analytics.kpi.avg_watch", Value: c.fmtWatch(q.lang, r.Viewing.AvgWatchSeconds), Change: ch.AvgWatchSeconds, ID: "avg-watch"},
		{Key: "analytics.kpi.orders", Value: groupDigits(int(r.Orders)), Change: ch.Orders, ID: "orders"},
		{Key: "analytics.kpi.gmv", Value: yuanFull(r.GMV), Change: ch.GMV, ID: "gmv"},
		{Key: "analytics.kpi.paid", Value: yuanFull(r.PaidAmount), Change: ch.PaidAmount, ID: "paid"},
		{Key: "analytics.kpi.conversion", Value: fmtPct(r.Consumption.Conversion), Change: ch.Conversion, ID: "conversion"},
		{Key: "analytics.kpi.engagement", Value: fmtPct(r.Engagement.EngagementRate), ID: "engagement"},
	}
	for _, st := range r.Funnel {
		d.Stages = append(d.Stages, reportStage{Key: st.Stage, Name: c.tr(q.lang, "analytics.stage."+st.Stage), Count: st.Count,
			Rate: st.Rate, DropOff: st.DropOff, DropOffRate: st.DropOffRate})
	}
	d.Insight = insight(d.Stages)
	for _, p := range r.Products {
		rp := reportProduct{Product: p}
		for _, why := range p.Reasons {
			rp.Reasons = append(rp.Reasons, "analytics.reason."+why)
		}
		d.Products = append(d.Products, rp)
	}
	for _, g := range []struct {
		name string
		grp  report.CustomerGroup
	}{{report.GroupConverted, r.Customers.Converted}, {report.GroupNonConverted, r.Customers.NonConverted}} {
		v := customerGroupView{Group: g.name, Count: g.grp.Count, Tag: c.tr(q.lang, "analytics.tag.default."+g.name, r.SessionID)}
		if d.SeeNames && g.grp.Count > 0 {
			if v.Top, _, err = c.Analytics.ReportCustomers(ctx, q.p, id, g.name, "", topCustomers); err != nil {
				return analyticsReportData{}, err
			}
		}
		d.Groups = append(d.Groups, v)
	}
	past := r.Comparison.Sessions
	for _, ps := range slices.Backward(past) {
		d.Compare = append(d.Compare, compareRow{PastSession: ps})
	}
	d.Compare = append(d.Compare, compareRow{Current: true, PastSession: report.PastSession{SessionID: r.SessionID,
		Title: r.Title, StartedAt: r.StartedAt, Headline: report.Headline{Viewers: float64(r.Viewers),
			PeakOnline: float64(r.PeakOnline), Orders: float64(r.Orders), GMV: float64(r.GMV), PaidAmount: float64(r.PaidAmount),
			Conversion: r.Consumption.Conversion, AvgWatchSeconds: float64(r.Viewing.AvgWatchSeconds)}}})
	d.Charts = c.reportCharts(q.lang, r, d.Compare)
	return d, nil
}

func ratioOf(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// yuanFull is fen as the console writes money: ¥1,234.50.
func yuanFull(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return sign + "¥" + groupDigits(int(fen/100)) + "." + strconv.FormatInt(fen%100/10, 10) + strconv.FormatInt(fen%10, 10)
}

// analyticsXLSX downloads the report as an Excel workbook (the API's export, behind
// the console's session).
func (c *Console) analyticsXLSX(q *rq) error {
	if err := c.analyticsReady(); err != nil {
		return err
	}
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	// Written whole before answering, so a refused or unknown session is an error page,
	// not a broken file.
	var buf bytes.Buffer
	if err := c.Analytics.ReportXLSX(q.r.Context(), q.p, id, &buf); err != nil {
		return err
	}
	h := q.w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", `attachment; filename="session-`+strconv.FormatInt(id, 10)+`-report.xlsx"; filename*=UTF-8''`+
		url.PathEscape(q.t("analytics.report.file", id)))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = buf.WriteTo(q.w) // a client gone mid-download is not an error to show
	return nil
}
