package flashsale

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
)

// units is the quantity of a flash-sale order (one line, the sale's SKU).
func units(o commerce.Order) int64 {
	var n int64
	for _, l := range o.Lines {
		n += l.Quantity
	}
	return n
}

// paidHook counts a paid flash-sale order on its sale, in the payment's transaction.
func (s *Service) paidHook(ctx context.Context, tx *db.Tx, o commerce.Order) error {
	_, err := tx.ExecContext(ctx, `UPDATE flash_sales SET paid = paid + ? WHERE id = ? AND tenant_id = ?`, units(o), o.SourceID, o.TenantID)
	if err != nil {
		return fmt.Errorf("flashsale: count paid order %d: %w", o.ID, err)
	}
	return nil
}

// claim is a waitlisted viewer's order made from returned units.
type claim struct {
	viewer  int64
	orderID int64
}

// releaseHook runs in the transaction that cancels, expires or refunds a flash-sale
// order: the units leave the viewer's count and the sale's sold counter, and then
//   - if the sale has ended, they go straight back to the SKU's stock;
//   - else each returned unit goes to the head of the waitlist as an unpaid order
//     created right here (the head is skipped if they have reached the limit
//     meanwhile), and only units nobody waits for are free again for everyone.
//
// The row's version is bumped, and after the commit the owner hears of the change
// (a delta) and the claimers get flash_sale_claim.
func (s *Service) releaseHook(ctx context.Context, tx *db.Tx, o commerce.Order) error {
	q := units(o)
	var paidBack int64
	if o.Status == commerce.StatusRefunded {
		paidBack = q
	}
	// Lock order: the order (the transition), its SKU, the sale (endTx).
	var sku int64
	if err := tx.GetContext(ctx, &sku, `SELECT sku_id FROM flash_sales WHERE id = ? AND tenant_id = ?`, o.SourceID, o.TenantID); db.IsNoRows(err) {
		s.log.Error("released order of an unknown flash sale", "order", o.ID, "sale", o.SourceID)
		return nil
	} else if err != nil {
		return fmt.Errorf("flashsale: release order %d: %w", o.ID, err)
	}
	if err := s.commerce.LockSKUTx(ctx, tx, o.TenantID, sku); err != nil {
		return err
	}
	var r saleRow
	err := tx.WriteGetContext(ctx, &r, `UPDATE flash_sales SET sold = sold - ?, paid = paid - ?, version = version + 1
		WHERE id = ? AND tenant_id = ? RETURNING `+saleCols, q, paidBack, o.SourceID, o.TenantID)
	if err != nil {
		return fmt.Errorf("flashsale: release order %d: %w", o.ID, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE flash_sale_buyers SET quantity = quantity - ? WHERE sale_id = ? AND viewer_id = ?`,
		q, r.ID, o.ViewerID); err != nil {
		return fmt.Errorf("flashsale: release order %d: %w", o.ID, err)
	}
	d := delta{version: r.Version, free: q, bought: map[int64]int64{o.ViewerID: -q}}
	var claims []claim
	switch {
	case r.EndedAt > 0:
		if _, err := tx.ExecContext(ctx, `UPDATE flash_sales SET returned = returned + ? WHERE id = ?`, q, r.ID); err != nil {
			return fmt.Errorf("flashsale: release order %d: %w", o.ID, err)
		}
		if err := s.commerce.ReturnStockTx(ctx, tx, o.TenantID, r.SKUID, q); err != nil {
			return err
		}
	case r.status(s.now().UnixMilli()) == StatusEnded:
		// Past ends_at but the end job has not run yet: the units stay with the sale,
		// and ending it returns them with the rest.
	default:
		if claims, err = s.claim(ctx, tx, r, q); err != nil {
			return err
		}
		d.free -= int64(len(claims))
		for _, c := range claims {
			d.bought[c.viewer]++
		}
	}
	tx.AfterCommit(func() {
		s.deliver(r.ID, d)
		for _, c := range claims {
			s.room.SendTo(r.SessionID, c.viewer, ClaimEvent{Type: "flash_sale_claim", SaleID: r.ID, OrderID: c.orderID, Quantity: 1})
		}
		s.pulses.changed(r.ID, false)
	})
	return nil
}

// claim hands up to free returned units, one each, to the viewers at the head of the
// waitlist, as unpaid orders at the sale price, in tx.
func (s *Service) claim(ctx context.Context, tx *db.Tx, r saleRow, free int64) ([]claim, error) {
	if r.Waiting == 0 {
		return nil, nil
	}
	var status string
	if err := tx.GetContext(ctx, &status, `SELECT status FROM products WHERE id = ?`, r.ProductID); err != nil {
		return nil, fmt.Errorf("flashsale: product of %d: %w", r.ID, err)
	}
	if status != commerce.ProductActive {
		return nil, nil // no longer sold: the units wait in the sale until it ends
	}
	var out []claim
	removed := int64(0)
	for int64(len(out)) < free {
		var head struct {
			ID       int64 `db:"id"`
			ViewerID int64 `db:"viewer_id"`
		}
		err := tx.GetContext(ctx, &head, `SELECT id, viewer_id FROM flash_sale_waitlist WHERE sale_id = ? ORDER BY id LIMIT 1`, r.ID)
		if db.IsNoRows(err) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("flashsale: waitlist of %d: %w", r.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM flash_sale_waitlist WHERE id = ?`, head.ID); err != nil {
			return nil, fmt.Errorf("flashsale: waitlist of %d: %w", r.ID, err)
		}
		removed++
		have, err := myQuantity(ctx, tx, r.ID, head.ViewerID)
		if err != nil {
			return nil, err
		}
		if have+1 > r.PerUserLimit {
			continue // bought their limit since they joined
		}
		o, err := s.commerce.CreateOrderTx(ctx, tx, commerce.NewOrder{TenantID: r.TenantID, SessionID: r.SessionID,
			ViewerID: head.ViewerID, Source: Source, SourceID: r.ID, StockHeld: true,
			Lines: []commerce.NewLine{{ProductID: r.ProductID, SKUID: r.SKUID, Quantity: 1, Price: r.Price}}})
		if err != nil {
			return nil, fmt.Errorf("flashsale: claim for viewer %d: %w", head.ViewerID, err)
		}
		if err := addBuyer(ctx, tx, r.ID, r.TenantID, head.ViewerID, 1, r.PerUserLimit); err != nil {
			return nil, err
		}
		out = append(out, claim{viewer: head.ViewerID, orderID: o.ID})
	}
	if _, err := tx.ExecContext(ctx, `UPDATE flash_sales SET sold = sold + ?, waiting = waiting - ? WHERE id = ?`,
		len(out), removed, r.ID); err != nil {
		return nil, fmt.Errorf("flashsale: claims of %d: %w", r.ID, err)
	}
	return out, nil
}

// deliver tells a sale's owner, if this node runs one, about a committed delta. It
// looks the owner up under the registry's lock, so an owner being loaded right now
// either read the change already (and skips it by version) or is registered before
// the lookup.
func (s *Service) deliver(id int64, d delta) {
	if o, ok := s.owners.LoadedLocked(id); ok {
		o.post(func() { o.apply(d) })
	}
}
