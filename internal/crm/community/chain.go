package community

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// Chain statuses and limits (ours).
const (
	ChainOpen      = "open"
	ChainClosed    = "closed"
	MaxChainTitle  = 40
	MaxChainNote   = 100
	MaxChainSize   = 10000
	CodeChainShut  = "closed" // joining a closed chain (closed, past its deadline)
	CodeChainFull  = "full"   // joining a chain that reached its limit
	chainListLimit = 50
)

// ChainInput is the body of POST /api/v1/communities/{id}/chains: a 接龙 with a title,
// an optional template members follow ("姓名+人数"), an optional limit and deadline.
type ChainInput struct {
	Title      string `json:"title"`
	Template   string `json:"template,omitempty"`
	MaxEntries int64  `json:"max_entries,omitempty"` // 0: no limit
	Deadline   string `json:"deadline,omitempty"`    // RFC 3339, in the future
}

// EntryInput is a member's line of a chain (PUT /api/v1/g/{code}/chains/{id}/entry).
type EntryInput struct {
	Note string `json:"note"`
}

// Chain is a sign-up chain; Status is closed once a manager closed it or its deadline
// passed. Entries are in order, numbered from 1.
type Chain struct {
	ID          int64        `json:"id"`
	CommunityID int64        `json:"community_id"`
	Title       string       `json:"title"`
	Template    string       `json:"template"`
	MaxEntries  int64        `json:"max_entries"`
	EntryCount  int64        `json:"entry_count"`
	Full        bool         `json:"full"`
	Deadline    time.Time    `json:"deadline,omitzero"`
	Status      string       `json:"status"` // open | closed
	StartedBy   string       `json:"started_by"`
	ClosedAt    time.Time    `json:"closed_at,omitzero"`
	CreatedAt   time.Time    `json:"created_at"`
	Entries     []ChainEntry `json:"entries,omitempty"`
}

