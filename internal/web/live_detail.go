package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
)

// slowModeChoices are the slow-mode intervals offered (seconds; 0 is off).
var slowModeChoices = []int{0, 3, 5, 10, 30, 60, 120, 300}

// liveDetailData is the session page: overview, settings, banned words, entry links.
type liveDetailData struct {
	S           live.Session
	Entries     []live.EntryLink
	Form        *form
	Rundown     []live.Segment // the rows of the rundown editor (saved ones plus blanks)
	Banned      string         // banned words, one per line
	BannedErr   string
	EntryForm   *form
	Hosts       []org.User
	Themes      []string
	Channels    []string
	SlowModes   []int
	Manage      bool // may edit settings and entry links
	Host        bool // may start, end, interrupt and resume, and open the studio
	CanSchedule bool // the session is a draft or scheduled
}

// sessionForm fills the settings form from a saved session.
func sessionForm(s live.Session) *form {
	v := url.Values{}
	v.Set("title", s.Title)
	v.Set("description", s.Description)
	v.Set("cover_url", s.CoverURL)
	v.Set("theme", s.Theme)
	v.Set("announcement", s.Announcement)
	v.Set("video_url", s.VideoURL)
	v.Set("slow_mode_seconds", strconv.Itoa(s.SlowModeSeconds))
	if s.FollowersOnly {
		v.Set("followers_only", "on")
	}
	v.Set("host_id", strconv.FormatInt(s.Host.ID, 10))
	if !s.ScheduledAt.IsZero() {
		v.Set("scheduled_at", s.ScheduledAt.In(shanghai).Format(localInput))
	}
	return newForm(v)
}

// detailData loads everything the session page shows. f, banned and entry carry a
// rejected form back; nil means "as saved".
func (c *Console) detailData(q *rq, id int64, f *form, banned *form, entry *form) (liveDetailData, error) {
	ctx := q.r.Context()
	s, err := c.Live.Get(ctx, q.p, id)
	if err != nil {
		return liveDetailData{}, err
	}
	entries, err := c.Live.ListEntries(ctx, q.p, id)
	if err != nil {
		return liveDetailData{}, err
	}
	hosts, err := c.hosts(q)
	if err != nil {
		return liveDetailData{}, err
	}
	d := liveDetailData{S: s, Entries: entries, Form: f, EntryForm: entry, Hosts: hosts, Themes: live.Themes,
		Channels: live.Channels, SlowModes: slowModeChoices, Manage: q.p.Can(org.PermSessionsManage),
		Host: q.p.Can(org.PermLiveHost), CanSchedule: s.Status == live.StatusDraft || s.Status == live.StatusScheduled}
	d.Rundown = s.Rundown
	if f == nil {
		d.Form = sessionForm(s)
	} else if segs, _ := rundownFromForm(f); segs != nil {
		d.Rundown = segs
	}
	d.Rundown = append(append([]live.Segment{}, d.Rundown...), live.Segment{}, live.Segment{})
	d.Banned = strings.Join(s.BannedWords, "\n")
	if banned != nil {
		d.Banned, d.BannedErr = banned.Get("words"), banned.Err("words")
	}
	if d.EntryForm == nil {
		d.EntryForm = newForm(url.Values{"channel": {live.Channels[0]}})
	}
	return d, nil
}

func (c *Console) liveDetail(q *rq) error {
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	d, err := c.detailData(q, id, nil, nil, nil)
	if err != nil {
		return err
	}
	q.render(http.StatusOK, "live_detail", "nav.live", d)
	return nil
}

func (c *Console) rerenderDetail(q *rq, id int64, f, banned, entry *form) error {
	d, err := c.detailData(q, id, f, banned, entry)
	if err != nil {
		return err
	}
	q.render(http.StatusUnprocessableEntity, "live_detail", "nav.live", d)
	return nil
}

