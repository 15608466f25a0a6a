package web

import (
	"net/http"
	"slices"

	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/org"
)

// timelinePageSize is how many timeline entries one "more" adds.
const timelinePageSize = 20

// customerProfileData is the profile page and the fragments htmx swaps into it.
type customerProfileData struct {
	Tabs     customerTabs
	CSRF     string
	C        crm.Profile
	Manage   bool // may change the customer (remark, tags, merge, erase)
	Masked   bool // contact details are hidden from this staff member
	Orders   bool // may open orders (the timeline links them)
	Sessions bool // may open live sessions
	Timeline crm.TimelinePage
	Later    bool // the timeline starts at a cursor (a page without htmx)
	Remark   *form
	EditNote bool // show the remark form instead of the remark
	Tags     customerTagsView
	MergeErr string
	Merge    string // what was typed in the merge box
}

// customerTagsView is the tags card: manual tags (removable), rule tags (read-only)
// and the manual tags to suggest when adding.
type customerTagsView struct {
	ID      int64
	CSRF    string
	Manage  bool
	Erased  bool
	Manual  []crm.TagRef
	Rule    []crm.TagRef
	Suggest []string
	Err     string
	Typed   string
}

// customerPage is GET /console/customers/{id}: the profile, or with ?part= one of its
// htmx fragments (the next timeline page, the remark, the remark form).
func (c *Console) customerPage(q *rq) error {
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	ctx := q.r.Context()
	qs := q.r.URL.Query()
	if qs.Get("part") == "timeline" {
		page, err := c.CRM.Timeline(ctx, q.p, id, qs.Get("cursor"), timelinePageSize)
		if err != nil {
			return err
		}
		d := c.profileBase(q, crm.Profile{Customer: crm.Customer{ID: id}})
		d.Timeline = page
		q.fragment(http.StatusOK, "customers_profile", "cust_timeline_items", d)
		return nil
	}
	prof, err := c.CRM.Get(ctx, q.p, id)
	if err != nil {
		return err
	}
	if prof.ID != id && q.r.Header.Get("HX-Request") != "true" {
		// A merged-away profile: its address now shows the one it was merged into.
		http.Redirect(q.w, q.r, customerURL(prof.ID), http.StatusSeeOther)
		return nil
	}
	d := c.profileBase(q, prof)
	switch qs.Get("part") {
	case "remark":
		q.fragment(http.StatusOK, "customers_profile", "cust_remark", d)
		return nil
	case "remark-edit":
		d.EditNote = d.Manage && !prof.Erased
		q.fragment(http.StatusOK, "customers_profile", "cust_remark", d)
		return nil
	}
	if cur := qs.Get("cursor"); cur != "" {
		if d.Timeline, err = c.CRM.Timeline(ctx, q.p, prof.ID, cur, timelinePageSize); err != nil {
			return err
		}
		d.Later = true
	}
	d.EditNote = qs.Get("edit") == "remark" && d.Manage && !prof.Erased
	return c.renderProfile(q, http.StatusOK, d)
}

// profileBase fills what every view of a profile needs.
func (c *Console) profileBase(q *rq, prof crm.Profile) customerProfileData {
	d := customerProfileData{Tabs: tabsFor(q, "list"), CSRF: q.csrf, C: prof, Manage: q.p.Can(org.PermCustomersManage),
		Masked: !q.p.Can(org.PermContactsView), Orders: q.p.Can(org.PermOrdersView),
		Sessions: q.p.Can(org.PermSessionsManage) || q.p.Can(org.PermLiveHost), Timeline: prof.Timeline,
		Remark: newForm(nil)}
	d.Remark.Values.Set("remark", prof.Remark)
	d.Tags = customerTagsView{ID: prof.ID, CSRF: q.csrf, Manage: d.Manage, Erased: prof.Erased}
	d.Tags.split(prof.Tags)
	return d
}

// split sorts a customer's tags into manual and rule ones.
func (v *customerTagsView) split(tags []crm.TagRef) {
	v.Manual, v.Rule = nil, nil
	for _, t := range tags {
		if t.Kind == crm.TagRule {
			v.Rule = append(v.Rule, t)
		} else {
			v.Manual = append(v.Manual, t)
		}
	}
}

// suggest lists the tenant's manual tags the customer does not carry yet, for the
// add box's suggestions.
func (c *Console) suggest(q *rq, v *customerTagsView) error {
	if !v.Manage || v.Erased {
		return nil
	}
	tags, err := c.CRM.ListTags(q.r.Context(), q.p)
	if err != nil {
		return err
	}
	v.Suggest = nil
	for _, t := range tags {
		if t.Kind == crm.TagManual && !slices.ContainsFunc(v.Manual, func(r crm.TagRef) bool { return r.ID == t.ID }) {
			v.Suggest = append(v.Suggest, t.Name)
		}
	}
	return nil
}

func (c *Console) renderProfile(q *rq, status int, d customerProfileData) error {
	if err := c.suggest(q, &d.Tags); err != nil {
		return err
	}
	title := d.C.Name
	if title == "" {
		title = q.t("customers.unnamed")
	}
	v := q.view(status, "", d)
	v.Title = title
	q.exec(status, "customers_profile", "layout", v)
	return nil
}

// reloadProfile reads the profile again after a refused action, so the page shows the
// customer as they are now next to the message.
func (c *Console) reloadProfile(q *rq, id int64) (customerProfileData, error) {
	prof, err := c.CRM.Get(q.r.Context(), q.p, id)
	if err != nil {
		return customerProfileData{}, err
	}
	return c.profileBase(q, prof), nil
}
