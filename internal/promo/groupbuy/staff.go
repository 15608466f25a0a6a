package groupbuy

import (
	"context"
	"fmt"
	"strconv"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo/offer"
)

func target(id int64) string { return "group_buy:" + strconv.FormatInt(id, 10) }

// Launch starts a group-buy offer in a live session on one SKU of an active product,
// snapshotting its name, picture and price; the group price may not exceed the SKU's
// price. The room is told with a group_buy event.
func (s *Service) Launch(ctx context.Context, p org.Principal, sessionID int64, in Input) (GroupBuy, error) {
	if err := offer.Need(p, org.PermPromoManage, "do this"); err != nil {
		return GroupBuy{}, err
	}
	if err := in.check(); err != nil {
		return GroupBuy{}, err
	}
	if err := offer.LiveSession(ctx, s.store, "groupbuy", p.TenantID, sessionID,
		"start the live before launching a group buy"); err != nil {
		return GroupBuy{}, err
	}
	prod, sku, err := offer.ResolveSKU(ctx, s.commerce, p, in.ProductID, in.SKUID, "in a group buy")
	if err != nil {
		return GroupBuy{}, err
	}
	if in.Price > sku.Price {
		return GroupBuy{}, siyu.Invalid("price", "the group price (%d fen) must not exceed the price of %s (%d fen)", in.Price, prod.Name, sku.Price)
	}
	r := offerRow{TenantID: p.TenantID, SessionID: sessionID, CreatedBy: p.UserID, ProductID: prod.ID, SKUID: sku.ID,
		ProductName: prod.Name, Image: offer.Image(prod), OriginalPrice: sku.Price, Price: in.Price, GroupSize: in.GroupSize,
		TimeLimitSeconds: in.TimeLimitSeconds, Status: StatusOpen, CreatedAt: s.now().UnixMilli()}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		id, err := db.Insert(ctx, tx, `INSERT INTO group_buys (tenant_id, session_id, created_by, product_id, sku_id, product_name,
			image, original_price, price, group_size, time_limit_seconds, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.TenantID, r.SessionID, r.CreatedBy, r.ProductID, r.SKUID, r.ProductName, r.Image, r.OriginalPrice, r.Price,
			r.GroupSize, r.TimeLimitSeconds, r.Status, r.CreatedAt)
		if err != nil {
			return fmt.Errorf("groupbuy: launch: %w", err)
		}
		r.ID = id
		return offer.Audit(ctx, tx, s.now(), p, "promo.group_buy.create", target(id),
			fmt.Sprintf("%s × %d people at %d fen within %d s", r.ProductName, r.GroupSize, r.Price, r.TimeLimitSeconds))
	})
	if err != nil {
		return GroupBuy{}, err
	}
	out := r.offer(counts{})
	s.room.Broadcast(sessionID, OfferEvent{Type: "group_buy", GroupBuy: out})
	return out, nil
}

// Get returns an offer with its groups (newest first, at most 200) for staff.
func (s *Service) Get(ctx context.Context, p org.Principal, id int64) (Detail, error) {
	r, err := getOffer(ctx, s.store, p.TenantID, id)
	if err != nil {
		return Detail{}, err
	}
	gb, err := offerView(ctx, s.store, r)
	if err != nil {
		return Detail{}, err
	}
	var rows []groupRow
	if err := s.store.SelectContext(ctx, &rows, `SELECT `+groupCols+` FROM group_buy_groups WHERE tenant_id = ? AND group_buy_id = ?
		ORDER BY id DESC LIMIT 200`, p.TenantID, id); err != nil {
		return Detail{}, fmt.Errorf("groupbuy: groups: %w", err)
	}
	groups, err := groupViews(ctx, s.store, p.TenantID, rows)
	if err != nil {
		return Detail{}, err
	}
	return Detail{GroupBuy: gb, Groups: groups}, nil
}

// List returns a session's offers, newest first, for staff.
func (s *Service) List(ctx context.Context, p org.Principal, sessionID int64) ([]GroupBuy, error) {
	if _, err := offer.Session(ctx, s.store, "groupbuy", p.TenantID, sessionID); err != nil {
		return nil, err
	}
	var rows []offerRow
	if err := s.store.SelectContext(ctx, &rows, `SELECT `+offerCols+` FROM group_buys WHERE tenant_id = ? AND session_id = ?
		ORDER BY id DESC LIMIT 100`, p.TenantID, sessionID); err != nil {
		return nil, fmt.Errorf("groupbuy: list: %w", err)
	}
	return offerViews(ctx, s.store, p.TenantID, rows)
}

// Close stops an offer from taking new groups; groups already forming run to their
// own deadline. Closing a closed offer returns it unchanged.
func (s *Service) Close(ctx context.Context, p org.Principal, id int64) (GroupBuy, error) {
	if err := offer.Need(p, org.PermPromoManage, "do this"); err != nil {
		return GroupBuy{}, err
	}
	var out GroupBuy
	changed := false
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE group_buys SET status = ?, closed_at = ? WHERE tenant_id = ? AND id = ? AND status = ?`,
			StatusClosed, s.now().UnixMilli(), p.TenantID, id, StatusOpen)
		if err != nil {
			return fmt.Errorf("groupbuy: close: %w", err)
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
		return offer.Audit(ctx, tx, s.now(), p, "promo.group_buy.close", target(id), r.ProductName)
	})
	if err == nil && changed {
		s.room.Broadcast(out.SessionID, OfferEvent{Type: "group_buy", GroupBuy: out})
	}
	return out, err
}