// ChainEntry is one line of a chain.
type ChainEntry struct {
	Seq        int64     `json:"seq"`
	CustomerID int64     `json:"customer_id,omitempty"` // staff answers only
	Nickname   string    `json:"nickname"`
	Note       string    `json:"note"`
	Mine       bool      `json:"mine,omitempty"` // the calling member's own line
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

func (in *ChainInput) check(now time.Time) (int64, error) {
	var err error
	if in.Title, err = text("title", in.Title, 1, MaxChainTitle, false); err != nil {
		return 0, err
	}
	if in.Template, err = text("template", in.Template, 0, MaxChainNote, false); err != nil {
		return 0, err
	}
	if in.MaxEntries < 0 || in.MaxEntries > MaxChainSize {
		return 0, siyu.Invalid("max_entries", "max_entries must be between 0 (no limit) and %d", MaxChainSize)
	}
	d := strings.TrimSpace(in.Deadline)
	if d == "" {
		return 0, nil
	}
	t, err := time.Parse(time.RFC3339, d)
	if err != nil {
		return 0, siyu.Invalid("deadline", "deadline must be an RFC 3339 time such as 2030-01-02T20:00:00+08:00")
	}
	if !t.After(now) {
		return 0, siyu.Invalid("deadline", "deadline must be in the future")
	}
	return t.UnixMilli(), nil
}

type chainRow struct {
	ID          int64  `db:"id"`
	TenantID    int64  `db:"tenant_id"`
	CommunityID int64  `db:"community_id"`
	StartedBy   string `db:"started_by"`
	Title       string `db:"title"`
	Template    string `db:"template"`
	MaxEntries  int64  `db:"max_entries"`
	EntryCount  int64  `db:"entry_count"`
	DeadlineAt  int64  `db:"deadline_at"`
	Status      string `db:"status"`
	ClosedAt    int64  `db:"closed_at"`
	CreatedAt   int64  `db:"created_at"`
}

const chainSelect = `SELECT ch.id, ch.tenant_id, ch.community_id, COALESCE(u.name, '') AS started_by, ch.title, ch.template,
	ch.max_entries, ch.entry_count, ch.deadline_at, ch.status, ch.closed_at, ch.created_at
	FROM community_chains ch LEFT JOIN users u ON u.id = ch.created_by AND u.tenant_id = ch.tenant_id`

// open reports whether members may still add or change lines at now.
func (r chainRow) open(now int64) bool {
	return r.Status == ChainOpen && (r.DeadlineAt == 0 || now < r.DeadlineAt)
}

func (r chainRow) chain(now int64) Chain {
	c := Chain{ID: r.ID, CommunityID: r.CommunityID, Title: r.Title, Template: r.Template, MaxEntries: r.MaxEntries,
		EntryCount: r.EntryCount, Full: r.MaxEntries > 0 && r.EntryCount >= r.MaxEntries, Deadline: msTime(r.DeadlineAt),
		Status: ChainOpen, StartedBy: r.StartedBy, ClosedAt: msTime(r.ClosedAt), CreatedAt: msTime(r.CreatedAt)}
	if !r.open(now) {
		c.Status = ChainClosed
		if c.ClosedAt.IsZero() {
			c.ClosedAt = msTime(r.DeadlineAt)
		}
	}
	return c
}

// OpenChain starts a 接龙 in the group.
func (s *Service) OpenChain(ctx context.Context, p org.Principal, communityID int64, in ChainInput) (Chain, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return Chain{}, err
	}
	if _, err := getCommunity(ctx, s.store, p.TenantID, communityID, false); err != nil {
		return Chain{}, err
	}
	if err := canSpeak(ctx, s.store, p, communityID); err != nil {
		return Chain{}, err
	}
	now := s.now()
	deadline, err := in.check(now)
	if err != nil {
		return Chain{}, err
	}
	id, err := db.Insert(ctx, s.store, `INSERT INTO community_chains (tenant_id, community_id, created_by, title, template,
		max_entries, deadline_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		p.TenantID, communityID, p.UserID, in.Title, in.Template, in.MaxEntries, deadline, now.UnixMilli())
	if err != nil {
		return Chain{}, fmt.Errorf("community: open chain: %w", err)
	}
	return s.GetChain(ctx, p, communityID, id)
}

// CloseChain closes a chain: its lines stay, read-only. Closing twice changes nothing.
func (s *Service) CloseChain(ctx context.Context, p org.Principal, communityID, id int64) (Chain, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return Chain{}, err
	}
	if _, err := getChain(ctx, s.store, p.TenantID, communityID, id); err != nil {
		return Chain{}, err
	}
	if err := canSpeak(ctx, s.store, p, communityID); err != nil {
		return Chain{}, err
	}
	if _, err := s.store.ExecContext(ctx, `UPDATE community_chains SET status = ?, closed_at = ?
		WHERE tenant_id = ? AND community_id = ? AND id = ? AND status = ?`,
		ChainClosed, s.now().UnixMilli(), p.TenantID, communityID, id, ChainOpen); err != nil {
		return Chain{}, fmt.Errorf("community: close chain: %w", err)
	}
	return s.GetChain(ctx, p, communityID, id)
}

func getChain(ctx context.Context, q db.Querier, tenantID, communityID, id int64) (chainRow, error) {
	var r chainRow
	err := q.GetContext(ctx, &r, chainSelect+` JOIN communities co ON co.id = ch.community_id AND co.deleted_at = 0
		WHERE ch.tenant_id = ? AND ch.community_id = ? AND ch.id = ?`, tenantID, communityID, id)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "chain %d not found", id)
	} else if err != nil {
		return r, fmt.Errorf("community: chain %d: %w", id, err)
	}
	return r, nil
}

// GetChain returns a chain with its lines in order.
func (s *Service) GetChain(ctx context.Context, p org.Principal, communityID, id int64) (Chain, error) {
	if err := need(p, org.PermCustomersView); err != nil {
		return Chain{}, err
	}
	r, err := getChain(ctx, s.store, p.TenantID, communityID, id)
	if err != nil {
		return Chain{}, err
	}
	return s.withEntries(ctx, r, 0, true)
}

// ListChains lists a community's chains, newest first (at most 50), without lines.
func (s *Service) ListChains(ctx context.Context, p org.Principal, communityID int64) ([]Chain, error) {
	if err := need(p, org.PermCustomersView); err != nil {
		return nil, err
	}
	if _, err := getCommunity(ctx, s.store, p.TenantID, communityID, false); err != nil {
		return nil, err
	}
	rows, err := listChains(ctx, s.store, p.TenantID, communityID)
	if err != nil {
		return nil, err
	}
	now := s.now().UnixMilli()
	out := make([]Chain, len(rows))
	for i, r := range rows {
		out[i] = r.chain(now)
	}
	return out, nil
}

func listChains(ctx context.Context, q db.Querier, tenantID, communityID int64) ([]chainRow, error) {
	var rows []chainRow
	if err := q.SelectContext(ctx, &rows, chainSelect+` WHERE ch.tenant_id = ? AND ch.community_id = ? ORDER BY ch.id DESC LIMIT ?`,
		tenantID, communityID, chainListLimit); err != nil {
		return nil, fmt.Errorf("community: list chains: %w", err)
	}
	return rows, nil
}

// withEntries adds a chain's lines; customerID's own line is marked Mine.
func (s *Service) withEntries(ctx context.Context, r chainRow, customerID int64, staff bool) (Chain, error) {
	var rows []struct {
		Seq        int64  `db:"seq"`
		CustomerID int64  `db:"customer_id"`
		Nickname   string `db:"nickname"`
		Note       string `db:"note"`
		CreatedAt  int64  `db:"created_at"`
		UpdatedAt  int64  `db:"updated_at"`
	}
	if err := s.store.SelectContext(ctx, &rows, `SELECT seq, customer_id, nickname, note, created_at, updated_at
		FROM community_chain_entries WHERE tenant_id = ? AND chain_id = ? ORDER BY seq`, r.TenantID, r.ID); err != nil {
		return Chain{}, fmt.Errorf("community: chain entries: %w", err)
	}
	c := r.chain(s.now().UnixMilli())
	c.Entries = make([]ChainEntry, len(rows))
	for i, e := range rows {
		c.Entries[i] = ChainEntry{Seq: e.Seq, Nickname: e.Nickname, Note: e.Note, Mine: customerID != 0 && e.CustomerID == customerID,
			CreatedAt: msTime(e.CreatedAt), UpdatedAt: msTime(e.UpdatedAt)}
		if staff {
			c.Entries[i].CustomerID = e.CustomerID
		}
	}
	return c, nil
}

// JoinChain adds the member's line to an open chain, or changes it: one line per
// member, numbered in the order members first joined. The chain row is locked first,
// so two lines never get one number and a member's two requests make one line.
func (s *Service) JoinChain(ctx context.Context, g Guest, code string, chainID int64, in EntryInput) (ChainEntry, error) {
	c, err := s.guestCommunity(ctx, g, code)
	if err != nil {
		return ChainEntry{}, err
	}
	note, err := text("note", in.Note, 1, MaxChainNote, false)
	if err != nil {
		return ChainEntry{}, err
	}
	var out ChainEntry
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		now := s.now().UnixMilli()
		// Lock the chain row: a no-op write, portable to both engines.
		var locked int64
		err := tx.WriteGetContext(ctx, &locked, `UPDATE community_chains SET entry_count = entry_count
			WHERE tenant_id = ? AND community_id = ? AND id = ? RETURNING id`, c.TenantID, c.ID, chainID)
		if db.IsNoRows(err) {
			return siyu.Errorf(siyu.ENOTFOUND, "chain %d not found", chainID)
		} else if err != nil {
			return fmt.Errorf("community: join chain: %w", err)
		}
		r, err := getChain(ctx, tx, c.TenantID, c.ID, chainID)
		if err != nil {
			return err
		}
		member, err := isMember(ctx, tx, c.TenantID, c.ID, g.CustomerID)
		if err != nil {
			return err
		}
		if !member {
			return siyu.Errorf(CodeNotMember, "join the group to take part in its 接龙")
		}
		if !r.open(now) {
			return siyu.Errorf(CodeChainShut, "this 接龙 is closed")
		}
		var e struct {
			Seq       int64 `db:"seq"`
			CreatedAt int64 `db:"created_at"`
		}
		err = tx.GetContext(ctx, &e, `SELECT seq, created_at FROM community_chain_entries WHERE chain_id = ? AND customer_id = ?`,
			chainID, g.CustomerID)
		if err == nil {
			if _, err := tx.ExecContext(ctx, `UPDATE community_chain_entries SET note = ?, nickname = ?, updated_at = ?
				WHERE chain_id = ? AND customer_id = ?`, note, g.Nickname, now, chainID, g.CustomerID); err != nil {
				return fmt.Errorf("community: edit chain entry: %w", err)
			}
			out = ChainEntry{Seq: e.Seq, Nickname: g.Nickname, Note: note, Mine: true, CreatedAt: msTime(e.CreatedAt), UpdatedAt: msTime(now)}
			return nil
		} else if !db.IsNoRows(err) {
			return fmt.Errorf("community: chain entry: %w", err)
		}
		if r.MaxEntries > 0 && r.EntryCount >= r.MaxEntries {
			return siyu.Errorf(CodeChainFull, "this 接龙 is full (%d)", r.MaxEntries)
		}
		seq := r.EntryCount + 1
		if _, err := tx.ExecContext(ctx, `UPDATE community_chains SET entry_count = ? WHERE id = ?`, seq, chainID); err != nil {
			return fmt.Errorf("community: join chain: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO community_chain_entries (tenant_id, chain_id, seq, customer_id, nickname, note,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.TenantID, chainID, seq, g.CustomerID, g.Nickname, note, now, now); err != nil {
			return fmt.Errorf("community: join chain: %w", err)
		}
		out = ChainEntry{Seq: seq, Nickname: g.Nickname, Note: note, Mine: true, CreatedAt: msTime(now), UpdatedAt: msTime(now)}
		return nil
	})
	return out, err
}
