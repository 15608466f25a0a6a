package commerce

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

func showcaseTarget(sessionID int64) string { return fmt.Sprintf("session:%d", sessionID) }

// activeProduct answers not_found for another tenant's product and conflict for an
// archived one, so a showcase only ever holds products that can be bought.
func activeProduct(ctx context.Context, q db.Querier, tenantID, id int64) (Product, error) {
	p, err := getProduct(ctx, q, tenantID, id)
	if err == nil && p.Status != ProductActive {
		err = siyu.Errorf(siyu.ECONFLICT, "product %d is archived; restore it first", id)
	}
	return p, err
}

// AddToShowcase appends a product to a session's showcase; adding one already there
// changes nothing.
func (s *Service) AddToShowcase(ctx context.Context, p org.Principal, sessionID, productID int64) (Showcase, error) {
	if err := canCurate(p); err != nil {
		return Showcase{}, err
	}
	var out Showcase
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := checkSession(ctx, tx, p.TenantID, sessionID); err != nil {
			return err
		}
		if _, err := activeProduct(ctx, tx, p.TenantID, productID); err != nil {
			return err
		}
		cur, err := loadShowcase(ctx, tx, p.TenantID, sessionID)
		if err != nil {
			return err
		}
		if len(cur.Items) >= MaxShowcase {
			return siyu.Invalid("product_id", "a showcase holds at most %d products", MaxShowcase)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO showcase_items (tenant_id, session_id, product_id, position, created_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, product_id) DO NOTHING`,
			p.TenantID, sessionID, productID, len(cur.Items)+1, s.now().UnixMilli()); err != nil {
			return fmt.Errorf("commerce: add to showcase: %w", err)
		}
		if out, err = loadShowcase(ctx, tx, p.TenantID, sessionID); err != nil {
			return err
		}
		s.broadcast(tx, sessionID, showcaseChanged(sessionID))
		return s.audit(ctx, tx, p, "showcase.update", showcaseTarget(sessionID), fmt.Sprintf("add product %d", productID))
	})
	return out, err
}

// SetShowcase makes a session's showcase exactly productIDs in that order: products
// not listed leave it (a pinned one is unpinned for every viewer), new ones join.
func (s *Service) SetShowcase(ctx context.Context, p org.Principal, sessionID int64, in ShowcaseInput) (Showcase, error) {
	if err := canCurate(p); err != nil {
		return Showcase{}, err
	}
	if len(in.ProductIDs) > MaxShowcase {
		return Showcase{}, siyu.Invalid("product_ids", "a showcase holds at most %d products", MaxShowcase)
	}
	var out Showcase
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := checkSession(ctx, tx, p.TenantID, sessionID); err != nil {
			return err
		}
		seen := map[int64]bool{}
		for i, id := range in.ProductIDs {
			if seen[id] {
				return siyu.Invalid(fmt.Sprintf("product_ids[%d]", i), "product %d is listed twice", id)
			}
			seen[id] = true
			if _, err := activeProduct(ctx, tx, p.TenantID, id); err != nil {
				return err
			}
		}
		before, err := loadShowcase(ctx, tx, p.TenantID, sessionID)
		if err != nil {
			return err
		}
		if before.Pinned != nil && !seen[before.Pinned.ID] {
			s.broadcast(tx, sessionID, UnpinnedEvent{Type: RoomProductUnpinned, SessionID: sessionID, ProductID: before.Pinned.ID})
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM showcase_items WHERE tenant_id = ? AND session_id = ?`, p.TenantID, sessionID); err != nil {
			return fmt.Errorf("commerce: clear showcase: %w", err)
		}
		now := s.now().UnixMilli()
		for i, id := range in.ProductIDs {
			var pinned int64
			if before.Pinned != nil && before.Pinned.ID == id {
				pinned = before.Items[pinnedIndex(before)].PinnedAt.UnixMilli()
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO showcase_items (tenant_id, session_id, product_id, position, pinned_at, created_at)
				VALUES (?, ?, ?, ?, ?, ?)`, p.TenantID, sessionID, id, i+1, pinned, now); err != nil {
				return fmt.Errorf("commerce: set showcase: %w", err)
			}
		}
		if out, err = loadShowcase(ctx, tx, p.TenantID, sessionID); err != nil {
			return err
		}
		s.broadcast(tx, sessionID, showcaseChanged(sessionID))
		return s.audit(ctx, tx, p, "showcase.update", showcaseTarget(sessionID), encodeJSON(in.ProductIDs))
	})
	return out, err
}

func pinnedIndex(sc Showcase) int {
	for i, it := range sc.Items {
		if it.Pinned {
			return i
		}
	}
	return -1
}

// RemoveFromShowcase takes a product out of a session's showcase (and off screen).
func (s *Service) RemoveFromShowcase(ctx context.Context, p org.Principal, sessionID, productID int64) (Showcase, error) {
	if err := canCurate(p); err != nil {
		return Showcase{}, err
	}
	var out Showcase
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := checkSession(ctx, tx, p.TenantID, sessionID); err != nil {
			return err
		}
		var pinnedAt int64
		err := tx.GetContext(ctx, &pinnedAt, `DELETE FROM showcase_items WHERE tenant_id = ? AND session_id = ? AND product_id = ?
			RETURNING pinned_at`, p.TenantID, sessionID, productID)
		if db.IsNoRows(err) {
			return siyu.Errorf(siyu.ENOTFOUND, "product %d is not in session %d's showcase", productID, sessionID)
		} else if err != nil {
			return fmt.Errorf("commerce: remove from showcase: %w", err)
		}
		if pinnedAt > 0 {
			s.broadcast(tx, sessionID, UnpinnedEvent{Type: RoomProductUnpinned, SessionID: sessionID, ProductID: productID})
		}
		if out, err = loadShowcase(ctx, tx, p.TenantID, sessionID); err != nil {
			return err
		}
		s.broadcast(tx, sessionID, showcaseChanged(sessionID))
		return s.audit(ctx, tx, p, "showcase.update", showcaseTarget(sessionID), fmt.Sprintf("remove product %d", productID))
	})
	return out, err
}
