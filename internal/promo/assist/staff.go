package assist

import (
	"context"
	"fmt"
	"strconv"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo/offer"
)

func target(id int64) string { return "assist:" + strconv.FormatInt(id, 10) }

// Launch starts an assist offer in a live session on one SKU of an active product,
// snapshotting its name, picture and price; the assist price may not exceed the SKU's
// price. The room is told with an assist event.
func (s *Service) Launch(ctx context.Context, p org.Principal, sessionID int64, in Input) (Assist, error) {
	if err := offer.Need(p, org.PermPromoManage, "do this"); err != nil {
		return Assist{}, err
	}
	if err := in.check(); err != nil {
		return Assist{}, err
	}
	if err := offer.LiveSession(ctx, s.store, "assist", p.TenantID, sessionID,
		"start the live before launching an assist"); err != nil {
		return Assist{}, err
	}
	prod, sku, err := offer.ResolveSKU(ctx, s.commerce, p, in.ProductID, in.SKUID, "in an assist")
	if err != nil {
		return Assist{}, err
	}
	if in.Price > sku.Price {
		return Assist{}, siyu.Invalid("price", "the assist price (%d fen) must not exceed the price of %s (%d fen)", in.Price, prod.Name, sku.Price)
	}
	r := offerRow{TenantID: p.TenantID, SessionID: sessionID, CreatedBy: p.UserID, ProductID: prod.ID, SKUID: sku.ID,
		ProductName: prod.Name, Image: offer.Image(prod), OriginalPrice: sku.Price, Price: in.Price,
		HelpersNeeded: in.HelpersNeeded, TimeLimitSeconds: in.TimeLimitSeconds, Status: StatusOpen, CreatedAt: s.now().UnixMilli()}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		id, err := db.Insert(ctx, tx, `INSERT INTO assists (tenant_id, session_id, created_by, product_id, sku_id, product_name,
			image, original_price, price, helpers_needed, time_limit_seconds, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.TenantID, r.SessionID, r.CreatedBy, r.ProductID, r.SKUID, r.ProductName, r.Image, r.OriginalPrice, r.Price,
			r.HelpersNeeded, r.TimeLimitSeconds, r.Status, r.CreatedAt)
		if err != nil {
			return fmt.Errorf("assist: launch: %w", err)
		}
		r.ID = id
		return offer.Audit(ctx, tx, s.now(), p, "promo.assist.create", target(id),
			fmt.Sprintf("%s at %d fen with %d helpers within %d s", r.ProductName, r.Price, r.HelpersNeeded, r.TimeLimitSeconds))
	})
	if err != nil {
		return Assist{}, err
	}
	out := r.offer(0, 0)
	s.room.Broadcast(sessionID, OfferEvent{Type: "assist", Assist: out})
	return out, nil
}

// Get returns an offer for staff.
func (s *Service) Get(ctx context.Context, p org.Principal, id int64) (Assist, error) {
	r, err := getOffer(ctx, s.store, p.TenantID, id)
	if err != nil {
		return Assist{}, err
	}
	return offerView(ctx, s.store, r)
}

// List returns a session's offers, newest first, for staff.
func (s *Service) List(ctx context.Context, p org.Principal, sessionID int64) ([]Assist, error) {
	if _, err := offer.Session(ctx, s.store, "assist", p.TenantID, sessionID); err != nil {
		return nil, err
	}
	var rows []offerRow
	if err := s.store.SelectContext(ctx, &rows, `SELECT `+offerCols+` FROM assists WHERE tenant_id = ? AND session_id = ?
		ORDER BY id DESC LIMIT 100`, p.TenantID, sessionID); err != nil {
		return nil, fmt.Errorf("assist: list: %w", err)
	}
	return offerViews(ctx, s.store, p.TenantID, rows)
}

// Close stops an offer from taking new campaigns; existing ones still collect until
// their deadline. Closing a closed offer returns it unchanged.
func (s *Service) Close(ctx context.Context, p org.Principal, id int64) (Assist, error) {
	if err := offer.Need(p, org.PermPromoManage, "do this"); err != nil {
		return Assist{}, err
	}
	var out Assist
	changed := false
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE assists SET status = ?, closed_at = ? WHERE tenant_id = ? AND id = ? AND status = ?`,
			StatusClosed, s.now().UnixMilli(), p.TenantID, id, StatusOpen)
		if err != nil {
			return fmt.Errorf("assist: close: %w", err)
		}
		r, err := getOffer(ctx, tx, p.TenantID, id)
		if err != nil {
			return err
		}
		if out, err = offerView(ctx, tx, r); err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		changed = true
		return offer.Audit(ctx, tx, s.now(), p, "promo.assist.close", target(id), r.ProductName)
	})
	if err == nil && changed {
		s.room.Broadcast(out.SessionID, OfferEvent{Type: "assist", Assist: out})
	}
	return out, err
}
