package live

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
)

// Session statuses: draft → scheduled → live → ended. An interrupted stream stays live.
const (
	StatusDraft     = "draft"
	StatusScheduled = "scheduled"
	StatusLive      = "live"
	StatusEnded     = "ended"
)

// Themes are the viewer-page colour themes a session can pick; a fixed set so the web
// pages can ship a stylesheet for each.
var Themes = []string{"rose", "coral", "gold", "jade", "ocean", "violet", "ink"}

// Limits of the session settings.
const (
	MaxTitleRunes        = 100
	MaxDescriptionRunes  = 2000
	MaxAnnouncementRunes = 500
	MaxURLLen            = 2000
	MaxRundownSegments   = 50
	MaxSlowModeSeconds   = 300
	MaxBannedWords       = 2000
	MaxBannedWordRunes   = 50
)

// Segment is one part of the rundown (直播脚本): what happens, for how long, and the
// host's notes (talking points, products to show).
type Segment struct {
	Title   string `json:"title"`
	Minutes int    `json:"minutes"`
	Notes   string `json:"notes"`
}

// Person names a staff member in answers without exposing their e-mail.
type Person struct {
	ID   int64  `json:"id" db:"id"`
	Name string `json:"name" db:"name"`
}

// Stats are the room counters the real-time engine writes into the session.
type Stats struct {
	PeakOnline int64 `json:"peak_online"`
	Viewers    int64 `json:"viewers"`
	Likes      int64 `json:"likes"`
	Comments   int64 `json:"comments"`
	Shares     int64 `json:"shares"`
	Follows    int64 `json:"follows"`
	GiftValue  int64 `json:"gift_value"` // fen
}

