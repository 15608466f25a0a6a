package community

import (
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/live"
)

// Join modes: who may become a member through the public page.
const (
	JoinOpen   = "open"   // anyone with the link (群二维码)
	JoinInvite = "invite" // only with the invite link's code (邀请进群)
)

// Member sources: how a customer became a member.
const (
	SourceStaff = "staff" // added by id in the console or API
	SourceRule  = "rule"  // added in bulk by a tag/segment rule
	SourceJoin  = "join"  // joined through the public page
)

// Limits (ours): a WeChat group holds 500; ours may hold more, but an envelope never
// has more shares than this, which bounds the share list stored with it.
const (
	MaxName          = 30
	MaxAnnouncement  = 1000
	MaxURLLen        = 2000
	MaxManagers      = 20
	MaxAddByID       = 500
	MaxMembersByRule = 20000
)

// Community is a group (社群/群聊) as staff see it.
type Community struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	AvatarURL    string `json:"avatar_url"`
	Announcement string `json:"announcement"`
	// AnnouncementAt is when the announcement last changed (the group's 公告 time).
	AnnouncementAt time.Time `json:"announcement_updated_at,omitzero"`
	JoinMode       string    `json:"join_mode"`
	Code           string    `json:"code"`
	URL            string    `json:"url"`         // the members' page /g/{code}
	InviteCode     string    `json:"invite_code"` // what joining an invite-only group takes
	InviteURL      string    `json:"invite_url"`  // the page with the invite code (the page itself for open groups)
	MemberCount    int64     `json:"member_count"`
	Managers       []Manager `json:"managers"`
	Live           *Live     `json:"live,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Manager is a staff member managing a community (群管理).
type Manager struct {
	UserID int64  `json:"user_id" db:"user_id"`
	Name   string `json:"name" db:"name"`
	Role   string `json:"role" db:"role"`
}

// Live is the session a community points its members to: the community's own entry link
// (channel "community", so viewers arriving from the group are attributed to it), the
// reservation link, and the session's preview.
type Live struct {
	SessionID    int64     `json:"session_id"`
	EntryCode    string    `json:"entry_code"`
	EntryURL     string    `json:"entry_url"`   // the live room through the community's entry link
	ReserveURL   string    `json:"reserve_url"` // the preview page (预约) through the same link
	Title        string    `json:"title"`
	CoverURL     string    `json:"cover_url"`
	Status       string    `json:"status"`
	ScheduledAt  time.Time `json:"scheduled_at,omitzero"`
	StartedAt    time.Time `json:"started_at,omitzero"`
	HostName     string    `json:"host_name"`
	Reservations int       `json:"reservations"`
}

// Input is the body of POST /api/v1/communities.
type Input struct {
	Name         string `json:"name"`
	AvatarURL    string `json:"avatar_url,omitempty"`
	Announcement string `json:"announcement,omitempty"`
	JoinMode     string `json:"join_mode,omitempty"` // open (default) | invite
	// ManagerIDs are staff user ids; the creator manages the group when none are given.
	ManagerIDs []int64 `json:"manager_ids,omitempty"`
}

// Patch is the body of PATCH /api/v1/communities/{id}: absent fields stay.
type Patch struct {
	Name         *string `json:"name,omitempty"`
	AvatarURL    *string `json:"avatar_url,omitempty"`
	Announcement *string `json:"announcement,omitempty"`
	JoinMode     *string `json:"join_mode,omitempty"`
}

// ManagersInput is the body of PUT /api/v1/communities/{id}/managers: the whole list.
type ManagersInput struct {
	UserIDs []int64 `json:"user_ids"`
}

// LiveInput is the body of PUT /api/v1/communities/{id}/live.
type LiveInput struct {
	SessionID int64 `json:"session_id"`
}

// text and httpURL are live's checks, so a community's name or announcement is refused
// in the same words as a session's.
func text(field, s string, min, max int, multiline bool) (string, error) {
	return live.CheckText(field, s, min, max, multiline)
}

func httpURL(field, s string) (string, error) { return live.CheckURL(field, s) }

func joinMode(s string) (string, error) {
	switch strings.TrimSpace(s) {
	case "", JoinOpen:
		return JoinOpen, nil
	case JoinInvite:
		return JoinInvite, nil
	}
	return "", siyu.Invalid("join_mode", `join_mode must be "open" or "invite", got %q`, s)
}

// check validates and normalises a new community.
func (in *Input) check() error {
	var err error
	if in.Name, err = text("name", in.Name, 1, MaxName, false); err != nil {
		return err
	}
	if in.AvatarURL, err = httpURL("avatar_url", in.AvatarURL); err != nil {
		return err
	}
	if in.Announcement, err = text("announcement", in.Announcement, 0, MaxAnnouncement, true); err != nil {
		return err
	}
	if in.JoinMode, err = joinMode(in.JoinMode); err != nil {
		return err
	}
	if len(in.ManagerIDs) > MaxManagers {
		return siyu.Invalid("manager_ids", "at most %d managers", MaxManagers)
	}
	return nil
}

// apply validates p onto r; it reports whether the announcement changed.
func (p Patch) apply(r *communityRow) (bool, error) {
	var err error
	if p.Name != nil {
		if r.Name, err = text("name", *p.Name, 1, MaxName, false); err != nil {
			return false, err
		}
	}
	if p.AvatarURL != nil {
		if r.AvatarURL, err = httpURL("avatar_url", *p.AvatarURL); err != nil {
			return false, err
		}
	}
	if p.JoinMode != nil {
		if r.JoinMode, err = joinMode(*p.JoinMode); err != nil {
			return false, err
		}
	}
	if p.Announcement != nil {
		a, err := text("announcement", *p.Announcement, 0, MaxAnnouncement, true)
		if err != nil {
			return false, err
		}
		changed := a != r.Announcement
		r.Announcement = a
		return changed, nil
	}
	return false, nil
}
