package broadcast

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/talk"
	"github.com/siyu-live/siyu/internal/notify"
)

// Broadcast statuses: draft → scheduled → sending → sent, or cancelled on the way;
// failed when the send could not go on (the session it promotes ended or was removed).
const (
	StatusDraft     = "draft"
	StatusScheduled = "scheduled"
	StatusSending   = "sending"
	StatusSent      = "sent"
	StatusCancelled = "cancelled"
	StatusFailed    = "failed"
)

// Recipient statuses: what happened to the message. What the customer then did is a
// stage (opened, clicked, came) on top of delivered.
const (
	RecipientPending     = "pending"
	RecipientDelivered   = "delivered"
	RecipientFailed      = "failed"
	RecipientUnreachable = "unreachable"
)

// Stages of a delivered message's funnel, furthest last.
const (
	StageOpened  = "opened"
	StageClicked = "clicked"
	StageCame    = "came"
)

// RecipientFilters are the values GET …/recipients?status= accepts: a status or a stage.
var RecipientFilters = []string{RecipientPending, RecipientDelivered, RecipientFailed, RecipientUnreachable,
	StageOpened, StageClicked, StageCame}

// Audience kinds.
const (
	AudienceSegment   = "segment"
	AudienceCommunity = "community"
)

// Channels a broadcast may name, in the order the console offers them. The webhook
// channel hands messages to the brand's own system; SMS, e-mail and WeCom are provider
// adapters that must be configured on the server before they can be picked.
var Channels = []string{notify.ChannelInApp, notify.ChannelWebhook, notify.ChannelSMS, notify.ChannelEmail, notify.ChannelWeCom}

// EventMessage is the webhook event type of broadcast messages: a tenant endpoint
// subscribed to it (explicitly) is where the webhook channel hands messages over.
const EventMessage = "broadcast.message"

// Limits of a broadcast.
const (
	MaxName      = 50
	MaxTitle     = 60
	MaxCoupon    = 60
	MaxText      = 500
	MaxAudiences = 20
)

// Audience is one segment or community with its own talk-track (话术). Name is filled
// on reads.
type Audience struct {
	Kind string `json:"kind"`
	ID   int64  `json:"id"`
	Text string `json:"text"`
	Name string `json:"name,omitempty"`
}

// Input is the body of POST /api/v1/broadcasts. Channels default to in-app; Title (the
// in-app message's heading) defaults to the live's title; Poster defaults to true;
// ThrottlePerMinute 0 means the tenant's setting (a larger value is capped by it).
type Input struct {
	Name              string     `json:"name"`
	SessionID         int64      `json:"session_id"`
	Audiences         []Audience `json:"audiences"`
	Channels          []string   `json:"channels,omitempty"`
	Title             string     `json:"title,omitempty"`
	Coupon            string     `json:"coupon,omitempty"`
	Poster            *bool      `json:"poster,omitempty"`
	WebhookEndpointID int64      `json:"webhook_endpoint_id,omitempty"`
	ThrottlePerMinute int        `json:"throttle_per_minute,omitempty"`
}

// Patch is the body of PATCH /api/v1/broadcasts/{id}; absent fields stay as they are,
// audiences and channels are replaced whole.
type Patch struct {
	Name              *string     `json:"name,omitempty"`
	SessionID         *int64      `json:"session_id,omitempty"`
	Audiences         *[]Audience `json:"audiences,omitempty"`
	Channels          *[]string   `json:"channels,omitempty"`
	Title             *string     `json:"title,omitempty"`
	Coupon            *string     `json:"coupon,omitempty"`
	Poster            *bool       `json:"poster,omitempty"`
	WebhookEndpointID *int64      `json:"webhook_endpoint_id,omitempty"`
	ThrottlePerMinute *int        `json:"throttle_per_minute,omitempty"`
}

// ScheduleInput is the body of POST /api/v1/broadcasts/{id}/schedule.
type ScheduleInput struct {
	At time.Time `json:"at"`
}