// liveSettings saves the settings form: the patch first, then the schedule when it
// was moved (only drafts and scheduled sessions have one to move).
func (c *Console) liveSettings(q *rq) error {
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	if err := q.r.ParseForm(); err != nil {
		return siyu.Errorf(siyu.EINVALID, "bad form")
	}
	cur, err := c.Live.Get(q.r.Context(), q.p, id)
	if err != nil {
		return err
	}
	f := newForm(q.r.PostForm)
	patch, ok := c.patchFromForm(q, f, true)
	if cur.Status == live.StatusLive || cur.Status == live.StatusEnded {
		patch.HostID = nil
	}
	var when time.Time
	if at := strings.TrimSpace(f.Get("scheduled_at")); at != "" && (cur.Status == live.StatusDraft || cur.Status == live.StatusScheduled) {
		if when, err = time.ParseInLocation(localInput, at, shanghai); err != nil {
			f.Errors["scheduled_at"] = q.t("live.err.time")
			ok = false
		}
	}
	if !ok {
		return c.rerenderDetail(q, id, f, nil, nil)
	}
	if _, err := c.Live.Update(q.r.Context(), q.p, id, patch); err != nil {
		if siyu.ErrorCode(err) != siyu.EINVALID {
			return err
		}
		f.fail(c, q.lang, "live", err, liveFormFields...)
		return c.rerenderDetail(q, id, f, nil, nil)
	}
	if !when.IsZero() && !when.Equal(cur.ScheduledAt) {
		_, err := c.Live.Schedule(q.r.Context(), q.p, id, live.ScheduleInput{ScheduledAt: when.Format(time.RFC3339)})
		if err != nil {
			if siyu.ErrorCode(err) != siyu.EINVALID {
				return err
			}
			f.fail(c, q.lang, "live", err, liveFormFields...)
			return c.rerenderDetail(q, id, f, nil, nil)
		}
	}
	q.redirect(liveURL(id), "flash.live_saved", "")
	return nil
}

// liveBanned replaces the banned words with the textarea's lines (blank lines skipped).
func (c *Console) liveBanned(q *rq) error {
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	if err := q.r.ParseForm(); err != nil {
		return siyu.Errorf(siyu.EINVALID, "bad form")
	}
	f := newForm(q.r.PostForm)
	words := []string{}
	for line := range strings.SplitSeq(f.Get("words"), "\n") {
		if w := strings.TrimSpace(line); w != "" {
			words = append(words, w)
		}
	}
	saved, err := c.Live.SetBannedWords(q.r.Context(), q.p, id, words)
	if err != nil {
		if siyu.ErrorCode(err) != siyu.EINVALID {
			return err
		}
		f.Errors["words"] = c.errText(q.lang, "live", err)
		return c.rerenderDetail(q, id, nil, f, nil)
	}
	q.redirect(liveURL(id)+"#banned", "flash.live_banned_saved", strconv.Itoa(len(saved)))
	return nil
}

// liveEntryCreate adds an entry link for a channel.
func (c *Console) liveEntryCreate(q *rq) error {
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	if err := q.r.ParseForm(); err != nil {
		return siyu.Errorf(siyu.EINVALID, "bad form")
	}
	f := newForm(q.r.PostForm)
	e, err := c.Live.CreateEntry(q.r.Context(), q.p, id, live.EntryInput{Channel: f.Get("channel"), Label: f.Get("label")})
	if err != nil {
		if siyu.ErrorCode(err) != siyu.EINVALID {
			return err
		}
		f.fail(c, q.lang, "entry", err, "channel", "label")
		return c.rerenderDetail(q, id, nil, nil, f)
	}
	q.redirect(liveURL(id)+"#entries", "flash.live_entry_created", e.Code)
	return nil
}

// liveAction starts, ends, interrupts or resumes a session, then goes back to the page
// the button was on (the session page or the studio).
func (c *Console) liveAction(action string) handler {
	return func(q *rq) error {
		id, err := pathID(q, "id")
		if err != nil {
			return err
		}
		ctx := q.r.Context()
		switch action {
		case "start":
			_, err = c.Live.Start(ctx, q.p, id)
		case "end":
			_, err = c.Live.End(ctx, q.p, id)
		case "interrupt":
			_, err = c.Live.Interrupt(ctx, q.p, id)
		case "resume":
			_, err = c.Live.Resume(ctx, q.p, id)
		}
		if err != nil {
			return err
		}
		back := liveURL(id)
		if q.r.PostFormValue("back") == "studio" {
			back += "/studio"
		}
		q.redirect(back, "flash.live_"+action, "")
		return nil
	}
}

func liveURL(id int64) string { return "/console/live/" + strconv.FormatInt(id, 10) }
