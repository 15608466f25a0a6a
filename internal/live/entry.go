package live

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// Channels an entry link (直播入口) can carry, for attribution. "direct" is implied for
// viewers who came without a code and cannot be created.
var Channels = []string{"community", "official_account", "video_channel", "mall", "ad", "sharer", "broadcast"}

// ChannelDirect is the channel of a viewer who came without an entry code.
const ChannelDirect = "direct"

// codeAlphabet is Crockford's base32 in lower case: no i, l, o or u, so a code read
// aloud or copied from a poster is not mistyped.
const codeAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// CodeLen is the length of an entry code: 32^8 ≈ 10^12 codes, unguessable enough for
// links that only carry attribution.
const CodeLen = 8

// EntryLink is one entry to a session with its channel and short code.
type EntryLink struct {
	ID        int64     `json:"id"`
	SessionID int64     `json:"session_id"`
	Channel   string    `json:"channel"`
	Label     string    `json:"label"`
	Code      string    `json:"code"`
	URL       string    `json:"url"`
	Viewers   int64     `json:"viewers"` // viewers who came through it
	CreatedAt time.Time `json:"created_at"`
}

// EntryInput is the body of POST /api/v1/sessions/{id}/entries.
type EntryInput struct {
	Channel string `json:"channel"`
	Label   string `json:"label"`
}

// EntryTarget is the public answer of GET /api/v1/entries/{code}: where a code leads.
type EntryTarget struct {
	Code      string `json:"code"`
	SessionID int64  `json:"session_id"`
	Channel   string `json:"channel"`
	URL       string `json:"url"`
}

type entryRow struct {
	ID        int64  `db:"id"`
	TenantID  int64  `db:"tenant_id"`
	SessionID int64  `db:"session_id"`
	Channel   string `db:"channel"`
	Code      string `db:"code"`
	Label     string `db:"label"`
	Viewers   int64  `db:"viewers"`
	CreatedAt int64  `db:"created_at"`
}

func (s *Service) entry(r entryRow) EntryLink {
	return EntryLink{ID: r.ID, SessionID: r.SessionID, Channel: r.Channel, Label: r.Label, Code: r.Code,
		URL: s.base + "/live/" + r.Code, Viewers: r.Viewers, CreatedAt: msTime(r.CreatedAt)}
}

// newCode draws a code from crypto/rand (or the injected reader).
func (s *Service) newCode() (string, error) {
	b := make([]byte, CodeLen)
	if _, err := io.ReadFull(s.random, b); err != nil {
		return "", fmt.Errorf("live: random code: %w", err)
	}
	for i := range b {
		b[i] = codeAlphabet[b[i]&31]
	}
	return string(b), nil
}

// CreateEntry adds an entry link to a session. A code collision (one in 10^12, or a
// test's forced one) draws a new code; ON CONFLICT keeps a PostgreSQL transaction usable.
func (s *Service) CreateEntry(ctx context.Context, p org.Principal, sessionID int64, in EntryInput) (EntryLink, error) {
	if err := need(p, org.PermSessionsManage); err != nil {
		return EntryLink{}, err
	}
	if !slices.Contains(Channels, in.Channel) {
		return EntryLink{}, siyu.Invalid("channel", "channel must be one of %s", strings.Join(Channels, ", "))
	}
	label, err := text("label", in.Label, 0, 50, false)
	if err != nil {
		return EntryLink{}, err
	}
	if _, err := getSession(ctx, s.store, p.TenantID, sessionID); err != nil {
		return EntryLink{}, err
	}
	now := s.now().UnixMilli()
	for range 5 {
		code, err := s.newCode()
		if err != nil {
			return EntryLink{}, err
		}
		var r entryRow
		err = s.store.WriteGetContext(ctx, &r, `INSERT INTO entry_links (tenant_id, session_id, channel, code, label, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING
			RETURNING id, tenant_id, session_id, channel, code, label, 0 AS viewers, created_at`,
			p.TenantID, sessionID, in.Channel, code, label, now)
		if db.IsNoRows(err) {
			continue // the code is taken: draw again
		} else if err != nil {
			return EntryLink{}, fmt.Errorf("live: create entry: %w", err)
		}
		return s.entry(r), nil
	}
	return EntryLink{}, fmt.Errorf("live: create entry: no free code after 5 draws")
}

// ListEntries lists a session's entry links with how many viewers each brought.
func (s *Service) ListEntries(ctx context.Context, p org.Principal, sessionID int64) ([]EntryLink, error) {
	if _, err := getSession(ctx, s.store, p.TenantID, sessionID); err != nil {
		return nil, err
	}
	var rows []entryRow
	err := s.store.SelectContext(ctx, &rows, `SELECT e.id, e.tenant_id, e.session_id, e.channel, e.code, e.label, e.created_at,
		(SELECT COUNT(*) FROM viewers v WHERE v.tenant_id = e.tenant_id AND v.session_id = e.session_id AND v.entry_link_id = e.id) AS viewers
		FROM entry_links e WHERE e.tenant_id = ? AND e.session_id = ? ORDER BY e.id`, p.TenantID, sessionID)
	if err != nil {
		return nil, fmt.Errorf("live: list entries: %w", err)
	}
	out := make([]EntryLink, len(rows))
	for i, r := range rows {
		out[i] = s.entry(r)
	}
	return out, nil
}

func entryByCode(ctx context.Context, q db.Querier, code string) (entryRow, error) {
	var r entryRow
	if len(code) != CodeLen || strings.Trim(strings.ToLower(code), codeAlphabet) != "" {
		return r, siyu.Errorf(siyu.ENOTFOUND, "entry %q not found", code)
	}
	err := q.GetContext(ctx, &r, `SELECT id, tenant_id, session_id, channel, code, label, created_at
		FROM entry_links WHERE code = ?`, strings.ToLower(code))
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "entry %q not found", code)
	} else if err != nil {
		return r, fmt.Errorf("live: entry %q: %w", code, err)
	}
	return r, nil
}

// ResolveEntry says where a public entry code leads, for the viewer page.
func (s *Service) ResolveEntry(ctx context.Context, code string) (EntryTarget, error) {
	r, err := entryByCode(ctx, s.store, code)
	if err != nil {
		return EntryTarget{}, err
	}
	return EntryTarget{Code: r.Code, SessionID: r.SessionID, Channel: r.Channel, URL: s.base + "/live/" + r.Code}, nil
}
