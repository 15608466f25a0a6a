package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/siyu-live/siyu/internal/crm/community"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
)

// communityTabs are the tabs of a group's page.
var communityTabs = []string{"overview", "members", "envelopes", "chains"}

// communityDetailData is a group's page: the header and KPIs on every tab, then the
// tab's own part. Forms carry typed values and errors back after a rejected post.
type communityDetailData struct {
	C        community.Community
	Tab      string
	Manage   bool // customers.manage: settings, members, live, managers
	Speak    bool // may send envelopes and open chains (a manager, or owner/admin)
	Managers []int64

	OpenEnvelopes int
	OpenChains    int

	// overview
	Settings *form
	Announce *form
	LiveErr  string
	Sessions []live.Session // sessions that can be linked (not ended)
	Staff    []org.User

	// members
	Members     []community.Member
	MembersNext string
	MemberForm  *form

	// envelopes
	Envelopes []community.Envelope
	Envelope  *community.Envelope // the one opened (?envelope=id)
	EnvForm   *form

	// chains
	Chains    []community.Chain
	ChainForm *form
}

// communityForms are the forms a rerender brings back; nil ones start empty.
type communityForms struct {
	Settings, Announce, Member, Env, Chain *form
	LiveErr                                string
}

func (c *Console) communityDetail(q *rq) error {
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	return c.renderCommunity(q, id, q.r.URL.Query().Get("tab"), http.StatusOK, communityForms{})
}

// renderCommunity renders one tab of a group's page with the given forms.
func (c *Console) renderCommunity(q *rq, id int64, tab string, status int, fs communityForms) error {
	ctx := q.r.Context()
	cm, err := c.Communities.Get(ctx, q.p, id)
	if err != nil {
		return err
	}
	if !slices.Contains(communityTabs, tab) {
		tab = "overview"
	}
	d := communityDetailData{C: cm, Tab: tab, Manage: q.p.Can(org.PermCustomersManage), LiveErr: fs.LiveErr,
		Settings: fs.Settings, Announce: fs.Announce, MemberForm: fs.Member, EnvForm: fs.Env, ChainForm: fs.Chain}
	for _, m := range cm.Managers {
		d.Managers = append(d.Managers, m.UserID)
	}
	d.Speak = d.Manage && (q.p.Can(org.PermStaffManage) || slices.Contains(d.Managers, q.p.UserID))
	if d.Envelopes, err = c.Communities.ListEnvelopes(ctx, q.p, id); err != nil {
		return err
	}
	if d.Chains, err = c.Communities.ListChains(ctx, q.p, id); err != nil {
		return err
	}
	for _, e := range d.Envelopes {
		if e.Status == community.StatusOpen {
			d.OpenEnvelopes++
		}
	}
	for _, ch := range d.Chains {
		if ch.Status == community.ChainOpen {
			d.OpenChains++
		}
	}
	switch tab {
	case "overview":
		err = c.communityOverview(q, &d)
	case "members":
		d.Members, d.MembersNext, err = c.Communities.ListMembers(ctx, q.p, id, q.r.URL.Query().Get("cursor"), 50)
		if d.MemberForm == nil {
			d.MemberForm = newForm(nil)
		}
	case "envelopes":
		err = c.communityEnvelopes(q, &d)
	case "chains":
		err = c.communityChains(q, &d)
	}
	if err != nil {
		return err
	}
	q.csp = imageCSP
	q.render(status, "communities_detail", "nav.communities", d)
	return nil
}

func (c *Console) communityOverview(q *rq, d *communityDetailData) error {
	ctx := q.r.Context()
	if d.Settings == nil {
		d.Settings = newForm(nil)
		d.Settings.Values.Set("name", d.C.Name)
		d.Settings.Values.Set("avatar_url", d.C.AvatarURL)
		d.Settings.Values.Set("join_mode", d.C.JoinMode)
	}
	if d.Announce == nil {
		d.Announce = newForm(nil)
		d.Announce.Values.Set("announcement", d.C.Announcement)
	}
	if !d.Manage {
		return nil
	}
	for _, status := range []string{live.StatusLive, live.StatusScheduled, live.StatusDraft} {
		list, _, err := c.Live.List(ctx, q.p, status, 0, 20)
		if err != nil {
			return err
		}
		d.Sessions = append(d.Sessions, list...)
	}
	staff, err := c.Org.ListStaff(ctx, q.p)
	if err != nil {
		return err
	}
	for _, u := range staff {
		if !u.Disabled {
			d.Staff = append(d.Staff, u)
		}
	}
	return nil
}

func (c *Console) communityEnvelopes(q *rq, d *communityDetailData) error {
	if d.EnvForm == nil {
		d.EnvForm = newForm(nil)
		d.EnvForm.Values.Set("mode", "random")
	}
	eid, _ := strconv.ParseInt(q.r.URL.Query().Get("envelope"), 10, 64)
	if eid == 0 && len(d.Envelopes) > 0 {
		eid = d.Envelopes[0].ID
	}
	if eid == 0 {
		return nil
	}
	e, err := c.Communities.GetEnvelope(q.r.Context(), q.p, d.C.ID, eid)
	if err != nil {
		return err
	}
	d.Envelope = &e
	return nil
}

// communityChains reads the lines of the newest chains (the list shows them open).
func (c *Console) communityChains(q *rq, d *communityDetailData) error {
	if d.ChainForm == nil {
		d.ChainForm = newForm(nil)
	}
	for i := range d.Chains {
		if i >= 10 {
			break
		}
		ch, err := c.Communities.GetChain(q.r.Context(), q.p, d.C.ID, d.Chains[i].ID)
		if err != nil {
			return err
		}
		d.Chains[i] = ch
	}
	return nil
}
