package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/broadcast"
	"github.com/siyu-live/siyu/internal/crm/talk"
	"github.com/siyu-live/siyu/internal/live"
)

// reachWhens are the send choices of the form: keep as a draft (or keep the schedule
// of a scheduled broadcast), send now, at a time, or the day before the live at 20:00.
var reachWhens = []string{"draft", "now", "at", "day_before"}

// reachEveningHour is when the "day before" shortcut sends: 20:00, when private-domain
// operators usually post the next day's show.
const reachEveningHour = 20

// reachRow is one audience row of the form: "segment:12" or "community:3" and its
// talk-track.
type reachRow struct {
	Value string
	Text  string
}

// reachSession is a live the form can promote.
type reachSession struct {
	ID     int64
	Title  string
	At     time.Time
	Status string
}

// reachChoice is a segment or community the form can pick.
type reachChoice struct {
	Value string
	Name  string
	Count int64
}

type reachFormData struct {
	B           *broadcast.Broadcast // nil on the create page
	Form        *form
	Rows        []reachRow
	Sessions    []reachSession
	Segments    []reachChoice
	Communities []reachChoice
	Channels    []broadcast.ChannelInfo
	Vars        []string
	Throttle    int // the brand's messages per minute
	Whens       []string
}

func (c *Console) reachNew(q *rq) error {
	f := newForm(url.Values{"when": {"draft"}, "channels": {"in_app"}, "poster": {"on"}})
	if sid := q.r.URL.Query().Get("session"); sid != "" {
		f.Values.Set("session_id", sid)
	}
	rows := []reachRow{{}}
	if tag := strings.TrimSpace(q.r.URL.Query().Get("tag")); tag != "" && c.Segments != nil {
		id, err := c.followupSegment(q.r.Context(), q, tag)
		if err != nil {
			return err
		}
		rows[0].Value = fmt.Sprintf("segment:%d", id)
		f.Values.Set("name", c.tr(q.lang, "reach.followup.segment", tag))
	}
	return c.renderReachForm(q, http.StatusOK, nil, f, rows)
}

func (c *Console) reachEdit(q *rq) error {
	b, err := c.reachGet(q)
	if err != nil {
		return err
	}
	if !b.Editable() {
		return siyu.Errorf(siyu.ECONFLICT, "broadcast %d is %s and can no longer be changed", b.ID, b.Status)
	}
	v := url.Values{"name": {b.Name}, "session_id": {strconv.FormatInt(b.SessionID, 10)}, "title": {b.Title},
		"coupon": {b.Coupon}, "channels": b.Channels, "when": {"draft"}}
	if b.Poster {
		v.Set("poster", "on")
	}
	if b.ThrottlePerMinute > 0 {
		v.Set("throttle_per_minute", strconv.Itoa(b.ThrottlePerMinute))
	}
	if b.Status == broadcast.StatusScheduled {
		v.Set("when", "at")
		v.Set("at", b.ScheduledAt.In(shanghai).Format(localInput))
	}
	rows := make([]reachRow, len(b.Audiences))
	for i, a := range b.Audiences {
		rows[i] = reachRow{Value: fmt.Sprintf("%s:%d", a.Kind, a.ID), Text: a.Text}
	}
	return c.renderReachForm(q, http.StatusOK, &b, newForm(v), rows)
}

