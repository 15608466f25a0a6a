package live

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// Viewer is an audience member of one tenant: a guest with a nickname, upgraded to a
// known customer once a phone number is verified. The token (shown once) authenticates
// the viewer's API calls and WebSocket.
type Viewer struct {
	ID          int64     `json:"viewer_id"`
	TenantID    int64     `json:"-"`
	SessionID   int64     `json:"session_id"`
	Nickname    string    `json:"nickname"`
	EntryLinkID int64     `json:"entry_link_id,omitempty"`
	Channel     string    `json:"channel"`         // entry channel, "direct" without a code
	Phone       string    `json:"phone,omitempty"` // masked outside the viewer's own answers
	CustomerID  int64     `json:"customer_id,omitempty"`
	Known       bool      `json:"known"`
	CreatedAt   time.Time `json:"created_at"`
}

// ViewerInput is the body of POST /api/v1/sessions/{id}/viewers.
type ViewerInput struct {
	Nickname string `json:"nickname"`
	Entry    string `json:"entry,omitempty"` // entry-link code, for attribution
}

// ViewerCreated is the only answer that carries a viewer's token.
type ViewerCreated struct {
	Viewer
	Token string `json:"token"`
}

// ViewerTokenPrefix marks viewer tokens, as "sy_" marks staff tokens.
const ViewerTokenPrefix = "sv_"

type viewerRow struct {
	ID          int64  `db:"id"`
	TenantID    int64  `db:"tenant_id"`
	SessionID   int64  `db:"session_id"`
	Nickname    string `db:"nickname"`
	EntryLinkID int64  `db:"entry_link_id"`
	Channel     string `db:"channel"`
	Phone       string `db:"phone"`
	CustomerID  int64  `db:"customer_id"`
	CreatedAt   int64  `db:"created_at"`
}

const viewerCols = `v.id, v.tenant_id, v.session_id, v.nickname, v.entry_link_id, COALESCE(e.channel, '') AS channel,
	v.phone, v.customer_id, v.created_at`

const viewerFrom = ` FROM viewers v LEFT JOIN entry_links e ON e.id = v.entry_link_id`

func (r viewerRow) viewer() Viewer {
	ch := r.Channel
	if ch == "" {
		ch = ChannelDirect
	}
	return Viewer{ID: r.ID, TenantID: r.TenantID, SessionID: r.SessionID, Nickname: r.Nickname, EntryLinkID: r.EntryLinkID,
		Channel: ch, Phone: r.Phone, CustomerID: r.CustomerID, Known: r.Phone != "", CreatedAt: msTime(r.CreatedAt)}
}

// MaskPhone hides the middle of a phone number (138****8000) for staff lists.
func MaskPhone(p string) string {
	if len(p) != 11 {
		return p
	}
	return p[:3] + "****" + p[7:]
}

// CreateViewer makes a guest viewer of a session that has not ended. It is public and
// never limited per address: whole audiences share one carrier NAT.
func (s *Service) CreateViewer(ctx context.Context, sessionID int64, in ViewerInput) (ViewerCreated, error) {
	nick, err := text("nickname", in.Nickname, 1, 30, false)
	if err != nil {
		return ViewerCreated{}, err
	}
	// The cached SessionInfo (≤ 1 s old): benchmarks and big shows create thousands of
	// viewers a second, and only the tenant and status are needed here.
	sess, err := s.roomSession(ctx, sessionID)
	if err != nil {
		return ViewerCreated{}, err
	}
	if sess.Status == StatusEnded {
		return ViewerCreated{}, siyu.Errorf(siyu.ECONFLICT, "session %d has ended; it can no longer be joined", sessionID)
	}
	var entry entryRow
	if code := strings.TrimSpace(in.Entry); code != "" {
		entry, err = entryByCode(ctx, s.store, code)
		if siyu.ErrorCode(err) == siyu.ENOTFOUND {
			return ViewerCreated{}, siyu.Invalid("entry", "entry code %q is unknown", code)
		} else if err != nil {
			return ViewerCreated{}, err
		}
		if entry.SessionID != sessionID {
			return ViewerCreated{}, siyu.Invalid("entry", "entry code %q belongs to another session", code)
		}
	}
	b := make([]byte, 24)
	if _, err := io.ReadFull(s.random, b); err != nil {
		return ViewerCreated{}, fmt.Errorf("live: viewer token: %w", err)
	}
	token := ViewerTokenPrefix + hex.EncodeToString(b)
	now := s.now().UnixMilli()
	id, err := db.Insert(ctx, s.store, `INSERT INTO viewers (tenant_id, session_id, nickname, token_hash, entry_link_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, sess.TenantID, sessionID, nick, org.HashSecret(token), entry.ID, now)
	if err != nil {
		return ViewerCreated{}, fmt.Errorf("live: create viewer: %w", err)
	}
	v := viewerRow{ID: id, TenantID: sess.TenantID, SessionID: sessionID, Nickname: nick, EntryLinkID: entry.ID,
		Channel: entry.Channel, CreatedAt: now}.viewer()
	s.viewers.Put(org.HashSecret(token), v)
	return ViewerCreated{Viewer: v, Token: token}, nil
}

// AuthenticateViewer resolves a viewer token. It runs on every viewer request and
// WebSocket join, so answers are cached for a minute (a token never changes owner; a
// phone verification refreshes the entry).
func (s *Service) AuthenticateViewer(ctx context.Context, token string) (Viewer, error) {
	if !strings.HasPrefix(token, ViewerTokenPrefix) || len(token) > 100 {
		return Viewer{}, siyu.Errorf(siyu.EUNAUTHORIZED, "invalid viewer token")
	}
	hash := org.HashSecret(token)
	if v, ok := s.viewers.Get(hash); ok {
		return v, nil
	}
	var r viewerRow
	err := s.store.GetContext(ctx, &r, `SELECT `+viewerCols+viewerFrom+` WHERE v.token_hash = ?`, hash)
	if db.IsNoRows(err) {
		return Viewer{}, siyu.Errorf(siyu.EUNAUTHORIZED, "invalid viewer token")
	} else if err != nil {
		return Viewer{}, fmt.Errorf("live: authenticate viewer: %w", err)
	}
	v := r.viewer()
	s.viewers.Put(hash, v)
	return v, nil
}

// Me returns the viewer's own record, fresh from the store.
func (s *Service) Me(ctx context.Context, v Viewer) (Viewer, error) {
	return getViewer(ctx, s.store, v.TenantID, v.ID)
}

func getViewer(ctx context.Context, q db.Querier, tenantID, id int64) (Viewer, error) {
	var r viewerRow
	err := q.GetContext(ctx, &r, `SELECT `+viewerCols+viewerFrom+` WHERE v.tenant_id = ? AND v.id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return Viewer{}, siyu.Errorf(siyu.ENOTFOUND, "viewer %d not found", id)
	} else if err != nil {
		return Viewer{}, fmt.Errorf("live: get viewer: %w", err)
	}
	return r.viewer(), nil
}
