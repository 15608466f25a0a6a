package commerce

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// Pin puts a showcase product on screen for every viewer of the session ("3-2-1
// 上链接"): it becomes the one pinned product and the room is told after commit. The
// product must already be in the session's showcase. Pinning needs live.host, because
// it is part of running the show.
func (s *Service) Pin(ctx context.Context, p org.Principal, sessionID, productID int64) (Showcase, error) {
	if !p.Can(org.PermLiveHost) {
		return Showcase{}, siyu.Errorf(siyu.EFORBIDDEN, "your role may not pin products (needs %s)", org.PermLiveHost)
	}
	var out Showcase
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := checkSession(ctx, tx, p.TenantID, sessionID); err != nil {
			return err
		}
		prod, err := activeProduct(ctx, tx, p.TenantID, productID)
		if err != nil {
			return err
		}
		now := s.now().UnixMilli()
		res, err := tx.ExecContext(ctx, `UPDATE showcase_items SET pinned_at = ? WHERE tenant_id = ? AND session_id = ? AND product_id = ?`,
			now, p.TenantID, sessionID, productID)
		if err != nil {
			return fmt.Errorf("commerce: pin: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return siyu.Errorf(siyu.ENOTFOUND, "product %d is not in session %d's showcase; add it first", productID, sessionID)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE showcase_items SET pinned_at = 0 WHERE tenant_id = ? AND session_id = ?
			AND product_id <> ? AND pinned_at > 0`, p.TenantID, sessionID, productID); err != nil {
			return fmt.Errorf("commerce: unpin others: %w", err)
		}
		if out, err = loadShowcase(ctx, tx, p.TenantID, sessionID); err != nil {
			return err
		}
		s.broadcast(tx, sessionID, PinnedEvent{Type: RoomProductPinned, SessionID: sessionID, Product: PinnedCard{
			ID: prod.ID, Name: prod.Name, Price: prod.Price, Image: prod.image(), StockLeft: prod.Stock}})
		return s.audit(ctx, tx, p, "showcase.pin", showcaseTarget(sessionID), fmt.Sprintf("pin product %d", productID))
	})
	return out, err
}

// Unpin takes the pinned product off screen. Unpinning a product that is not pinned
// changes nothing (a second click is harmless); one outside the showcase is not found.
func (s *Service) Unpin(ctx context.Context, p org.Principal, sessionID, productID int64) (Showcase, error) {
	if !p.Can(org.PermLiveHost) {
		return Showcase{}, siyu.Errorf(siyu.EFORBIDDEN, "your role may not pin products (needs %s)", org.PermLiveHost)
	}
	var out Showcase
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := checkSession(ctx, tx, p.TenantID, sessionID); err != nil {
			return err
		}
		var pinnedAt int64
		err := tx.GetContext(ctx, &pinnedAt, `SELECT pinned_at FROM showcase_items WHERE tenant_id = ? AND session_id = ? AND product_id = ?`,
			p.TenantID, sessionID, productID)
		if db.IsNoRows(err) {
			return siyu.Errorf(siyu.ENOTFOUND, "product %d is not in session %d's showcase", productID, sessionID)
		} else if err != nil {
			return fmt.Errorf("commerce: unpin: %w", err)
		}
		if pinnedAt > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE showcase_items SET pinned_at = 0 WHERE tenant_id = ? AND session_id = ? AND product_id = ?`,
				p.TenantID, sessionID, productID); err != nil {
				return fmt.Errorf("commerce: unpin: %w", err)
			}
			s.broadcast(tx, sessionID, UnpinnedEvent{Type: RoomProductUnpinned, SessionID: sessionID, ProductID: productID})
			if err := s.audit(ctx, tx, p, "showcase.unpin", showcaseTarget(sessionID), fmt.Sprintf("unpin product %d", productID)); err != nil {
				return err
			}
		}
		out, err = loadShowcase(ctx, tx, p.TenantID, sessionID)
		return err
	})
	return out, err
}
