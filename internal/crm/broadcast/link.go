package broadcast

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/live"
)

// MaxJoins bounds the viewers one tracked link may create (a recipient on a few
// devices), so a forwarded link cannot mint guests without end.
const MaxJoins = 5

// Landing is where a tracked link leads: the promoted session and the entry code it
// enters through.
type Landing struct {
	Token     string
	SessionID int64
	EntryCode string
	RoomURL   string // path of the room through the broadcast's entry link
	Title     string
	CoverURL  string
	Theme     string
	Brand     string
	LiveTime  string
}

// JoinInput is the body the landing page posts to /r/{token}/join: the viewer token
// this device already holds for the session, or else the nickname it used before.
type JoinInput struct {
	ViewerToken string `json:"viewer_token,omitempty"`
	Nickname    string `json:"nickname,omitempty"`
}

// Joined answers a join: the viewer the link brought in, with its token (to keep on
// the device) when it was created now.
type Joined struct {
	ViewerID  int64  `json:"viewer_id"`
	SessionID int64  `json:"session_id"`
	Nickname  string `json:"nickname,omitempty"`
	Token     string `json:"token,omitempty"`
}

// DecodeJoin reads a join body (public input: bounded, strict).
func DecodeJoin(r io.Reader) (JoinInput, error) {
	var in JoinInput
	dec := json.NewDecoder(io.LimitReader(r, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil && err != io.EOF {
		return JoinInput{}, siyu.Errorf(siyu.EINVALID, "the body must be a JSON object with viewer_token or nickname")
	}
	if len(in.ViewerToken) > 100 {
		return JoinInput{}, siyu.Invalid("viewer_token", "viewer_token is too long")
	}
	in.Nickname = strings.TrimSpace(in.Nickname)
	if !utf8.ValidString(in.Nickname) || utf8.RuneCountInString(in.Nickname) > 30 {
		in.Nickname = ""
	}
	return in, nil
}

// ValidToken reports whether s looks like a tracked-link token, so a mistyped link is
// not found without a query.
func ValidToken(s string) bool {
	if len(s) != 20 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// linkRow is a recipient with what its link needs of the broadcast.
type linkRow struct {
	ID           int64  `db:"id"`
	TenantID     int64  `db:"tenant_id"`
	BroadcastID  int64  `db:"broadcast_id"`
	ViewerID     int64  `db:"viewer_id"`
	RoomViewerID int64  `db:"room_viewer_id"`
	Joins        int    `db:"joins"`
	SessionID    int64  `db:"session_id"`
	EntryCode    string `db:"entry_code"`
	Poster       int    `db:"poster"`
	CustomerID   int64  `db:"customer_id"`
}

func byToken(ctx context.Context, q db.Querier, token string) (linkRow, error) {
	var lr linkRow
	if !ValidToken(token) {
		return lr, siyu.Errorf(siyu.ENOTFOUND, "link not found")
	}
	err := q.GetContext(ctx, &lr, `SELECT r.id, r.tenant_id, r.broadcast_id, r.viewer_id, r.room_viewer_id, r.joins,
		b.session_id, b.entry_code, b.poster, r.customer_id FROM broadcast_recipients r
		JOIN broadcasts b ON b.tenant_id = r.tenant_id AND b.id = r.broadcast_id WHERE r.token = ?`, token)
	if db.IsNoRows(err) {
		return lr, siyu.Errorf(siyu.ENOTFOUND, "link not found")
	} else if err != nil {
		return lr, fmt.Errorf("broadcast: link: %w", err)
	}
	return lr, nil
}

// Click records that a recipient opened their tracked link (the first time, and how
// often) — which also means they saw the message — and says where it leads.
func (s *Service) Click(ctx context.Context, token string) (Landing, error) {
	lr, err := byToken(ctx, s.store, token)
	if err != nil {
		return Landing{}, err
	}
	now := s.now().UnixMilli()
	if _, err := s.store.ExecContext(ctx, `UPDATE broadcast_recipients SET clicks = clicks + 1,
		clicked_at = CASE WHEN clicked_at = 0 THEN ? ELSE clicked_at END,
		opened_at = CASE WHEN opened_at = 0 THEN ? ELSE opened_at END WHERE tenant_id = ? AND id = ?`,
		now, now, lr.TenantID, lr.ID); err != nil {
		return Landing{}, fmt.Errorf("broadcast: record click: %w", err)
	}
	p, err := s.opt.Live.Preview(ctx, lr.SessionID)
	if err != nil {
		return Landing{}, err
	}
	out := Landing{Token: token, SessionID: lr.SessionID, EntryCode: lr.EntryCode, Title: p.Title, CoverURL: p.CoverURL,
		Theme: p.Theme, Brand: p.Brand, LiveTime: liveTime(p, s.opt.Location), RoomURL: fmt.Sprintf("/live/s/%d", lr.SessionID)}
	if lr.EntryCode != "" {
		out.RoomURL = "/live/" + lr.EntryCode
	}
	return out, nil
}

// Join links the viewer a tracked link brings into the room to its recipient, so the
// recipient counts as came once that viewer is in the room. A device that already has
// a viewer of the session links it; otherwise a guest viewer is made through the
// broadcast's entry link (attributed to it), named as this device or the customer's
// earlier viewer account was.
func (s *Service) Join(ctx context.Context, token string, in JoinInput) (Joined, error) {
	lr, err := byToken(ctx, s.store, token)
	if err != nil {
		return Joined{}, err
	}
	if in.ViewerToken != "" {
		v, err := s.opt.Live.AuthenticateViewer(ctx, in.ViewerToken)
		if err == nil && v.TenantID == lr.TenantID && v.SessionID == lr.SessionID {
			if err := s.linkViewer(ctx, lr, v.ID, false); err != nil {
				return Joined{}, err
			}
			return Joined{ViewerID: v.ID, SessionID: v.SessionID, Nickname: v.Nickname}, nil
		}
		// A stale or foreign token: make a fresh viewer as for a new device.
	}
	if lr.Joins >= MaxJoins {
		return Joined{}, siyu.Errorf(siyu.ERATELIMITED, "this link has already brought %d viewers in; open the room directly", MaxJoins)
	}
	nick := in.Nickname
	if nick == "" && lr.ViewerID > 0 {
		_ = s.store.GetContext(ctx, &nick, `SELECT nickname FROM viewers WHERE tenant_id = ? AND id = ?`, lr.TenantID, lr.ViewerID)
	}
	if nick == "" {
		nick = "观众" + token[:4]
	}
	vc, err := s.opt.Live.CreateViewer(ctx, lr.SessionID, live.ViewerInput{Nickname: nick, Entry: lr.EntryCode})
	if err != nil {
		return Joined{}, err
	}
	if err := s.linkViewer(ctx, lr, vc.ID, true); err != nil {
		return Joined{}, err
	}
	// The first device to open the link is taken to be the recipient's: the room sees
	// the customer the brand reached, not a new guest. Later devices (a forwarded link)
	// stay guests of their own.
	if lr.Joins == 0 && s.opt.Customers != nil {
		if err := s.opt.Customers.LinkViewer(ctx, s.store, lr.TenantID, lr.CustomerID, vc.ID); err != nil {
			return Joined{}, fmt.Errorf("broadcast: link the recipient's viewer: %w", err)
		}
	}
	return Joined{ViewerID: vc.ID, SessionID: vc.SessionID, Nickname: vc.Nickname, Token: vc.Token}, nil
}

func (s *Service) linkViewer(ctx context.Context, lr linkRow, viewerID int64, created bool) error {
	joins := 0
	if created {
		joins = 1
	}
	now := s.now().UnixMilli()
	if _, err := s.store.ExecContext(ctx, `UPDATE broadcast_recipients SET room_viewer_id = ?, joins = joins + ?,
		clicked_at = CASE WHEN clicked_at = 0 THEN ? ELSE clicked_at END,
		opened_at = CASE WHEN opened_at = 0 THEN ? ELSE opened_at END WHERE tenant_id = ? AND id = ?`,
		viewerID, joins, now, now, lr.TenantID, lr.ID); err != nil {
		return fmt.Errorf("broadcast: link viewer: %w", err)
	}
	return nil
}
