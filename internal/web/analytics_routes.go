package web

import (
	"html/template"
	"math"
	"net/http"
	"strconv"
	"time"
)

// analyticsPages are the templates of the 数据分析 area. They share
// analytics_partials.html (sub-navigation, KPI tiles, the area's stylesheet and
// scripts), which the console-wide page list does not know about, so mountAnalytics
// parses them itself (parseAreaPages), with template functions of its own.
var analyticsPages = []string{"analytics_list", "analytics_live", "analytics_report"}

// mountAnalytics registers the 数据分析 area: the list of sessions with their headline
// figures, the live dashboard (数据大屏) of a session and its post-live report (直播复盘)
// with the Excel export and one-click tagging of its customers.
func (c *Console) mountAnalytics(mux *http.ServeMux) {
	c.parseAreaPages("templates/analytics_partials.html", analyticsPages, c.analyticsFuncs)
	const key = "analytics"
	mux.Handle("GET /console/analytics", c.authed(key, c.analyticsList))
	mux.Handle("GET /console/analytics/sessions/{id}", c.authed(key, c.analyticsSession))
	mux.Handle("GET /console/analytics/sessions/{id}/live", c.authed(key, c.analyticsLive))
	mux.Handle("GET /console/analytics/sessions/{id}/report", c.authed(key, c.analyticsReport))
	mux.Handle("GET /console/analytics/sessions/{id}/report.xlsx", c.authed(key, c.analyticsXLSX))
	mux.Handle("POST /console/analytics/sessions/{id}/tag", c.authed(key, c.analyticsTag))
	mux.Handle("POST /console/analytics/token", c.authed(key, c.analyticsToken))
}

// analyticsFuncs are the area's template functions: ratios as percentages, watch
// times in words and changes against earlier sessions, in language lang.
func (c *Console) analyticsFuncs(lang string) template.FuncMap {
	return template.FuncMap{
		"pct":      fmtPct,
		"watch":    func(sec int64) string { return c.fmtWatch(lang, sec) },
		"change":   fmtChange,
		"changeUp": func(f *float64) bool { return f != nil && *f > 0 },
		"changeDn": func(f *float64) bool { return f != nil && *f < 0 },
		"strs":     func(s ...string) []string { return s },
		"round":    func(f float64) int64 { return int64(math.Round(f)) },
		"dec1":     func(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) },
		"clock": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(shanghai).Format("15:04:05")
		},
	}
}