// renderReachForm loads the choices (upcoming lives, segments, communities, channels)
// and renders the form.
func (c *Console) renderReachForm(q *rq, status int, b *broadcast.Broadcast, f *form, rows []reachRow) error {
	ctx := q.r.Context()
	d := reachFormData{B: b, Form: f, Rows: rows, Vars: talk.Variables, Whens: reachWhens}
	if len(d.Rows) == 0 {
		d.Rows = []reachRow{{}}
	}
	for _, st := range []string{live.StatusScheduled, live.StatusLive, live.StatusDraft} {
		list, _, err := c.Live.List(ctx, q.p, st, 0, 50)
		if err != nil {
			return err
		}
		for _, s := range list {
			d.Sessions = append(d.Sessions, reachSession{ID: s.ID, Title: s.Title, At: s.ScheduledAt, Status: s.Status})
		}
	}
	sort.SliceStable(d.Sessions, func(i, j int) bool {
		a, b := d.Sessions[i].At, d.Sessions[j].At
		return !a.IsZero() && (b.IsZero() || a.Before(b))
	})
	segs, err := c.Segments.List(ctx, q.p)
	if err != nil {
		return err
	}
	for _, s := range segs {
		d.Segments = append(d.Segments, reachChoice{Value: fmt.Sprintf("segment:%d", s.ID), Name: s.Name, Count: s.Count})
	}
	if c.Communities != nil {
		comms, _, err := c.Communities.List(ctx, q.p, "", 100)
		if err != nil && siyu.ErrorCode(err) != siyu.EFORBIDDEN {
			return err
		}
		for _, cm := range comms {
			d.Communities = append(d.Communities, reachChoice{Value: fmt.Sprintf("community:%d", cm.ID), Name: cm.Name, Count: cm.MemberCount})
		}
	}
	if d.Channels, err = c.Broadcasts.ChannelsFor(ctx, q.p.TenantID); err != nil {
		return err
	}
	set, err := c.Org.Settings(ctx, q.p.TenantID)
	if err != nil {
		return err
	}
	d.Throttle = set.ReachThrottlePerMn
	title := "reach.new.title"
	if b != nil {
		title = "reach.edit.title"
	}
	q.render(status, "reach_form", title, d)
	return nil
}

// reachFields are the fields the form shows errors next to; audience rows add theirs.
var reachFields = []string{"name", "session_id", "audiences", "channels", "title", "coupon", "throttle_per_minute",
	"webhook_endpoint_id", "at", "when"}

// parseReachForm reads the form into an Input and its audience rows (empty rows are
// dropped); a row whose audience is malformed is an error on that row.
func parseReachForm(v url.Values) (broadcast.Input, []reachRow, error) {
	poster := v.Get("poster") == "on"
	in := broadcast.Input{Name: v.Get("name"), Title: v.Get("title"), Coupon: v.Get("coupon"), Poster: &poster,
		Channels: v["channels"]}
	in.SessionID, _ = strconv.ParseInt(v.Get("session_id"), 10, 64)
	if t := strings.TrimSpace(v.Get("throttle_per_minute")); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil {
			return in, nil, siyu.Invalid("throttle_per_minute", "throttle_per_minute must be a whole number")
		}
		in.ThrottlePerMinute = n
	}
	auds, texts := v["aud"], v["text"]
	var rows []reachRow
	for i := range max(len(auds), len(texts)) {
		var r reachRow
		if i < len(auds) {
			r.Value = auds[i]
		}
		if i < len(texts) {
			r.Text = texts[i]
		}
		if strings.TrimSpace(r.Value) == "" && strings.TrimSpace(r.Text) == "" {
			continue
		}
		rows = append(rows, r)
	}
	for i, r := range rows {
		kind, idText, _ := strings.Cut(r.Value, ":")
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil || id <= 0 {
			return in, rows, siyu.Invalid(fmt.Sprintf("audiences[%d].id", i), "choose a segment or community for audience %d", i+1)
		}
		in.Audiences = append(in.Audiences, broadcast.Audience{Kind: kind, ID: id, Text: r.Text})
	}
	return in, rows, nil
}

// reachWhen works out when the form asks to send: zero for "keep as is", now, or a
// time in the future.
func (c *Console) reachWhen(ctx context.Context, q *rq, v url.Values, sessionID int64) (string, time.Time, error) {
	when := v.Get("when")
	switch when {
	case "draft", "":
		return "draft", time.Time{}, nil
	case "now":
		return when, time.Time{}, nil
	case "at":
		at, err := time.ParseInLocation(localInput, v.Get("at"), shanghai)
		if err != nil {
			return when, at, siyu.Invalid("at", "choose the date and time to send")
		}
		if !at.After(time.Now()) {
			return when, at, siyu.Invalid("at", "the send time must be in the future")
		}
		return when, at, nil
	case "day_before":
		if sessionID <= 0 {
			return when, time.Time{}, siyu.Invalid("session_id", "choose the live to promote")
		}
		s, err := c.Live.Get(ctx, q.p, sessionID)
		if err != nil || s.ScheduledAt.IsZero() {
			return when, time.Time{}, siyu.Invalid("when", "the live has no start time; pick a send time instead")
		}
		d := s.ScheduledAt.In(shanghai).AddDate(0, 0, -1)
		at := time.Date(d.Year(), d.Month(), d.Day(), reachEveningHour, 0, 0, 0, shanghai)
		if !at.After(time.Now()) {
			return when, at, siyu.Invalid("when", "the day before the live at 20:00 has passed; send now or pick a time")
		}
		return when, at, nil
	}
	return when, time.Time{}, siyu.Invalid("when", "choose when to send")
}

