package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
)

// shanghai is the zone of the schedule inputs: merchants plan their shows in China
// time whatever zone the server or their laptop runs in. China has no daylight saving
// time, so a fixed zone is exact and needs no tzdata.
var shanghai = time.FixedZone("CST", 8*3600)

// localInput is the format of <input type="datetime-local">.
const localInput = "2006-01-02T15:04"

// liveStatuses are the filter tabs of the session list, in lifecycle order.
var liveStatuses = []string{live.StatusDraft, live.StatusScheduled, live.StatusLive, live.StatusEnded}

// liveListData is the session list. Each session carries its reservation count, so
// the list makes one query whatever its length.
type liveListData struct {
	Sessions []live.Session
	Status   string
	Statuses []string
	Next     string
	Manage   bool
}

func (c *Console) liveList(q *rq) error {
	status := q.r.URL.Query().Get("status")
	if status != "" && !slices.Contains(liveStatuses, status) {
		status = ""
	}
	before, _ := strconv.ParseInt(q.r.URL.Query().Get("before"), 10, 64)
	list, next, err := c.Live.List(q.r.Context(), q.p, status, before, 50)
	if err != nil {
		return err
	}
	q.render(http.StatusOK, "live_list", "nav.live", liveListData{Sessions: list, Status: status,
		Statuses: liveStatuses, Next: next, Manage: q.p.Can(org.PermSessionsManage)})
	return nil
}

// liveNewData is the create form.
type liveNewData struct {
	Form   *form
	Hosts  []org.User
	Themes []string
}

// hosts lists the staff who may host a live (active, with the live.host permission).
func (c *Console) hosts(q *rq) ([]org.User, error) {
	staff, err := c.Org.ListStaff(q.r.Context(), q.p)
	if err != nil {
		return nil, err
	}
	var out []org.User
	for _, u := range staff {
		if !u.Disabled && u.Role.Can(org.PermLiveHost) {
			out = append(out, u)
		}
	}
	return out, nil
}

func (c *Console) liveNew(q *rq) error {
	if !q.p.Can(org.PermSessionsManage) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not manage live sessions")
	}
	f := newForm(nil)
	f.Values.Set("theme", live.Themes[0])
	// Tomorrow at 20:00 China time, the usual prime time for a live.
	now := time.Now().In(shanghai)
	f.Values.Set("scheduled_at", time.Date(now.Year(), now.Month(), now.Day()+1, 20, 0, 0, 0, shanghai).Format(localInput))
	if q.p.Can(org.PermLiveHost) {
		f.Values.Set("host_id", strconv.FormatInt(q.p.UserID, 10))
	}
	return c.renderLiveNew(q, http.StatusOK, f)
}

func (c *Console) renderLiveNew(q *rq, status int, f *form) error {
	hosts, err := c.hosts(q)
	if err != nil {
		return err
	}
	q.render(status, "live_new", "live.new", liveNewData{Form: f, Hosts: hosts, Themes: live.Themes})
	return nil
}

// liveCreate creates a session from the form: scheduled when a time is given, a draft
// otherwise. Errors come back on the form next to the field at fault.
func (c *Console) liveCreate(q *rq) error {
	if err := q.r.ParseForm(); err != nil {
		return siyu.Errorf(siyu.EINVALID, "bad form")
	}
	f := newForm(q.r.PostForm)
	in := live.CreateInput{Title: f.Get("title")}
	patch, ok := c.patchFromForm(q, f, false)
	in.SessionPatch = patch
	if at := strings.TrimSpace(f.Get("scheduled_at")); at != "" {
		t, err := time.ParseInLocation(localInput, at, shanghai)
		if err != nil {
			f.Errors["scheduled_at"] = q.t("live.err.time")
			ok = false
		} else {
			in.ScheduledAt = t.Format(time.RFC3339)
		}
	}
	if !ok {
		return c.renderLiveNew(q, http.StatusUnprocessableEntity, f)
	}
	s, err := c.Live.Create(q.r.Context(), q.p, in)
	if err != nil {
		if siyu.ErrorCode(err) != siyu.EINVALID {
			return err
		}
		f.fail(c, q.lang, "live", err, liveFormFields...)
		return c.renderLiveNew(q, http.StatusUnprocessableEntity, f)
	}
	q.redirect("/console/live/"+strconv.FormatInt(s.ID, 10), "flash.live_created", s.Title)
	return nil
}

// liveFormFields are the inputs of the create and settings forms; a service error
// naming one of them is shown next to it.
var liveFormFields = []string{"title", "description", "cover_url", "theme", "announcement", "video_url",
	"rundown", "slow_mode_seconds", "followers_only", "host_id", "scheduled_at"}

// patchFromForm reads the settings fields present on the form into a patch. full is
// false for the create form, which has no rundown or room settings. Typing errors the
// service cannot see (a number that is not one) are recorded on f; ok is false then.
func (c *Console) patchFromForm(q *rq, f *form, full bool) (live.SessionPatch, bool) {
	var p live.SessionPatch
	ok := true
	str := func(name string) *string {
		if _, sent := f.Values[name]; !sent {
			return nil
		}
		v := f.Get(name)
		return &v
	}
	p.Description = str("description")
	p.CoverURL = str("cover_url")
	p.Theme = str("theme")
	if full {
		p.Title = str("title")
		p.Announcement = str("announcement")
		p.VideoURL = str("video_url")
		followers := f.Checked("followers_only", "on")
		p.FollowersOnly = &followers
		if v := strings.TrimSpace(f.Get("slow_mode_seconds")); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				f.Errors["slow_mode_seconds"] = q.t("live.err.integer")
				ok = false
			}
			p.SlowModeSeconds = &n
		}
		segs, err := rundownFromForm(f)
		if err != "" {
			f.Errors["rundown"] = q.t(err)
			ok = false
		}
		p.Rundown = &segs
	}
	if v := strings.TrimSpace(f.Get("host_id")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			f.Errors["host_id"] = q.t("live.err.host")
			ok = false
		}
		p.HostID = &id
	}
	return p, ok
}

// rundownFromForm reads the rundown rows (rundown_title, rundown_minutes, rundown_notes
// repeated); rows with neither title nor notes are blank and skipped. The second
// result is a catalog key when a row is malformed.
func rundownFromForm(f *form) ([]live.Segment, string) {
	titles, mins, notes := f.Values["rundown_title"], f.Values["rundown_minutes"], f.Values["rundown_notes"]
	segs := []live.Segment{}
	for i, title := range titles {
		note := at(notes, i)
		if strings.TrimSpace(title) == "" && strings.TrimSpace(note) == "" {
			continue
		}
		m, err := strconv.Atoi(strings.TrimSpace(at(mins, i)))
		if err != nil {
			return segs, "live.err.rundown_minutes"
		}
		segs = append(segs, live.Segment{Title: title, Minutes: m, Notes: note})
	}
	return segs, ""
}

func at(xs []string, i int) string {
	if i < len(xs) {
		return xs[i]
	}
	return ""
}
