package flashsale

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/promo/offer"
)

// The buyers upsert per dialect. rows is a JSON array of [sale_id, viewer_id,
// tenant_id, quantity, max_quantity], one per viewer and sale: one statement of fixed
// text whatever the batch. The CHECK (quantity <= max_quantity) refuses the whole
// statement when any viewer would go over the limit.
const (
	upsertBuyersSQLite = `INSERT INTO flash_sale_buyers (sale_id, viewer_id, tenant_id, quantity, max_quantity)
		SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?) WHERE true
		ON CONFLICT (sale_id, viewer_id) DO UPDATE SET quantity = flash_sale_buyers.quantity + excluded.quantity`
	upsertBuyersPostgres = `INSERT INTO flash_sale_buyers (sale_id, viewer_id, tenant_id, quantity, max_quantity)
		SELECT (e ->> 0)::bigint, (e ->> 1)::bigint, (e ->> 2)::bigint, (e ->> 3)::bigint, (e ->> 4)::bigint
		FROM jsonb_array_elements(?::jsonb) AS e
		ON CONFLICT (sale_id, viewer_id) DO UPDATE SET quantity = flash_sale_buyers.quantity + excluded.quantity`
)

// bookSold adds n units to a sale's sold counter while it is open and has them,
// which also takes its row lock; it reports whether the guard held and whether
// this sold the last unit.
func bookSold(ctx context.Context, tx *db.Tx, saleID, tenantID, n, now int64) (ok, soldOut bool, err error) {
	var r struct {
		Sold  int64 `db:"sold"`
		Stock int64 `db:"stock"`
	}
	err = tx.WriteGetContext(ctx, &r, `UPDATE flash_sales SET sold = sold + ? WHERE id = ? AND tenant_id = ? AND ended_at = 0
		AND (ends_at = 0 OR ends_at > ?) AND sold + ? <= stock RETURNING sold, stock`, n, saleID, tenantID, now, n)
	if db.IsNoRows(err) {
		return false, false, nil
	} else if err != nil {
		return false, false, fmt.Errorf("flashsale: book units: %w", err)
	}
	return true, r.Sold == r.Stock, nil
}

// writeBatch books a batch in tx: per sale the sold counter (guarded), then one upsert
// of every buyer's units, then the orders. Any guard refusing fails the batch with
// errRefused; the writer then retries one purchase at a time.
func (s *Service) writeBatch(ctx context.Context, tx *db.Tx, groups []*group) error {
	now := s.now().UnixMilli()
	type key struct{ sale, viewer int64 }
	units := map[key]int64{}
	var keys []key
	for _, g := range groups {
		n := int64(0)
		for _, p := range g.Items {
			n += p.qty
			k := key{g.Owner.id, p.viewer}
			if _, ok := units[k]; !ok {
				keys = append(keys, k)
			}
			units[k] += p.qty
		}
		ok, soldOut, err := bookSold(ctx, tx, g.Owner.id, g.Owner.tenant, n, now)
		if err != nil {
			return err
		} else if !ok {
			return errRefused
		}
		g.soldOut = soldOut
	}
	// Rows in key order: concurrent writers (other nodes) lock buyer rows alike.
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmp.Compare(a.sale, b.sale), cmp.Compare(a.viewer, b.viewer)) })
	limits := map[int64]*owner{}
	for _, g := range groups {
		limits[g.Owner.id] = g.Owner
	}
	rows := make([]byte, 0, 48*len(keys)+2)
	rows = append(rows, '[')
	for i, k := range keys {
		if i > 0 {
			rows = append(rows, ',')
		}
		o := limits[k.sale]
		rows = append(rows, '[')
		for j, v := range [5]int64{k.sale, k.viewer, o.tenant, units[k], o.limit} {
			if j > 0 {
				rows = append(rows, ',')
			}
			rows = strconv.AppendInt(rows, v, 10)
		}
		rows = append(rows, ']')
	}
	rows = append(rows, ']')
	upsert := upsertBuyersSQLite
	if tx.Dialect() == db.Postgres {
		upsert = upsertBuyersPostgres
	}
	if _, err := tx.ExecContext(ctx, upsert, string(rows)); err != nil {
		return fmt.Errorf("%w: %v", errRefused, err)
	}
	var ordered []*pending
	var ins []commerce.NewOrder
	for _, g := range groups {
		for _, p := range g.Items {
			ordered, ins = append(ordered, p), append(ins, p.order())
		}
	}
	orders, err := s.commerce.CreateHeldOrdersTx(ctx, tx, ins)
	if err != nil {
		return err
	}
	for i, p := range ordered {
		p.orderID = orders[i].ID
	}
	for _, g := range groups {
		if g.soldOut {
			if err := s.soldOutEvent(ctx, tx, g.Owner.id); err != nil {
				return err
			}
		}
	}
	return nil
}

// commitOne books one purchase in its own transaction, with the refusal the database
// gives: sale_ended, sold_out or limit_reached. It reports whether it sold the last unit.
func (s *Service) commitOne(ctx context.Context, p *pending) (soldOut bool, err error) {
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		now := s.now().UnixMilli()
		ok, last, err := bookSold(ctx, tx, p.o.id, p.o.tenant, p.qty, now)
		if err != nil {
			return err
		}
		if !ok {
			r, err := getSale(ctx, tx, p.o.tenant, p.o.id)
			if err != nil {
				return err
			}
			if r.status(now) == StatusEnded {
				return errEnded(r.ID)
			}
			return siyu.Errorf(ErrSoldOut, "flash sale %d is sold out; join the waitlist for returned units", r.ID)
		}
		have, err := myQuantity(ctx, tx, p.o.id, p.viewer)
		if err != nil {
			return err
		}
		if have+p.qty > p.o.limit {
			return siyu.Errorf(ErrLimitReached, "you hold %d of the %d units one viewer may buy in flash sale %d", have, p.o.limit, p.o.id)
		}
		if err := addBuyer(ctx, tx, p.o.id, p.o.tenant, p.viewer, p.qty, p.o.limit); err != nil {
			return err
		}
		o, err := s.commerce.CreateOrderTx(ctx, tx, p.order())
		if err != nil {
			return err
		}
		p.orderID = o.ID
		soldOut = last
		if last {
			return s.soldOutEvent(ctx, tx, p.o.id)
		}
		return nil
	})
	if err != nil {
		soldOut = false
		if siyu.ErrorCode(err) == siyu.EINTERNAL {
			s.log.Error("commit flash sale order", "sale", p.o.id, "viewer", p.viewer, "err", err)
		}
	}
	return soldOut, err
}

// soldOutEvent queues the flash_sale.sold_out webhook in tx.
func (s *Service) soldOutEvent(ctx context.Context, tx *db.Tx, id int64) error {
	r, err := getSale(ctx, tx, 0, id)
	if err != nil {
		return err
	}
	return offer.Publish(ctx, s.events, tx, r.TenantID, EventSoldOut, r.sale(s.now().UnixMilli()))
}
