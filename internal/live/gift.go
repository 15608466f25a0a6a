package live

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// Gift is one item of a tenant's gift catalog; Value is in fen.
type Gift struct {
	ID     int64  `json:"id" db:"id"`
	Name   string `json:"name" db:"name"`
	Icon   string `json:"icon" db:"icon"`
	Value  int64  `json:"value" db:"value_fen"`
	Active bool   `json:"active" db:"-"`
	Sort   int64  `json:"sort" db:"sort"`

	ActiveInt int64 `json:"-" db:"active"`
}

// GiftInput creates a gift; GiftPatch changes one (absent fields stay).
type GiftInput struct {
	Name   string `json:"name"`
	Icon   string `json:"icon"`
	Value  int64  `json:"value"`
	Active *bool  `json:"active,omitempty"`
	Sort   int64  `json:"sort"`
}

// GiftPatch is the body of PATCH /api/v1/gifts/{id}.
type GiftPatch struct {
	Name   *string `json:"name,omitempty"`
	Icon   *string `json:"icon,omitempty"`
	Value  *int64  `json:"value,omitempty"`
	Active *bool   `json:"active,omitempty"`
	Sort   *int64  `json:"sort,omitempty"`
}

// DefaultGifts is the catalog a tenant gets on the first read of its gifts (list, the
// public session catalog or a gift sent in a room), so a new brand's room works before
// anyone opens the gift settings. 跑车 matches the default "large gift" threshold.
var DefaultGifts = []GiftInput{
	{Name: "小心心", Icon: "💗", Value: 10, Sort: 10},
	{Name: "玫瑰", Icon: "🌹", Value: 100, Sort: 20},
	{Name: "棒棒糖", Icon: "🍭", Value: 500, Sort: 30},
	{Name: "跑车", Icon: "🏎️", Value: 52000, Sort: 40},
}

func (in *GiftInput) check() error {
	var err error
	if in.Name, err = text("name", in.Name, 1, 20, false); err != nil {
		return err
	}
	if in.Icon, err = checkIcon(in.Icon); err != nil {
		return err
	}
	if in.Value < 1 || in.Value > 10_000_000 {
		return siyu.Invalid("value", "value must be between 1 and 10000000 fen")
	}
	if in.Sort < 0 || in.Sort > 1_000_000 {
		return siyu.Invalid("sort", "sort must be between 0 and 1000000")
	}
	return nil
}

// checkIcon accepts an emoji (a few runes) or an http(s) image URL.
func checkIcon(icon string) (string, error) {
	icon = strings.TrimSpace(icon)
	if strings.HasPrefix(icon, "http://") || strings.HasPrefix(icon, "https://") {
		return httpURL("icon", icon)
	}
	if n := utf8.RuneCountInString(icon); n < 1 || n > 8 || strings.ContainsAny(icon, " <>\"'") {
		return "", siyu.Invalid("icon", "icon must be an emoji or an http(s) image URL")
	}
	return text("icon", icon, 1, 8, false)
}

// ensureCatalog creates the default catalog the first time a tenant's gifts are read.
// The gift_catalogs row makes it happen once even when first reads race.
func (s *Service) ensureCatalog(ctx context.Context, tenantID int64) error {
	if _, ok := s.seeded.Get(tenantID); ok {
		return nil
	}
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		var marker int64
		err := tx.WriteGetContext(ctx, &marker, `INSERT INTO gift_catalogs (tenant_id, created_at) VALUES (?, ?)
			ON CONFLICT (tenant_id) DO NOTHING RETURNING tenant_id`, tenantID, s.now().UnixMilli())
		if db.IsNoRows(err) {
			return nil // seeded before
		} else if err != nil {
			return fmt.Errorf("live: gift catalog: %w", err)
		}
		for _, g := range DefaultGifts {
			if _, err := insertGift(ctx, tx, tenantID, g, s.now().UnixMilli()); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		s.seeded.Put(tenantID, true)
	}
	return err
}