func (c *Console) reachCreate(q *rq) error { return c.reachSubmit(q, nil) }

func (c *Console) reachSave(q *rq) error {
	b, err := c.reachGet(q)
	if err != nil {
		return err
	}
	return c.reachSubmit(q, &b)
}

// reachSubmit saves the form (create or update) and then sends or schedules as asked;
// a rejected form comes back filled in with the message next to the field.
func (c *Console) reachSubmit(q *rq, b *broadcast.Broadcast) error {
	if err := q.r.ParseForm(); err != nil {
		return siyu.Errorf(siyu.EINVALID, "bad form")
	}
	ctx := q.r.Context()
	f := newForm(q.r.PostForm)
	in, rows, err := parseReachForm(q.r.PostForm)
	var when string
	var at time.Time
	if err == nil {
		when, at, err = c.reachWhen(ctx, q, q.r.PostForm, in.SessionID)
	}
	if err == nil {
		var saved broadcast.Broadcast
		if b == nil {
			saved, err = c.Broadcasts.Create(ctx, q.p, in)
		} else {
			saved, err = c.Broadcasts.Update(ctx, q.p, b.ID, broadcast.Patch{Name: &in.Name, SessionID: &in.SessionID,
				Audiences: &in.Audiences, Channels: &in.Channels, Title: &in.Title, Coupon: &in.Coupon, Poster: in.Poster,
				ThrottlePerMinute: &in.ThrottlePerMinute})
		}
		if err == nil {
			return c.reachAfterSave(q, saved, when, at)
		}
	}
	fields := append([]string{}, reachFields...)
	for i := range rows {
		fields = append(fields, fmt.Sprintf("audiences[%d]", i), fmt.Sprintf("audiences[%d].id", i), fmt.Sprintf("audiences[%d].text", i),
			fmt.Sprintf("audiences[%d].kind", i))
	}
	f.fail(c, q.lang, "reach", err, fields...)
	return c.renderReachForm(q, http.StatusUnprocessableEntity, b, f, rows)
}

// reachAfterSave sends or schedules a saved broadcast and opens its page. A failure
// here (the live ended a moment ago) leaves it saved and says why on its page.
func (c *Console) reachAfterSave(q *rq, b broadcast.Broadcast, when string, at time.Time) error {
	ctx := q.r.Context()
	target := "/console/reach/" + strconv.FormatInt(b.ID, 10)
	var err error
	flash := "flash.reach.saved"
	switch when {
	case "now":
		_, err = c.Broadcasts.SendNow(ctx, q.p, b.ID)
		flash = "flash.reach.send"
	case "at", "day_before":
		_, err = c.Broadcasts.Schedule(ctx, q.p, b.ID, broadcast.ScheduleInput{At: at})
		flash = "flash.reach.scheduled"
	}
	if err != nil {
		q.redirect(target, "flash.error.reach.not_sent", c.errText(q.lang, "reach", err))
		return nil
	}
	q.redirect(target, flash, b.Name)
	return nil
}

// reachPreview answers the form's live preview (htmx): who would receive what now.
func (c *Console) reachPreview(q *rq) error {
	if err := q.r.ParseForm(); err != nil {
		return siyu.Errorf(siyu.EINVALID, "bad form")
	}
	in, _, err := parseReachForm(q.r.PostForm)
	var p broadcast.Preview
	if err == nil {
		p, err = c.Broadcasts.Preview(q.r.Context(), q.p, in)
	}
	d := map[string]any{"P": p, "Err": ""}
	if err != nil {
		d["Err"] = c.errText(q.lang, "reach", err)
	}
	q.fragment(http.StatusOK, "reach_form", "reach_preview", d)
	return nil
}
