package web

import (
	"slices"
	"strconv"

	"github.com/siyu-live/siyu/internal/org"
)

// area is one product area of SPEC.md as the console navigation shows it. Areas whose
// domain is not built yet still get a page that says so, so the navigation already
// shows the whole product and never leads to a broken link.
type area struct {
	Key   string           // catalog keys nav.<Key>, area.<Key>.*
	Path  string           // console URL
	Icon  string           // id of the symbol in templates/icons.html
	Perms []org.Permission // any one of these shows the item; none = every staff member
	Built bool             // false: a "not available yet" page
	Admin bool             // listed under the Admin group
}

// areas is the navigation in display order.
var areas = []area{
	{Key: "home", Path: "/console", Icon: "home", Built: true},
	{Key: "live", Path: "/console/live", Icon: "live", Built: true, Perms: []org.Permission{org.PermSessionsManage, org.PermLiveHost}},
	{Key: "commerce", Path: "/console/commerce", Icon: "bag", Built: true, Perms: []org.Permission{org.PermProductsManage, org.PermOrdersView}},
	{Key: "marketing", Path: "/console/marketing", Icon: "gift", Built: true, Perms: []org.Permission{org.PermPromoManage}},
	{Key: "customers", Path: "/console/customers", Icon: "users", Built: true, Perms: []org.Permission{org.PermCustomersView}},
	{Key: "communities", Path: "/console/communities", Icon: "chat", Built: true, Perms: []org.Permission{org.PermCustomersView}},
	{Key: "reach", Path: "/console/reach", Icon: "share", Built: true, Perms: []org.Permission{org.PermCustomersManage}},
	{Key: "scripts", Path: "/console/scripts", Icon: "note", Built: true, Perms: []org.Permission{org.PermCustomersView, org.PermInboxReply}},
	{Key: "content", Path: "/console/content", Icon: "note"},
	{Key: "inbox", Path: "/console/inbox", Icon: "inbox", Perms: []org.Permission{org.PermInboxReply}},
	{Key: "ads", Path: "/console/ads", Icon: "trend", Perms: []org.Permission{org.PermSessionsManage, org.PermPromoManage}},
	{Key: "distribution", Path: "/console/distribution", Icon: "share", Perms: []org.Permission{org.PermPromoManage}},
	{Key: "analytics", Path: "/console/analytics", Icon: "chart", Built: true, Perms: []org.Permission{org.PermAnalyticsView}},
	{Key: "stores", Path: "/console/stores", Icon: "store", Perms: []org.Permission{org.PermStoresManage}},
	{Key: "staff", Path: "/console/staff", Icon: "staff", Built: true, Admin: true},
	{Key: "tokens", Path: "/console/tokens", Icon: "key", Built: true, Admin: true, Perms: []org.Permission{org.PermTokensOwn}},
	{Key: "webhooks", Path: "/console/webhooks", Icon: "zap", Built: true, Admin: true, Perms: []org.Permission{org.PermWebhooksManage}},
	{Key: "audit", Path: "/console/audit", Icon: "audit", Built: true, Admin: true, Perms: []org.Permission{org.PermAuditView}},
	{Key: "settings", Path: "/console/settings", Icon: "sliders", Built: true, Admin: true},
}

// allowed reports whether p may open the area.
func (a area) allowed(p org.Principal) bool {
	return len(a.Perms) == 0 || slices.ContainsFunc(a.Perms, p.Can)
}

// navItem is an area as one user sees it in the sidebar.
type navItem struct {
	area
	Active bool
}

// navGroup is a titled block of the sidebar; Title is a catalog key ("" for none).
type navGroup struct {
	Title string
	Items []navItem
}

// navFor builds the sidebar for p, hiding the areas p may not open.
func navFor(p org.Principal, active string) []navGroup {
	groups := []navGroup{{}, {Title: "nav.group.ops"}, {Title: "nav.group.admin"}}
	for _, a := range areas {
		if !a.allowed(p) {
			continue
		}
		g := 1
		switch {
		case a.Key == "home":
			g = 0
		case a.Admin:
			g = 2
		}
		groups[g].Items = append(groups[g].Items, navItem{area: a, Active: a.Key == active})
	}
	return groups
}

// areaByKey returns the area with key k.
func areaByKey(k string) (area, bool) {
	i := slices.IndexFunc(areas, func(a area) bool { return a.Key == k })
	if i < 0 {
		return area{}, false
	}
	return areas[i], true
}

// features returns the catalog keys area.<key>.f1, f2, … that exist: the bullet list of
// what a coming area will do.
func (c *Console) features(lang, key string) []string {
	var out []string
	for i := 1; ; i++ {
		k := "area." + key + ".f" + strconv.Itoa(i)
		if !c.has(lang, k) {
			return out
		}
		out = append(out, c.tr(lang, k))
	}
}
