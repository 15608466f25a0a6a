package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/community"
	"github.com/siyu-live/siyu/internal/org"
)

// communityListData is the 社群 list with the create form beside it.
type communityListData struct {
	Communities []community.Community
	Members     int64 // members over all groups listed
	Next        string
	Before      string
	Manage      bool
	Form        *form
}

// communityFormFields are the inputs of the create and settings forms.
var communityFormFields = []string{"name", "avatar_url", "announcement", "join_mode"}

func (c *Console) communityList(q *rq) error {
	return c.renderCommunityList(q, http.StatusOK, newForm(nil))
}

func (c *Console) renderCommunityList(q *rq, status int, f *form) error {
	before := q.r.URL.Query().Get("before")
	if _, err := strconv.ParseInt(before, 10, 64); err != nil {
		before = ""
	}
	list, next, err := c.Communities.List(q.r.Context(), q.p, before, 50)
	if err != nil {
		return err
	}
	d := communityListData{Communities: list, Next: next, Before: before, Manage: q.p.Can(org.PermCustomersManage), Form: f}
	for _, cm := range list {
		d.Members += cm.MemberCount
	}
	q.csp = imageCSP
	q.render(status, "communities_list", "nav.communities", d)
	return nil
}

func canManageCommunities(q *rq) error {
	if !q.p.Can(org.PermCustomersManage) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not manage communities")
	}
	return nil
}

// communityCreate creates a group from the list page's form and opens it.
func (c *Console) communityCreate(q *rq) error {
	f, err := managedForm(q, canManageCommunities)
	if err != nil {
		return err
	}
	cm, err := c.Communities.Create(q.r.Context(), q.p, community.Input{Name: f.Get("name"), AvatarURL: f.Get("avatar_url"),
		Announcement: f.Get("announcement"), JoinMode: strings.TrimSpace(f.Get("join_mode"))})
	if siyu.ErrorCode(err) == siyu.EINVALID {
		f.fail(c, q.lang, "community", err, communityFormFields...)
		return c.renderCommunityList(q, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	q.redirect(communityURL(cm.ID, ""), "flash.community.created", cm.Name)
	return nil
}

// communityURL is a tab of a group's page ("" for the overview).
func communityURL(id int64, tab string) string {
	u := "/console/communities/" + strconv.FormatInt(id, 10)
	if tab != "" {
		u += "?tab=" + tab
	}
	return u
}
