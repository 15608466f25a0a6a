package offer

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// PricedLaunch is one launch of a priced offer.
type PricedLaunch struct {
	PricedInput
	Own    int                 // the tool's own number, stored in PricedKind.Column
	Check  func() error        // the tool's input check
	Detail func(Priced) string // the audit entry's detail
}

// Launch starts an offer in a live session on one SKU of an active product,
// snapshotting its name, picture and price; the offer price may not exceed the SKU's
// price. The launch is audited and the room told with the tool's event.
func (t *PricedTable[R, V]) Launch(ctx context.Context, d Deps, p org.Principal, sessionID int64, in PricedLaunch) (V, error) {
	var zero V
	if err := Need(p, org.PermPromoManage, "do this"); err != nil {
		return zero, err
	}
	if err := in.Check(); err != nil {
		return zero, err
	}
	if err := LiveSession(ctx, d.Store, t.Pkg, p.TenantID, sessionID,
		fmt.Sprintf("start the live before launching %s %s", t.Article, t.Noun)); err != nil {
		return zero, err
	}
	prod, sku, err := ResolveSKU(ctx, d.Commerce, p, in.ProductID, in.SKUID, "in "+t.Article+" "+t.Noun)
	if err != nil {
		return zero, err
	}
	if in.Price > sku.Price {
		return zero, siyu.Invalid("price", "the %s (%d fen) must not exceed the price of %s (%d fen)", t.PriceNoun, in.Price,
			prod.Name, sku.Price)
	}
	r := Priced{TenantID: p.TenantID, SessionID: sessionID, CreatedBy: p.UserID, ProductID: prod.ID, SKUID: sku.ID,
		ProductName: prod.Name, Image: Image(prod), OriginalPrice: sku.Price, Price: in.Price,
		TimeLimitSeconds: in.TimeLimitSeconds, Status: StatusOpen, CreatedAt: d.Now().UnixMilli()}
	err = d.Store.Tx(ctx, func(tx *db.Tx) error {
		id, err := db.Insert(ctx, tx, `INSERT INTO `+t.Table+` (tenant_id, session_id, created_by, product_id, sku_id, product_name,
			image, original_price, price, `+t.Column+`, time_limit_seconds, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.TenantID, r.SessionID, r.CreatedBy, r.ProductID, r.SKUID, r.ProductName, r.Image, r.OriginalPrice, r.Price,
			in.Own, r.TimeLimitSeconds, r.Status, r.CreatedAt)
		if err != nil {
			return fmt.Errorf("%s: launch: %w", t.Pkg, err)
		}
		r.ID = id
		return Audit(ctx, tx, d.Now(), p, t.Audit+".create", t.target(id), in.Detail(r))
	})
	if err != nil {
		return zero, err
	}
	out := t.Fresh(r, in.Own)
	d.Room.Broadcast(sessionID, t.Event(out))
	return out, nil
}

// Close stops an offer from taking new groups or campaigns; those already running go
// on to their own deadline. Closing a closed offer returns it unchanged; a change is
// audited and told to the room.
func (t *PricedTable[R, V]) Close(ctx context.Context, d Deps, p org.Principal, id int64) (V, error) {
	var out V
	if err := Need(p, org.PermPromoManage, "do this"); err != nil {
		return out, err
	}
	changed, sessionID := false, int64(0)
	err := d.Store.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE `+t.Table+` SET status = ?, closed_at = ? WHERE tenant_id = ? AND id = ? AND status = ?`,
			StatusClosed, d.Now().UnixMilli(), p.TenantID, id, StatusOpen)
		if err != nil {
			return fmt.Errorf("%s: close: %w", t.Pkg, err)
		}
		r, err := t.Get(ctx, tx, p.TenantID, id)
		if err != nil {
			return err
		}
		if out, err = t.View(ctx, tx, r); err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		changed, sessionID = true, r.Base().SessionID
		return Audit(ctx, tx, d.Now(), p, t.Audit+".close", t.target(id), r.Base().ProductName)
	})
	if err == nil && changed {
		d.Room.Broadcast(sessionID, t.Event(out))
	}
	return out, err
}
