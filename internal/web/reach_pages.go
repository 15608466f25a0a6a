package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/broadcast"
)

// funnelStep is one stage of a broadcast's funnel with its share of the recipients.
type funnelStep struct {
	Key string // catalog key suffix: recipients, delivered, opened, clicked, came
	N   int64
	Pct int // of the recipients, 0–100
}

// funnel lays out a broadcast's counts as the console shows them.
func funnel(c broadcast.Counts) []funnelStep {
	steps := []funnelStep{{"recipients", c.Recipients, 0}, {"delivered", c.Delivered, 0}, {"opened", c.Opened, 0},
		{"clicked", c.Clicked, 0}, {"came", c.Came, 0}}
	for i := range steps {
		if c.Recipients > 0 {
			steps[i].Pct = int(steps[i].N * 100 / c.Recipients)
		}
	}
	return steps
}

// reachItem is one broadcast of the list with its funnel.
type reachItem struct {
	B      broadcast.Broadcast
	Funnel []funnelStep
}

type reachListData struct {
	Items  []reachItem
	Before int64
	Next   string
}

func (c *Console) reachList(q *rq) error {
	before, _ := strconv.ParseInt(q.r.URL.Query().Get("before"), 10, 64)
	list, next, err := c.Broadcasts.List(q.r.Context(), q.p, before, 20)
	if err != nil {
		return err
	}
	d := reachListData{Before: before, Next: next}
	for _, b := range list {
		d.Items = append(d.Items, reachItem{B: b, Funnel: funnel(b.Counts)})
	}
	q.render(http.StatusOK, "reach_list", "nav.reach", d)
	return nil
}

// reachDetailData is one broadcast: funnel, recipients (a page, filtered), poster,
// attribution and, while it can still change, what it would send now.
type reachDetailData struct {
	B         broadcast.Broadcast
	Funnel    []funnelStep
	Page      broadcast.RecipientPage
	Filter    string
	Filters   []string
	After     string
	Preview   *broadcast.Preview
	Poster    bool
	PosterWhy string
}

func (c *Console) reachDetail(q *rq) error {
	b, err := c.reachGet(q)
	if err != nil {
		return err
	}
	ctx, id := q.r.Context(), b.ID
	qs := q.r.URL.Query()
	filter := qs.Get("status")
	if !slices.Contains(broadcast.RecipientFilters, filter) {
		filter = ""
	}
	after := qs.Get("after")
	if _, err := strconv.ParseInt(after, 10, 64); err != nil {
		after = ""
	}
	page, err := c.Broadcasts.Recipients(ctx, q.p, id, filter, after, 50)
	if err != nil {
		return err
	}
	for i := range page.Items {
		page.Items[i].Reason = c.reachReason(q.lang, page.Items[i].Reason)
	}
	d := reachDetailData{B: b, Funnel: funnel(b.Counts), Page: page, Filter: filter, Filters: broadcast.RecipientFilters, After: after}
	d.Poster, d.PosterWhy = c.Broadcasts.PostersAvailable()
	d.Poster = d.Poster && b.Poster
	if b.Editable() {
		if p, err := c.Broadcasts.PreviewSaved(ctx, q.p, id); err == nil {
			d.Preview = &p
		}
	}
	if qs.Get("part") == "funnel" {
		q.fragment(http.StatusOK, "reach_detail", "reach_live_funnel", d)
		return nil
	}
	q.render(http.StatusOK, "reach_detail", "reach.detail.title", d)
	return nil
}

// reachReasons are the catalog keys of the reasons a recipient is unreachable.
var reachReasons = map[string]string{broadcast.ReasonNotFound: "reach.reason.not_found", broadcast.ReasonErased: "reach.reason.erased",
	broadcast.ReasonMerged: "reach.reason.merged", broadcast.ReasonNoViewer: "reach.reason.no_viewer",
	broadcast.ReasonNoContact: "reach.reason.no_contact"}

// reachReason translates a stored reason part by part; a channel's own error (a
// receiver's answer) is shown as it came.
func (c *Console) reachReason(lang, reason string) string {
	if reason == "" {
		return ""
	}
	parts := strings.Split(reason, broadcast.ReasonSep)
	for i, p := range parts {
		if k, ok := reachReasons[p]; ok {
			parts[i] = c.tr(lang, k)
		} else if ch, ok := strings.CutSuffix(p, broadcast.ReasonNotConfigured); ok && c.has(lang, "reach.channel."+ch) {
			parts[i] = c.tr(lang, "reach.reason.not_configured", c.tr(lang, "reach.channel."+ch))
		}
	}
	return strings.Join(parts, c.tr(lang, "reach.reason.sep"))
}

// reachGet is the broadcast of the page's {id}.
func (c *Console) reachGet(q *rq) (broadcast.Broadcast, error) {
	id, err := reachID(q)
	if err != nil {
		return broadcast.Broadcast{}, err
	}
	return c.Broadcasts.Get(q.r.Context(), q.p, id)
}

func reachID(q *rq) (int64, error) {
	id, err := strconv.ParseInt(q.r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, siyu.Errorf(siyu.ENOTFOUND, "not_found")
	}
	return id, nil
}

// reachPoster is the console's poster preview: the QR code leads to the broadcast's
// entry link, not to a recipient.
func (c *Console) reachPoster(q *rq) error {
	id, err := reachID(q)
	if err != nil {
		return err
	}
	png, err := c.Broadcasts.SamplePoster(q.r.Context(), q.p, id)
	writePoster(c, q.w, q.r, png, err)
	return nil
}

// reachAction sends, cancels or deletes a broadcast from its page.
func (c *Console) reachAction(action string) handler {
	return func(q *rq) error {
		id, err := reachID(q)
		if err != nil {
			return err
		}
		ctx := q.r.Context()
		back := "/console/reach/" + strconv.FormatInt(id, 10)
		switch action {
		case "send":
			_, err = c.Broadcasts.SendNow(ctx, q.p, id)
		case "cancel":
			_, err = c.Broadcasts.Cancel(ctx, q.p, id)
		case "delete":
			if err = c.Broadcasts.Delete(ctx, q.p, id); err == nil {
				back = "/console/reach"
			}
		}
		if err != nil {
			return err
		}
		q.redirect(back, "flash.reach."+action, "")
		return nil
	}
}
