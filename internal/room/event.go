package room

import (
	"encoding/json"
	"strconv"
	"time"
)

// Event kinds: persisted in room_events.kind, carried between nodes, and (most of them)
// the "type" of the server event a client receives.
const (
	KindComment    = "comment"
	KindGift       = "gift"
	KindShare      = "share"
	KindFollow     = "follow"
	KindJoin       = "join" // persisted; hosts get a welcome prompt, viewers see nothing
	KindMicRequest = "mic_request"
	KindMicCancel  = "mic_cancel"
	KindMicOK      = "mic_approved" // decisions, persisted by the REST path
	KindMicNo      = "mic_refused"
)

// Hidden values of room_events.hidden.
const (
	Visible        = 0
	HiddenBanned   = 1 // hit a banned word: shown to its sender only
	HiddenDeleted  = 2 // deleted by a moderator
	hiddenSampled  = 3 // in memory only: sampled away for viewers (never persisted)
	maxEventBytes  = 2048
	promptWelcome  = "welcome"
	promptThank    = "thank_gift"
	promptEnvelope = "suggest_red_envelope"
)

// event is one accepted room event: persisted by the batched writer (which assigns ID),
// published to the other nodes, then broadcast. Only exported fields travel on the bus.
type event struct {
	Kind     string `json:"kind"`
	ID       int64  `json:"id,omitempty"`
	TenantID int64  `json:"tenant_id"`
	ViewerID int64  `json:"viewer_id,omitempty"`
	UserID   int64  `json:"user_id,omitempty"`
	Role     Role   `json:"role,omitempty"`
	Nickname string `json:"nickname,omitempty"`
	Text     string `json:"text,omitempty"`
	RefID    int64  `json:"ref_id,omitempty"` // gift id, entry link id for joins
	Amount   int64  `json:"amount,omitempty"` // gift value in fen (all of count)
	Count    int    `json:"count,omitempty"`
	Hidden   int    `json:"hidden,omitempty"`
	New      bool   `json:"new,omitempty"` // joins: first join of this viewer in the session
	At       int64  `json:"at"`            // unix ms

	origin    *conn  // the local connection that sent it, for the sender's own copy
	wire      []byte // the client encoding, made once
	staffWire []byte // the flagged encoding staff get of a held-back comment, made once
}

// staff reports whether the event comes from the host or a moderator (never sampled).
func (e *event) staff() bool { return e.Role == RoleHost || e.Role == RoleModerator }

// ordinary reports whether the event may be sampled away for viewers in a big room.
func (e *event) ordinary() bool {
	switch e.Kind {
	case KindComment:
		return !e.staff()
	case KindShare, KindFollow:
		return true
	}
	return false
}

// encode returns the client encoding of e, computed once. Joins and mic events have
// no viewer-facing form; their staff forms are built by the hub.
func (e *event) encode() []byte {
	if e.wire != nil {
		return e.wire
	}
	var v any
	switch e.Kind {
	case KindComment:
		v = commentOut{Type: "comment", ID: e.ID, Text: e.Text, ViewerID: e.ViewerID, Nickname: e.Nickname,
			Role: roleOut(e.Role), UserID: e.UserID}
	case KindGift:
		v = giftOut{Type: "gift", ViewerID: e.ViewerID, Nickname: e.Nickname, GiftID: e.RefID, Name: e.Text,
			Value: e.Amount, Count: e.Count}
	case KindShare, KindFollow:
		v = noticeOut{Type: e.Kind, ViewerID: e.ViewerID, Nickname: e.Nickname}
	case KindMicRequest, KindMicCancel:
		v = noticeOut{Type: e.Kind, ViewerID: e.ViewerID, Nickname: e.Nickname}
	default:
		return nil
	}
	e.wire = mustJSON(v)
	return e.wire
}

// encodeStaff returns what hosts and moderators receive of e: a comment the
// banned-word filter held back comes flagged (hidden, hidden_reason "banned_word") so
// the studio can show and act on it without polling; anything else as viewers get it.
func (e *event) encodeStaff() []byte {
	if e.Kind != KindComment || e.Hidden != HiddenBanned {
		return e.encode()
	}
	if e.staffWire == nil {
		e.staffWire = mustJSON(commentOut{Type: "comment", ID: e.ID, Text: e.Text, ViewerID: e.ViewerID, Nickname: e.Nickname,
			Role: roleOut(e.Role), UserID: e.UserID, Hidden: true, HiddenReason: "banned_word"})
	}
	return e.staffWire
}

func roleOut(r Role) string {
	if r == RoleViewer {
		return ""
	}
	return string(r)
}

