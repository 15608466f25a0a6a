package commerce

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// ArchiveProduct stops selling a product: it leaves every showcase (rooms where it
// was pinned are told), new orders are refused, existing orders are untouched.
func (s *Service) ArchiveProduct(ctx context.Context, p org.Principal, id int64) (Product, error) {
	if err := canManage(p); err != nil {
		return Product{}, err
	}
	var out Product
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		if _, err := getProductRow(ctx, tx, p.TenantID, id); err != nil {
			return err
		}
		if err := s.leaveShowcases(ctx, tx, p.TenantID, id); err != nil {
			return err
		}
		var err error
		if out, err = s.setStatus(ctx, tx, p.TenantID, id, ProductArchived); err != nil {
			return err
		}
		return s.audit(ctx, tx, p, "product.archive", productTarget(id), out.Name)
	})
	return out, err
}

// RestoreProduct sells an archived product again (it must be added to showcases anew).
func (s *Service) RestoreProduct(ctx context.Context, p org.Principal, id int64) (Product, error) {
	if err := canManage(p); err != nil {
		return Product{}, err
	}
	var out Product
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		if _, err := getProductRow(ctx, tx, p.TenantID, id); err != nil {
			return err
		}
		var err error
		if out, err = s.setStatus(ctx, tx, p.TenantID, id, ProductActive); err != nil {
			return err
		}
		return s.audit(ctx, tx, p, "product.restore", productTarget(id), out.Name)
	})
	return out, err
}

func (s *Service) setStatus(ctx context.Context, tx *db.Tx, tenantID, id int64, status string) (Product, error) {
	if _, err := tx.ExecContext(ctx, `UPDATE products SET status = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
		status, s.now().UnixMilli(), tenantID, id); err != nil {
		return Product{}, fmt.Errorf("commerce: product status: %w", err)
	}
	return getProduct(ctx, tx, tenantID, id)
}

// DeleteProduct removes a product that was never ordered (a typo, a test). A product
// with orders is a conflict: their lines point at it, so archive it instead.
func (s *Service) DeleteProduct(ctx context.Context, p org.Principal, id int64) error {
	if err := canManage(p); err != nil {
		return err
	}
	return s.store.Tx(ctx, func(tx *db.Tx) error {
		r, err := getProductRow(ctx, tx, p.TenantID, id)
		if err != nil {
			return err
		}
		if sold, err := hasOrders(ctx, tx, p.TenantID, id); err != nil {
			return err
		} else if sold {
			return siyu.Errorf(siyu.ECONFLICT, "product %d has orders and cannot be deleted; archive it instead", id)
		}
		if err := s.leaveShowcases(ctx, tx, p.TenantID, id); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM product_skus WHERE tenant_id = ? AND product_id = ?`,
			`DELETE FROM products WHERE tenant_id = ? AND id = ?`} {
			if _, err := tx.ExecContext(ctx, q, p.TenantID, id); err != nil {
				return fmt.Errorf("commerce: delete product: %w", err)
			}
		}
		return s.audit(ctx, tx, p, "product.delete", productTarget(id), r.Name)
	})
}

// leaveShowcases takes a product out of every showcase in tx; after commit each room
// that showed it hears showcase_changed, and one that had it pinned product_unpinned.
func (s *Service) leaveShowcases(ctx context.Context, tx *db.Tx, tenantID, productID int64) error {
	var rows []struct {
		SessionID int64 `db:"session_id"`
		PinnedAt  int64 `db:"pinned_at"`
	}
	if err := tx.SelectContext(ctx, &rows, `SELECT session_id, pinned_at FROM showcase_items WHERE tenant_id = ? AND product_id = ?`,
		tenantID, productID); err != nil {
		return fmt.Errorf("commerce: showcases of product %d: %w", productID, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM showcase_items WHERE tenant_id = ? AND product_id = ?`, tenantID, productID); err != nil {
		return fmt.Errorf("commerce: leave showcases: %w", err)
	}
	for _, r := range rows {
		sid := r.SessionID
		if r.PinnedAt > 0 {
			s.broadcast(tx, sid, UnpinnedEvent{Type: RoomProductUnpinned, SessionID: sid, ProductID: productID})
		}
		s.broadcast(tx, sid, showcaseChanged(sid))
	}
	return nil
}