// Counts are a broadcast's funnel: recipients by status, and how many of them opened,
// clicked and came to the live. Each stage includes the later ones (a click counts as
// opened), so the funnel never widens.
type Counts struct {
	Recipients  int64 `json:"recipients"`
	Pending     int64 `json:"pending"`
	Delivered   int64 `json:"delivered"`
	Failed      int64 `json:"failed"`
	Unreachable int64 `json:"unreachable"`
	Opened      int64 `json:"opened"`
	Clicked     int64 `json:"clicked"`
	Came        int64 `json:"came"`
}

// Entry is the live entry link (channel "broadcast") a broadcast's tracked links lead
// through, so the session's attribution counts the viewers it brought.
type Entry struct {
	ID      int64  `json:"id"`
	Code    string `json:"code"`
	URL     string `json:"url"`
	Viewers int64  `json:"viewers"`
}

// Broadcast is a broadcast as the API shows it.
type Broadcast struct {
	ID                int64      `json:"id"`
	Name              string     `json:"name"`
	SessionID         int64      `json:"session_id"`
	SessionTitle      string     `json:"session_title"`
	SessionAt         time.Time  `json:"session_at,omitzero"` // the live's scheduled start
	Audiences         []Audience `json:"audiences"`
	Channels          []string   `json:"channels"`
	Title             string     `json:"title"`
	Coupon            string     `json:"coupon"`
	Poster            bool       `json:"poster"`
	WebhookEndpointID int64      `json:"webhook_endpoint_id,omitempty"`
	ThrottlePerMinute int        `json:"throttle_per_minute"`
	Status            string     `json:"status"`
	ScheduledAt       time.Time  `json:"scheduled_at,omitzero"`
	StartedAt         time.Time  `json:"started_at,omitzero"`
	FinishedAt        time.Time  `json:"finished_at,omitzero"`
	CancelledAt       time.Time  `json:"cancelled_at,omitzero"`
	Entry             *Entry     `json:"entry,omitempty"`
	Counts            Counts     `json:"counts"`
	LastError         string     `json:"last_error,omitempty"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

// Editable reports whether the broadcast may still be changed (not yet sending).
func (b Broadcast) Editable() bool { return b.Status == StatusDraft || b.Status == StatusScheduled }

// Recipient is one customer's message and what they did with it. Stage is the furthest
// of delivered, opened, clicked and came ("" while not delivered).
type Recipient struct {
	ID           int64     `json:"id"`
	CustomerID   int64     `json:"customer_id"`
	Name         string    `json:"name"`
	Audience     int       `json:"audience"`
	Channel      string    `json:"channel,omitempty"`
	Status       string    `json:"status"`
	Reason       string    `json:"reason,omitempty"`
	Stage        string    `json:"stage,omitempty"`
	ViewerID     int64     `json:"viewer_id,omitempty"`
	RoomViewerID int64     `json:"room_viewer_id,omitempty"`
	Clicks       int       `json:"clicks"`
	DeliveredAt  time.Time `json:"delivered_at,omitzero"`
	OpenedAt     time.Time `json:"opened_at,omitzero"`
	ClickedAt    time.Time `json:"clicked_at,omitzero"`
	CameAt       time.Time `json:"came_at,omitzero"`
}

// RecipientPage is one page of a broadcast's recipients with the counts per status.
type RecipientPage struct {
	Items      []Recipient `json:"items"`
	NextCursor string      `json:"next_cursor"`
	Counts     Counts      `json:"counts"`
}

// settings is a validated Input, as stored.
type settings struct {
	Name              string
	SessionID         int64
	Audiences         []Audience
	Channels          []string
	Title             string
	Coupon            string
	Poster            bool
	WebhookEndpointID int64
	ThrottlePerMinute int
}

func textField(field, v string, lo, hi int) (string, error) {
	v = strings.TrimSpace(v)
	if n := utf8.RuneCountInString(v); n < lo || n > hi {
		if lo > 0 {
			return "", siyu.Invalid(field, "%s must be %d–%d characters", field, lo, hi)
		}
		return "", siyu.Invalid(field, "%s is at most %d characters", field, hi)
	}
	return v, nil
}

// normalize checks an Input without looking anything up (the service checks that the
// session, audiences and webhook endpoint are the tenant's).
func (in Input) normalize() (settings, error) {
	var s settings
	var err error
	if s.Name, err = textField("name", in.Name, 1, MaxName); err != nil {
		return s, err
	}
	if in.SessionID <= 0 {
		return s, siyu.Invalid("session_id", "session_id is required: the live this broadcast promotes")
	}
	s.SessionID = in.SessionID
	if len(in.Audiences) == 0 || len(in.Audiences) > MaxAudiences {
		return s, siyu.Invalid("audiences", "a broadcast needs 1–%d audiences (segments or communities)", MaxAudiences)
	}
	for i, a := range in.Audiences {
		field := fmt.Sprintf("audiences[%d]", i)
		if a.Kind != AudienceSegment && a.Kind != AudienceCommunity {
			return s, siyu.Invalid(field+".kind", "%s.kind must be segment or community, got %q", field, a.Kind)
		}
		if a.ID <= 0 {
			return s, siyu.Invalid(field+".id", "%s.id is required", field)
		}
		if slices.ContainsFunc(s.Audiences, func(o Audience) bool { return o.Kind == a.Kind && o.ID == a.ID }) {
			return s, siyu.Invalid(field, "%s: %s %d is listed twice", field, a.Kind, a.ID)
		}
		text, err := textField(field+".text", a.Text, 1, MaxText)
		if err != nil {
			return s, err
		}
		if err := talk.Check(field+".text", text, talk.Variables); err != nil {
			return s, siyu.Invalid(field+".text", "%s", siyu.ErrorMessage(err))
		}
		s.Audiences = append(s.Audiences, Audience{Kind: a.Kind, ID: a.ID, Text: text})
	}
	s.Channels = in.Channels
	if len(s.Channels) == 0 {
		s.Channels = []string{notify.ChannelInApp}
	}
	for i, c := range s.Channels {
		if !slices.Contains(Channels, c) {
			return s, siyu.Invalid("channels", "channel %q is unknown; channels are %s", c, strings.Join(Channels, ", "))
		}
		if slices.Contains(s.Channels[:i], c) {
			return s, siyu.Invalid("channels", "channel %q is listed twice", c)
		}
	}
	if s.Title, err = textField("title", in.Title, 0, MaxTitle); err != nil {
		return s, err
	}
	if s.Coupon, err = textField("coupon", in.Coupon, 0, MaxCoupon); err != nil {
		return s, err
	}
	s.Poster = in.Poster == nil || *in.Poster
	if in.WebhookEndpointID < 0 {
		return s, siyu.Invalid("webhook_endpoint_id", "webhook_endpoint_id must be an endpoint id")
	}
	s.WebhookEndpointID = in.WebhookEndpointID
	if in.ThrottlePerMinute < 0 || in.ThrottlePerMinute > 1_000_000 {
		return s, siyu.Invalid("throttle_per_minute", "throttle_per_minute must be 0 (the brand's setting) to 1000000")
	}
	s.ThrottlePerMinute = in.ThrottlePerMinute
	return s, nil
}

// input turns stored settings back into an Input, for patching.
func (s settings) input() Input {
	p := s.Poster
	return Input{Name: s.Name, SessionID: s.SessionID, Audiences: slices.Clone(s.Audiences), Channels: slices.Clone(s.Channels),
		Title: s.Title, Coupon: s.Coupon, Poster: &p, WebhookEndpointID: s.WebhookEndpointID, ThrottlePerMinute: s.ThrottlePerMinute}
}

// apply overlays a patch on an input.
func (p Patch) apply(in Input) Input {
	if p.Name != nil {
		in.Name = *p.Name
	}
	if p.SessionID != nil {
		in.SessionID = *p.SessionID
	}
	if p.Audiences != nil {
		in.Audiences = *p.Audiences
	}
	if p.Channels != nil {
		in.Channels = *p.Channels
	}
	if p.Title != nil {
		in.Title = *p.Title
	}
	if p.Coupon != nil {
		in.Coupon = *p.Coupon
	}
	if p.Poster != nil {
		in.Poster = p.Poster
	}
	if p.WebhookEndpointID != nil {
		in.WebhookEndpointID = *p.WebhookEndpointID
	}
	if p.ThrottlePerMinute != nil {
		in.ThrottlePerMinute = *p.ThrottlePerMinute
	}
	return in
}
