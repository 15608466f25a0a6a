package web

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/org"
)

// checkItem is one step of the getting-started list. Allowed is false when the role
// cannot do the step (the page then says to ask an administrator); Later marks steps
// whose area is not built yet.
type checkItem struct {
	Key     string // catalog keys home.check.<Key>, home.check.<Key>.hint
	Path    string
	Done    bool
	Allowed bool
	Later   bool
}

// homeData is the console home: counts, the checklist and a card per area.
type homeData struct {
	Checklist   []checkItem
	Done        int
	Total       int
	ActiveStaff int
	Tokens      int
	Webhooks    int
	CanWebhooks bool
	Cards       []area
}

func (c *Console) home(q *rq) error {
	ctx := q.r.Context()
	staff, err := c.Org.ListStaff(ctx, q.p)
	if err != nil {
		return err
	}
	tokens, err := c.Org.ListTokens(ctx, q.p)
	if err != nil {
		return err
	}
	settings, err := c.Org.Settings(ctx, q.p.TenantID)
	if err != nil {
		return err
	}
	d := homeData{CanWebhooks: q.p.Can(org.PermWebhooksManage)}
	for _, u := range staff {
		if !u.Disabled {
			d.ActiveStaff++
		}
	}
	for _, t := range tokens {
		if !t.Revoked {
			d.Tokens++
		}
	}
	if d.CanWebhooks {
		eps, err := c.Webhooks.ListEndpoints(ctx, q.p.TenantID)
		if err != nil {
			return err
		}
		d.Webhooks = len(eps)
	}
	d.Checklist = []checkItem{
		{Key: "staff", Path: "/console/staff", Done: len(staff) > 1, Allowed: q.p.Can(org.PermStaffManage)},
		{Key: "settings", Path: "/console/settings", Done: settings != org.DefaultSettings(), Allowed: q.p.Can(org.PermSettingsManage)},
		{Key: "webhook", Path: "/console/webhooks", Done: d.Webhooks > 0, Allowed: d.CanWebhooks},
		{Key: "token", Path: "/console/tokens", Done: len(tokens) > 0, Allowed: q.p.Can(org.PermTokensOwn)},
		{Key: "live", Path: "/console/live/new", Done: c.hasSession(q), Allowed: q.p.Can(org.PermSessionsManage)},
	}
	for _, it := range d.Checklist {
		if !it.Later {
			d.Total++
			if it.Done {
				d.Done++
			}
		}
	}
	for _, a := range areas {
		if a.Key != "home" && !a.Admin && a.allowed(q.p) {
			d.Cards = append(d.Cards, a)
		}
	}
	q.render(http.StatusOK, "home", "nav.home", d)
	return nil
}

// areaData is the page of an area that is not built yet.
type areaData struct {
	Area     area
	Features []string
}

// areaPage says plainly that an area is not available in this version and what it
// will do, instead of a broken link.
func (c *Console) areaPage(a area) handler {
	return func(q *rq) error {
		q.render(http.StatusOK, "area", "nav."+a.Key, areaData{Area: a, Features: c.features(q.lang, a.Key)})
		return nil
	}
}

// hasSession reports whether the brand has created a live session yet (false for a
// role that cannot see sessions, or on a read error: a checklist tick is no reason to
// fail the home page).
func (c *Console) hasSession(q *rq) bool {
	if c.Live == nil || !q.p.Can(org.PermSessionsManage) && !q.p.Can(org.PermLiveHost) {
		return false
	}
	list, _, err := c.Live.List(q.r.Context(), q.p, "", 0, 1)
	return err == nil && len(list) > 0
}