func insertGift(ctx context.Context, q db.Querier, tenantID int64, g GiftInput, now int64) (int64, error) {
	active := true
	if g.Active != nil {
		active = *g.Active
	}
	id, err := db.Insert(ctx, q, `INSERT INTO gifts (tenant_id, name, icon, value_fen, active, sort, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, tenantID, g.Name, g.Icon, g.Value, b2i(active), g.Sort, now)
	if err != nil {
		return 0, fmt.Errorf("live: insert gift: %w", err)
	}
	return id, nil
}

func listGifts(ctx context.Context, q db.Querier, tenantID int64, activeOnly bool) ([]Gift, error) {
	query := `SELECT id, name, icon, value_fen, active, sort FROM gifts WHERE tenant_id = ?`
	if activeOnly {
		query += ` AND active = 1`
	}
	var out []Gift
	if err := q.SelectContext(ctx, &out, query+` ORDER BY sort, value_fen, id`, tenantID); err != nil {
		return nil, fmt.Errorf("live: list gifts: %w", err)
	}
	for i := range out {
		out[i].Active = out[i].ActiveInt != 0
	}
	return out, nil
}

// Gifts lists the tenant's whole catalog for staff, inactive gifts included.
func (s *Service) Gifts(ctx context.Context, p org.Principal) ([]Gift, error) {
	if err := s.ensureCatalog(ctx, p.TenantID); err != nil {
		return nil, err
	}
	return listGifts(ctx, s.store, p.TenantID, false)
}

// activeGifts is the catalog viewers see, cached briefly because every gift sent in a
// room looks it up.
func (s *Service) activeGifts(ctx context.Context, tenantID int64) ([]Gift, error) {
	if g, ok := s.gifts.Get(tenantID); ok {
		return g, nil
	}
	if err := s.ensureCatalog(ctx, tenantID); err != nil {
		return nil, err
	}
	g, err := listGifts(ctx, s.store, tenantID, true)
	if err != nil {
		return nil, err
	}
	s.gifts.Put(tenantID, g)
	return g, nil
}

// SessionGifts lists the active gifts of a session's brand for the viewer page.
func (s *Service) SessionGifts(ctx context.Context, sessionID int64) ([]Gift, error) {
	sess, err := s.roomSession(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	return s.activeGifts(ctx, sess.TenantID)
}

// CreateGift adds a gift to the tenant's catalog.
func (s *Service) CreateGift(ctx context.Context, p org.Principal, in GiftInput) (Gift, error) {
	if err := need(p, org.PermSessionsManage); err != nil {
		return Gift{}, err
	}
	if err := in.check(); err != nil {
		return Gift{}, err
	}
	if err := s.ensureCatalog(ctx, p.TenantID); err != nil {
		return Gift{}, err
	}
	var id int64
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if id, err = insertGift(ctx, tx, p.TenantID, in, s.now().UnixMilli()); err != nil {
			return err
		}
		return s.audit(ctx, tx, p, AuditGiftCreate, id, in.Name)
	})
	if err != nil {
		return Gift{}, err
	}
	s.gifts.Delete(p.TenantID)
	return s.getGift(ctx, p.TenantID, id)
}

func (s *Service) getGift(ctx context.Context, tenantID, id int64) (Gift, error) {
	var g Gift
	err := s.store.WriteGetContext(ctx, &g, `SELECT id, name, icon, value_fen, active, sort FROM gifts WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return g, siyu.Errorf(siyu.ENOTFOUND, "gift %d not found", id)
	} else if err != nil {
		return g, fmt.Errorf("live: get gift: %w", err)
	}
	g.Active = g.ActiveInt != 0
	return g, nil
}

// UpdateGift changes a gift; deactivating hides it from viewers but keeps its history.
func (s *Service) UpdateGift(ctx context.Context, p org.Principal, id int64, in GiftPatch) (Gift, error) {
	if err := need(p, org.PermSessionsManage); err != nil {
		return Gift{}, err
	}
	g, err := s.getGift(ctx, p.TenantID, id)
	if err != nil {
		return Gift{}, err
	}
	cur := GiftInput{Name: g.Name, Icon: g.Icon, Value: g.Value, Active: &g.Active, Sort: g.Sort}
	if in.Name != nil {
		cur.Name = *in.Name
	}
	if in.Icon != nil {
		cur.Icon = *in.Icon
	}
	if in.Value != nil {
		cur.Value = *in.Value
	}
	if in.Active != nil {
		cur.Active = in.Active
	}
	if in.Sort != nil {
		cur.Sort = *in.Sort
	}
	if err := cur.check(); err != nil {
		return Gift{}, err
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE gifts SET name = ?, icon = ?, value_fen = ?, active = ?, sort = ?
			WHERE tenant_id = ? AND id = ?`, cur.Name, cur.Icon, cur.Value, b2i(*cur.Active), cur.Sort, p.TenantID, id); err != nil {
			return fmt.Errorf("live: update gift: %w", err)
		}
		return s.audit(ctx, tx, p, AuditGiftUpdate, id, cur.Name)
	})
	if err != nil {
		return Gift{}, err
	}
	s.gifts.Delete(p.TenantID)
	return s.getGift(ctx, p.TenantID, id)
}
