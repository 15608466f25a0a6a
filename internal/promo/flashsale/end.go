package flashsale

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo/groupcommit"
	"github.com/siyu-live/siyu/internal/promo/offer"
)

// End is the host ending a sale now (POST /flash-sales/{id}/end). Ending an ended sale
// answers it unchanged.
func (s *Service) End(ctx context.Context, p org.Principal, id int64) (FlashSale, error) {
	if err := offer.Need(p, org.PermPromoManage, "do this"); err != nil {
		return FlashSale{}, err
	}
	if _, err := getSale(ctx, s.store, p.TenantID, id); err != nil {
		return FlashSale{}, err
	}
	return s.end(ctx, &p, id, "host")
}

// end closes a sale exactly once: its owner stops selling and waits until every
// purchase it accepted is committed; then one transaction marks the sale ended, gives
// the units not in a live order back to the SKU (returned = stock − sold), empties the
// waitlist and publishes flash_sale.ended. Running it again (a retried job, a second
// node, the host after the timer) changes nothing. Orders still unpaid stay payable;
// if they are released later their units go straight back to the SKU (hooks.go).
func (s *Service) end(ctx context.Context, p *org.Principal, id int64, reason string) (FlashSale, error) {
	o, err := s.ownerFor(ctx, id)
	if err != nil {
		return FlashSale{}, err
	}
	var row saleRow
	var did bool
	err = o.call(ctx, func() error {
		was := o.ended
		o.ended = true
		groupcommit.Drain(&o.inflight)
		var err error
		if row, did, err = s.endTx(ctx, o, p, reason); err != nil {
			o.ended = was
			return err
		}
		// Ended for good: free the memory and the goroutine. A later lookup rebuilds
		// an ended owner from the store, which refuses everything.
		o.bought = nil
		if s.owners.Retire(o.id) {
			o.retired.Store(true)
		}
		return nil
	})
	if err != nil {
		return FlashSale{}, err
	}
	if did {
		s.pulses.changed(id, true)
	}
	return row.sale(s.now().UnixMilli()), nil
}

// endTx is the closing transaction. The SKU row is locked before the sale's, the
// order every transaction touching both uses (an order's release locks the order,
// then its SKU, then runs the sale's hook), so none can deadlock on PostgreSQL.
func (s *Service) endTx(ctx context.Context, o *owner, p *org.Principal, reason string) (saleRow, bool, error) {
	var row saleRow
	var did bool
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := s.commerce.LockSKUTx(ctx, tx, o.tenant, o.sku); err != nil {
			return err
		}
		now := s.now().UnixMilli()
		err := tx.WriteGetContext(ctx, &row, `UPDATE flash_sales SET ended_at = ?, returned = returned + stock - sold, waiting = 0,
			version = version + 1 WHERE id = ? AND tenant_id = ? AND ended_at = 0 RETURNING `+saleCols, now, o.id, o.tenant)
		if db.IsNoRows(err) {
			row, err = getSale(ctx, tx, o.tenant, o.id)
			return err
		} else if err != nil {
			return fmt.Errorf("flashsale: end %d: %w", o.id, err)
		}
		did = true
		if err := s.commerce.ReturnStockTx(ctx, tx, o.tenant, row.SKUID, row.Stock-row.Sold); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM flash_sale_waitlist WHERE sale_id = ?`, o.id); err != nil {
			return fmt.Errorf("flashsale: clear waitlist of %d: %w", o.id, err)
		}
		if s.queue != nil {
			for _, key := range []string{jobKey(StartJobKind, o.id), jobKey(EndJobKind, o.id)} {
				if err := s.queue.Cancel(ctx, tx, key); err != nil {
					return err
				}
			}
		}
		if err := offer.Publish(ctx, s.events, tx, o.tenant, EventEnded, EndedEvent{FlashSale: row.sale(now), Reason: reason}); err != nil {
			return err
		}
		if p != nil {
			return offer.Audit(ctx, tx, s.now(), *p, AuditEnd, saleTarget(o.id), fmt.Sprintf("%d of %d units sold; %d back to stock",
				row.Sold, row.Stock, row.Stock-row.Sold))
		}
		return nil
	})
	if err != nil {
		return saleRow{}, false, err
	}
	if did {
		s.log.Info("flash sale ended", "sale", o.id, "reason", reason, "sold", row.Sold, "returned", row.Stock-row.Sold)
	}
	return row, did, nil
}
