package web

import (
	"html/template"
	"net/http"
)

// marketingPages are the templates of the 营销工具 area. They share
// marketing_partials.html (tabs, status badges, the area's stylesheet), so
// mountMarketing parses them itself, as mountCommerce does.
var marketingPages = []string{"marketing"}

// mountMarketing registers the 营销工具 area: every in-room tool of the tenant across
// its sessions and its results, one tab per tool (/console/marketing opens the first).
func (c *Console) mountMarketing(mux *http.ServeMux) {
	c.parseMarketingPages()
	const key = "marketing"
	mux.Handle("GET /console/marketing", c.authed(key, c.marketingPage))
	mux.Handle("GET /console/marketing/{tool}", c.authed(key, c.marketingPage))
}

// parseMarketingPages adds the area's pages to every language on the console shell.
func (c *Console) parseMarketingPages() {
	c.parseAreaPages("templates/marketing_partials.html", marketingPages, c.marketingFuncs)
}

// marketingFuncs are the area's template functions in one language.
func (c *Console) marketingFuncs(lang string) template.FuncMap {
	return template.FuncMap{
		// mkLimit writes a time limit in whole days, hours or minutes ("2 小时").
		"mkLimit": func(sec int) string {
			switch {
			case sec >= 86400 && sec%86400 == 0:
				return c.tr(lang, "marketing.unit.days", sec/86400)
			case sec >= 3600 && sec%3600 == 0:
				return c.tr(lang, "marketing.unit.hours", sec/3600)
			}
			return c.tr(lang, "marketing.unit.minutes", (sec+59)/60)
		},
	}
}
