package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/analytics/report"
	"github.com/siyu-live/siyu/internal/live"
)

// analyticsPageSize is the number of ended sessions per page of the list. Each row's
// figures are its stored report (recomputed only when late orders or events moved it
// on), so a page costs a few reads per row.
const analyticsPageSize = 10

// analyticsListData is the 数据分析 landing page: the sessions on air now with their
// live figures, then the ended ones (newest first, one page) with their report's
// headline, a summary and a trend over that page.
type analyticsListData struct {
	Live    []analyticsLiveRow
	Ended   []analyticsEndedRow
	Before  int64
	Next    string
	Summary analyticsSummary
	Trend   string // chart JSON; "" with fewer than two ended sessions on the page
}

// analyticsLiveRow is a session on air and its dashboard figures.
type analyticsLiveRow struct {
	S          live.Session
	Online     int
	Viewers    int64
	Orders     int64
	GMV        int64
	PaidAmount int64
	Conversion float64
}

// analyticsEndedRow is an ended session and its report's headline figures.
type analyticsEndedRow struct {
	S          live.Session
	Viewers    int64
	Peak       int64
	Orders     int64
	GMV        int64
	PaidAmount int64
	Conversion float64
	AvgWatch   int64
}

// analyticsSummary adds up the ended sessions of the page.
type analyticsSummary struct {
	Sessions   int
	Viewers    int64
	Orders     int64
	GMV        int64
	PaidAmount int64
	Conversion float64 // viewers who paid ÷ viewers, over the page's sessions
}

func (c *Console) analyticsReady() error {
	if c.Analytics == nil || c.Live == nil {
		return siyu.Errorf(siyu.ECONFLICT, "analytics is not available on this node")
	}
	return nil
}

func (c *Console) analyticsList(q *rq) error {
	if err := c.analyticsReady(); err != nil {
		return err
	}
	ctx := q.r.Context()
	d := analyticsListData{}
	d.Before, _ = strconv.ParseInt(q.r.URL.Query().Get("before"), 10, 64)
	if d.Before == 0 {
		lives, _, err := c.Live.List(ctx, q.p, live.StatusLive, 0, 50)
		if err != nil {
			return err
		}
		for _, s := range lives {
			dash, err := c.Analytics.Dashboard(ctx, q.p, s.ID)
			if err != nil {
				return err
			}
			d.Live = append(d.Live, analyticsLiveRow{S: s, Online: dash.Online, Viewers: dash.Viewers, Orders: dash.Orders,
				GMV: dash.GMV, PaidAmount: dash.PaidAmount, Conversion: dash.Conversion})
		}
	}
	ended, next, err := c.Live.List(ctx, q.p, live.StatusEnded, d.Before, analyticsPageSize)
	if err != nil {
		return err
	}
	d.Next = next
	var paidBuyers int64
	for _, s := range ended {
		r, err := c.Analytics.Report(ctx, q.p, s.ID, false)
		if err != nil {
			return err
		}
		d.Ended = append(d.Ended, analyticsEndedRow{S: s, Viewers: r.Viewers, Peak: r.PeakOnline, Orders: r.Orders, GMV: r.GMV,
			PaidAmount: r.PaidAmount, Conversion: r.Consumption.Conversion, AvgWatch: r.Viewing.AvgWatchSeconds})
		sm := &d.Summary
		sm.Sessions++
		sm.Viewers += r.Viewers
		sm.Orders += r.Orders
		sm.GMV += r.GMV
		sm.PaidAmount += r.PaidAmount
		if i := slices.IndexFunc(r.Funnel, func(st report.Stage) bool { return st.Stage == report.StagePaid }); i >= 0 {
			paidBuyers += r.Funnel[i].Count
		}
	}
	if d.Summary.Viewers > 0 {
		d.Summary.Conversion = float64(paidBuyers) / float64(d.Summary.Viewers)
	}
	if len(d.Ended) >= 2 {
		d.Trend = c.sessionTrend(q.lang, d.Ended).JSON()
	}
	q.render(http.StatusOK, "analytics_list", "nav.analytics", d)
	return nil
}

// sessionTrend is the landing page's chart: GMV and paid amount as bars, viewers as a
// line, oldest session first.
func (c *Console) sessionTrend(lang string, rows []analyticsEndedRow) chart {
	ch := chart{Kind: "combo", Mark: -1, Series: []chartSeries{
		{Name: c.tr(lang, "analytics.kpi.gmv"), Money: true},
		{Name: c.tr(lang, "analytics.kpi.paid"), Money: true},
		{Name: c.tr(lang, "analytics.kpi.viewers"), Line: true, Right: true},
	}}
	for _, r := range slices.Backward(rows) {
		ch.X = append(ch.X, sessionLabel(r.S.Title, r.S.StartedAt))
		ch.Series[0].Data = append(ch.Series[0].Data, yuanF(r.GMV))
		ch.Series[1].Data = append(ch.Series[1].Data, yuanF(r.PaidAmount))
		ch.Series[2].Data = append(ch.Series[2].Data, float64(r.Viewers))
	}
	return ch
}

// sessionLabel names a session on a chart axis: its date and a short title.
func sessionLabel(title string, at time.Time) string {
	rs := []rune(title)
	if len(rs) > 8 {
		title = string(rs[:8]) + "…"
	}
	if at.IsZero() {
		return title
	}
	return at.In(shanghai).Format("01-02") + "\n" + title
}

// analyticsSession opens a session's analytics where it is most useful: the live
// dashboard while on air (or before), the report once ended.
func (c *Console) analyticsSession(q *rq) error {
	if err := c.analyticsReady(); err != nil {
		return err
	}
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	s, err := c.Live.Get(q.r.Context(), q.p, id)
	if err != nil {
		return err
	}
	target := analyticsURL(id, "live")
	if s.Status == live.StatusEnded {
		target = analyticsURL(id, "report")
	}
	http.Redirect(q.w, q.r, target, http.StatusFound)
	return nil
}

func analyticsURL(id int64, page string) string {
	return "/console/analytics/sessions/" + strconv.FormatInt(id, 10) + "/" + page
}
