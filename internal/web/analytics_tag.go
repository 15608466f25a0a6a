package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/analytics"
)

// analyticsTag puts a tag on every customer of one group of the report (converted or
// not), the report's one-click follow-up: the answer names how many were tagged and
// links the customer list on the tag and a new broadcast to them. htmx swaps the
// group's card; without script the whole report page comes back with the result.
func (c *Console) analyticsTag(q *rq) error {
	d, err := c.reportData(q)
	if err != nil {
		return err
	}
	group := q.r.PostFormValue("group")
	i := -1
	for j, g := range d.Groups {
		if g.Group == group {
			i = j
		}
	}
	if i < 0 {
		return siyu.Invalid("group", "group must be converted or non_converted")
	}
	g := &d.Groups[i]
	tag := strings.TrimSpace(q.r.PostFormValue("tag"))
	if tag != "" {
		g.Tag = tag
	}
	status := http.StatusOK
	res, err := c.Analytics.TagCustomers(q.r.Context(), q.p, d.R.SessionID, analytics.TagInput{Group: group, Tags: []string{g.Tag}})
	switch {
	case err == nil:
		g.Result = &tagResultView{Tag: g.Tag, Tagged: res.Tagged, Skipped: res.Skipped,
			ListURL: "/console/customers?tag=" + url.QueryEscape(g.Tag), FollowURL: followUpURL(d.R.SessionID, group, g.Tag)}
	case siyu.ErrorCode(err) == siyu.EINVALID:
		status = http.StatusUnprocessableEntity
		g.Err = c.errText(q.lang, "analytics", err)
	default:
		return err
	}
	if q.r.Header.Get("HX-Request") == "true" {
		q.fragment(status, "analytics_report", "analytics_group", groupCard{G: *g, SessionID: d.R.SessionID,
			SeeNames: d.SeeNames, CanTag: d.CanTag, CSRF: q.csrf})
		return nil
	}
	q.render(status, "analytics_report", "analytics.report.title", d)
	return nil
}

// groupCard is what the analytics_group template needs, on the page and as the htmx
// answer to tagging.
type groupCard struct {
	G         customerGroupView
	SessionID int64
	SeeNames  bool
	CanTag    bool
	CSRF      string
}

// Card is the group's card data for the page template.
func (d analyticsReportData) Card(g customerGroupView, csrf string) groupCard {
	return groupCard{G: g, SessionID: d.R.SessionID, SeeNames: d.SeeNames, CanTag: d.CanTag, CSRF: csrf}
}

// followUpURL starts a broadcast (一键触达) to a tagged group of a session: the reach
// form reads the session it follows up, the group and the tag its audience is.
func followUpURL(session int64, group, tag string) string {
	v := url.Values{"followup": {strconv.FormatInt(session, 10)}, "group": {group}, "tag": {tag}}
	return "/console/reach/new?" + v.Encode()
}
