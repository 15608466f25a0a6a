package web

import (
	"github.com/siyu-live/siyu/internal/analytics/report"
)

// reportCharts builds the report page's charts, by container name: funnel, watch-time
// distribution, retention, engagement by minute, audience, attribution by channel and
// comparison with earlier shows. A chart without data is left out, and the page shows
// an empty note in its place.
func (c *Console) reportCharts(lang string, r report.Report, cmp []compareRow) map[string]string {
	tr := func(key string, args ...any) string { return c.tr(lang, key, args...) }
	out := map[string]string{}

	if len(r.Funnel) > 0 && r.Funnel[0].Count > 0 {
		f := chart{Kind: "funnel", Mark: -1, Series: []chartSeries{{Name: tr("analytics.funnel")}}}
		for _, st := range r.Funnel {
			f.Series[0].Items = append(f.Series[0].Items, chartSlice{Name: tr("analytics.stage." + st.Stage), Value: float64(st.Count)})
		}
		out["funnel"] = f.JSON()
	}

	if r.Viewers > 0 {
		dist := chart{Kind: "bar", Mark: -1, Series: []chartSeries{{Name: tr("analytics.kpi.viewers")}}}
		for _, b := range r.Viewing.Distribution {
			label := b.Label
			if k := "analytics.bucket." + b.Label; c.has(lang, k) {
				label = tr(k)
			}
			dist.X = append(dist.X, label)
			dist.Series[0].Data = append(dist.Series[0].Data, float64(b.Viewers))
		}
		out["distribution"] = dist.JSON()
	}

	if len(r.Viewing.Retention) > 0 {
		ret := chart{Kind: "line", Mark: -1, Series: []chartSeries{{Name: tr("analytics.retention.series")}}}
		for _, m := range r.Viewing.Retention {
			ret.X = append(ret.X, tr("analytics.minute", m.Minute))
			ret.Series[0].Data = append(ret.Series[0].Data, float64(m.Viewers))
		}
		out["retention"] = ret.JSON()
	}

	if len(r.Engagement.PerMinute) > 0 {
		eng := chart{Kind: "bar", Mark: -1, Series: []chartSeries{
			{Name: tr("analytics.kpi.comments"), Stack: "e"}, {Name: tr("analytics.kpi.likes"), Stack: "e"},
			{Name: tr("analytics.kpi.gifts"), Stack: "e"}}}
		for _, m := range r.Engagement.PerMinute {
			eng.X = append(eng.X, tr("analytics.minute", m.Minute))
			eng.Series[0].Data = append(eng.Series[0].Data, float64(m.Comments))
			eng.Series[1].Data = append(eng.Series[1].Data, float64(m.Likes))
			eng.Series[2].Data = append(eng.Series[2].Data, float64(m.Gifts))
		}
		out["engagement"] = eng.JSON()
	}

	if a := r.Audience; a.New+a.Returning > 0 {
		out["audience"] = chart{Kind: "pie", Mark: -1, Series: []chartSeries{{Name: tr("analytics.audience"), Items: []chartSlice{
			{Name: tr("analytics.audience.new"), Value: float64(a.New)},
			{Name: tr("analytics.audience.returning"), Value: float64(a.Returning)}}}}}.JSON()
	}

	if len(r.Attribution.Channels) > 0 {
		at := chart{Kind: "pies", Mark: -1, Series: []chartSeries{
			{Name: tr("analytics.attribution.viewers")}, {Name: tr("analytics.attribution.paid"), Money: true}}}
		for _, ch := range r.Attribution.Channels {
			name := c.channelName(lang, ch.Channel)
			at.Series[0].Items = append(at.Series[0].Items, chartSlice{Name: name, Value: float64(ch.Viewers)})
			at.Series[1].Items = append(at.Series[1].Items, chartSlice{Name: name, Value: yuanF(ch.PaidAmount)})
		}
		out["attribution"] = at.JSON()
	}

	if len(cmp) > 1 {
		co := chart{Kind: "combo", Mark: len(cmp) - 1, Series: []chartSeries{
			{Name: tr("analytics.kpi.gmv"), Money: true}, {Name: tr("analytics.kpi.paid"), Money: true},
			{Name: tr("analytics.kpi.viewers"), Line: true, Right: true}}}
		for _, s := range cmp {
			co.X = append(co.X, sessionLabel(s.Title, s.StartedAt))
			co.Series[0].Data = append(co.Series[0].Data, s.GMV/100)
			co.Series[1].Data = append(co.Series[1].Data, s.PaidAmount/100)
			co.Series[2].Data = append(co.Series[2].Data, s.Viewers)
		}
		out["comparison"] = co.JSON()
	}
	return out
}