type commentOut struct {
	Type     string `json:"type"`
	ID       int64  `json:"id"`
	Text     string `json:"text"`
	ViewerID int64  `json:"viewer_id"`
	Nickname string `json:"nickname"`
	Role     string `json:"role,omitempty"`    // host | moderator for staff comments
	UserID   int64  `json:"user_id,omitempty"` // staff comments
	// Hidden and HiddenReason flag, for hosts and moderators only, a comment that no
	// viewer but its sender sees (banned_word). The sender's own copy is never flagged:
	// a viewer must not notice that their comment was held back.
	Hidden       bool   `json:"hidden,omitempty"`
	HiddenReason string `json:"hidden_reason,omitempty"`
}

type giftOut struct {
	Type     string `json:"type"`
	ViewerID int64  `json:"viewer_id"`
	Nickname string `json:"nickname"`
	GiftID   int64  `json:"gift_id"`
	Name     string `json:"name"`
	Value    int64  `json:"value"`
	Count    int    `json:"count"`
}

type noticeOut struct {
	Type     string `json:"type"`
	ViewerID int64  `json:"viewer_id"`
	Nickname string `json:"nickname,omitempty"`
}

// promptOut is a host aid, sent to hosts and moderators only. The structured fields
// let a page word the prompt in its own language (the studio uses its message
// catalogs); Text is the Chinese wording for clients that just show it.
type promptOut struct {
	Type      string `json:"type"` // prompt
	Kind      string `json:"kind"` // welcome | thank_gift | suggest_red_envelope
	ViewerID  int64  `json:"viewer_id"`
	Nickname  string `json:"nickname"`
	GiftID    int64  `json:"gift_id,omitempty"`    // gift prompts
	GiftName  string `json:"gift_name,omitempty"`  // gift prompts
	GiftValue int64  `json:"gift_value,omitempty"` // gift prompts: fen, all of count
	Count     int    `json:"count,omitempty"`      // gift prompts: how many were sent at once
	Text      string `json:"text"`
}

// prompts are the host aids an event raises (SPEC §3): welcome each new viewer by
// name, thank each gift giver by name, suggest a red envelope back for a large gift.
func prompts(e *event, largeGift int64) [][]byte {
	switch {
	case e.Kind == KindJoin && e.New && e.Role == RoleViewer:
		return [][]byte{mustJSON(promptOut{Type: "prompt", Kind: promptWelcome, ViewerID: e.ViewerID, Nickname: e.Nickname,
			Text: "欢迎 " + e.Nickname + " 来到直播间！"})}
	case e.Kind == KindGift:
		p := promptOut{Type: "prompt", Kind: promptThank, ViewerID: e.ViewerID, Nickname: e.Nickname,
			GiftID: e.RefID, GiftName: e.Text, GiftValue: e.Amount, Count: e.Count,
			Text: "感谢 " + e.Nickname + " 送出的" + giftLabel(e) + "！"}
		out := [][]byte{mustJSON(p)}
		if largeGift > 0 && e.Amount >= largeGift {
			p.Kind, p.Text = promptEnvelope, e.Nickname+" 送出了大额礼物"+giftLabel(e)+"，发个红包回馈大家吧"
			out = append(out, mustJSON(p))
		}
		return out
	}
	return nil
}

func giftLabel(e *event) string {
	if e.Count > 1 {
		return e.Text + " ×" + strconv.Itoa(e.Count)
	}
	return e.Text
}

// Stats are the room counters pushed every second and answered by the stats API.
// Online and peak count distinct viewers connected (staff excluded), summed over nodes;
// viewers is the cumulative number of distinct viewers who joined.
type Stats struct {
	Online         int   `json:"online"`
	Peak           int   `json:"peak"`
	Viewers        int64 `json:"viewers"`
	Likes          int64 `json:"likes"`
	Comments       int64 `json:"comments"`
	HiddenComments int64 `json:"hidden_comments,omitempty"`
	Shares         int64 `json:"shares"`
	Follows        int64 `json:"follows"`
	GiftValue      int64 `json:"gift_value"`
}

type statsOut struct {
	Type string `json:"type"`
	Stats
}

// errorOut is the error event: code is machine-readable (invalid, rate_limited, muted,
// slow_mode, followers_only, not_live, busy, forbidden, not_found, session_ended,
// not_open, internal); fields the client may show come along.
type errorOut struct {
	Type      string `json:"type"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	Until     int64  `json:"until,omitempty"`     // muted: unix ms
	Remaining int64  `json:"remaining,omitempty"` // muted, slow_mode: seconds left
}

type simpleOut struct {
	Type  string `json:"type"`
	ID    int64  `json:"id,omitempty"`
	Text  string `json:"text,omitempty"`
	Until *int64 `json:"until,omitempty"`
	State string `json:"state,omitempty"`
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("room: encode: " + err.Error()) // only our own plain structs are encoded
	}
	return b
}

func ms(t time.Time) int64 { return t.UnixMilli() }