// Session is a live session as the API shows it.
type Session struct {
	ID              int64     `json:"id"`
	Title           string    `json:"title"`
	Description     string    `json:"description"`
	CoverURL        string    `json:"cover_url"`
	Theme           string    `json:"theme"`
	Announcement    string    `json:"announcement"`
	VideoURL        string    `json:"video_url"`
	Rundown         []Segment `json:"rundown"`
	BannedWords     []string  `json:"banned_words"`
	SlowModeSeconds int       `json:"slow_mode_seconds"`
	FollowersOnly   bool      `json:"followers_only"`
	Status          string    `json:"status"`
	Host            Person    `json:"host"`
	ScheduledAt     time.Time `json:"scheduled_at,omitzero"`
	StartedAt       time.Time `json:"started_at,omitzero"`
	EndedAt         time.Time `json:"ended_at,omitzero"`
	Interrupted     bool      `json:"interrupted"`
	InterruptedAt   time.Time `json:"interrupted_at,omitzero"`
	// DurationSeconds is the time on air so far (final once ended), interruptions excluded.
	DurationSeconds int64 `json:"duration_seconds"`
	CoStreamWith    int64 `json:"co_stream_session_id,omitempty"`
	Stats           Stats `json:"stats"`
	// Reservations is how many viewers reserved the session (预约), so lists need no
	// query per row.
	Reservations int `json:"reservations"`
	// NextSession is the brand's next show, the soonest scheduled session other than
	// this one, which an ended room offers to reserve; absent when none is scheduled.
	NextSession *NextSession `json:"next_session,omitempty"`
	EntryURL    string       `json:"entry_url"`
	PreviewURL  string       `json:"preview_url"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
}

// CreateInput is the body of POST /api/v1/sessions. With scheduled_at (RFC 3339, in the
// future) the session is scheduled, without it a draft. HostID defaults to the caller.
type CreateInput struct {
	Title       string `json:"title"`
	ScheduledAt string `json:"scheduled_at,omitempty"`
	SessionPatch
}

// SessionPatch is the body of PATCH /api/v1/sessions/{id}: absent fields stay as they are.
type SessionPatch struct {
	Title           *string    `json:"title,omitempty"`
	Description     *string    `json:"description,omitempty"`
	CoverURL        *string    `json:"cover_url,omitempty"`
	Theme           *string    `json:"theme,omitempty"`
	Announcement    *string    `json:"announcement,omitempty"`
	VideoURL        *string    `json:"video_url,omitempty"`
	Rundown         *[]Segment `json:"rundown,omitempty"`
	SlowModeSeconds *int       `json:"slow_mode_seconds,omitempty"`
	FollowersOnly   *bool      `json:"followers_only,omitempty"`
	HostID          *int64     `json:"host_id,omitempty"`
}

// ScheduleInput is the body of POST /api/v1/sessions/{id}/schedule.
type ScheduleInput struct {
	ScheduledAt string `json:"scheduled_at"`
}

// BannedWords is the body and answer of PUT /api/v1/sessions/{id}/banned-words.
type BannedWords struct {
	Words []string `json:"words"`
}

// text trims s and checks its length and that it holds no control characters (line
// breaks are allowed where multiline is true).
func text(field, s string, min, max int, multiline bool) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return "", siyu.Invalid(field, "%s is not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(s); n < min || n > max {
		if min > 0 {
			return "", siyu.Invalid(field, "%s must be %d to %d characters, got %d", field, min, max, n)
		}
		return "", siyu.Invalid(field, "%s must be at most %d characters, got %d", field, max, n)
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
			return "", siyu.Invalid(field, "%s must not contain control characters", field)
		}
	}
	return s, nil
}

// httpURL checks an optional absolute http(s) URL.
func httpURL(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(s) > MaxURLLen {
		return "", siyu.Invalid(field, "%s must be an http:// or https:// URL of at most %d characters", field, MaxURLLen)
	}
	return s, nil
}

// parseFuture reads an RFC 3339 time that must lie after now.
func parseFuture(field, s string, now time.Time) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, siyu.Invalid(field, "%s must be an RFC 3339 time such as 2030-01-02T20:00:00+08:00", field)
	}
	if !t.After(now) {
		return time.Time{}, siyu.Invalid(field, "%s must be in the future", field)
	}
	return t, nil
}

// apply validates p and copies its fields onto r. The host is checked by the caller,
// because that needs the store.
func (p SessionPatch) apply(r *sessionRow) error {
	var err error
	if p.Title != nil {
		if r.Title, err = text("title", *p.Title, 1, MaxTitleRunes, false); err != nil {
			return err
		}
	}
	if p.Description != nil {
		if r.Description, err = text("description", *p.Description, 0, MaxDescriptionRunes, true); err != nil {
			return err
		}
	}
	if p.Announcement != nil {
		if r.Announcement, err = text("announcement", *p.Announcement, 0, MaxAnnouncementRunes, true); err != nil {
			return err
		}
	}
	if p.CoverURL != nil {
		if r.CoverURL, err = httpURL("cover_url", *p.CoverURL); err != nil {
			return err
		}
	}
	if p.VideoURL != nil {
		if r.VideoURL, err = httpURL("video_url", *p.VideoURL); err != nil {
			return err
		}
	}
	if p.Theme != nil {
		if !slices.Contains(Themes, *p.Theme) {
			return siyu.Invalid("theme", "theme must be one of %s", strings.Join(Themes, ", "))
		}
		r.Theme = *p.Theme
	}
	if p.SlowModeSeconds != nil {
		if *p.SlowModeSeconds < 0 || *p.SlowModeSeconds > MaxSlowModeSeconds {
			return siyu.Invalid("slow_mode_seconds", "slow_mode_seconds must be between 0 and %d", MaxSlowModeSeconds)
		}
		r.SlowMode = int64(*p.SlowModeSeconds)
	}
	if p.FollowersOnly != nil {
		r.FollowersOnly = b2i(*p.FollowersOnly)
	}
	if p.Rundown != nil {
		segs, err := checkRundown(*p.Rundown)
		if err != nil {
			return err
		}
		r.Rundown = encodeJSON(segs)
	}
	return nil
}

func checkRundown(in []Segment) ([]Segment, error) {
	if len(in) > MaxRundownSegments {
		return nil, siyu.Invalid("rundown", "rundown may have at most %d segments", MaxRundownSegments)
	}
	out := make([]Segment, len(in))
	for i, s := range in {
		var err error
		if out[i].Title, err = text("rundown", s.Title, 1, 100, false); err != nil {
			return nil, siyu.Invalid("rundown", "rundown segment %d: title must be 1 to 100 characters without control characters", i+1)
		}
		if out[i].Notes, err = text("rundown", s.Notes, 0, 1000, true); err != nil {
			return nil, siyu.Invalid("rundown", "rundown segment %d: notes must be at most 1000 characters", i+1)
		}
		if s.Minutes < 1 || s.Minutes > 600 {
			return nil, siyu.Invalid("rundown", "rundown segment %d: minutes must be between 1 and 600", i+1)
		}
		out[i].Minutes = s.Minutes
	}
	return out, nil
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
