package web

import (
	"fmt"
	"html/template"
	"net/http"
)

// analyticsPages are the templates of the 数据分析 area. They share
// analytics_partials.html (sub-navigation, KPI tiles, the area's stylesheet and
// scripts), which the console-wide page list does not know about, so mountAnalytics
// parses them itself, as mountCommerce does.
var analyticsPages = []string{"analytics_list", "analytics_live", "analytics_report"}

// mountAnalytics registers the 数据分析 area: the list of sessions with their headline
// figures, the live dashboard (数据大屏) of a session and its post-live report (直播复盘)
// with the Excel export and one-click tagging of its customers.
func (c *Console) mountAnalytics(mux *http.ServeMux) {
	c.parseAnalyticsPages()
	const key = "analytics"
	mux.Handle("GET /console/analytics", c.authed(key, c.analyticsList))
	mux.Handle("GET /console/analytics/sessions/{id}", c.authed(key, c.analyticsSession))
	mux.Handle("GET /console/analytics/sessions/{id}/live", c.authed(key, c.analyticsLive))
	mux.Handle("GET /console/analytics/sessions/{id}/report", c.authed(key, c.analyticsReport))
	mux.Handle("GET /console/analytics/sessions/{id}/report.xlsx", c.authed(key, c.analyticsXLSX))
	mux.Handle("POST /console/analytics/sessions/{id}/tag", c.authed(key, c.analyticsTag))
	mux.Handle("POST /console/analytics/token", c.authed(key, c.analyticsToken))
}

// parseAnalyticsPages adds the area's pages to every language: the console shell
// comes from a parsed page (error), whose content the area's page replaces. The
// area's own template functions are bound to the language. It panics on a template
// error, which the package tests catch.
func (c *Console) parseAnalyticsPages() {
	for _, l := range languages {
		for _, name := range analyticsPages {
			t, err := c.pages[l]["error"].Clone()
			if err == nil {
				_, err = t.Funcs(c.analyticsFuncs(l)).ParseFS(files, "templates/analytics_partials.html", "templates/"+name+".html")
			}
			if err != nil {
				panic(fmt.Sprintf("web: template %s: %v", name, err))
			}
			c.pages[l][name] = t
		}
	}
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
	}
}
