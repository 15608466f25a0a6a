package flashsale

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo/offer"
)

// Job kinds: the start broadcast at starts_at, the end at ends_at, and the watch that
// ends a sale once its session has ended.
const (
	StartJobKind = "flashsale.start"
	EndJobKind   = "flashsale.end"
	WatchJobKind = "flashsale.watch"
)

type jobPayload struct {
	SaleID int64 `json:"sale_id"`
}

func jobKey(kind string, id int64) string { return kind + ":" + strconv.FormatInt(id, 10) }

func saleTarget(id int64) string { return "flash_sale:" + strconv.FormatInt(id, 10) }

// Launch puts a flash sale into a live session: the units are taken off the SKU's
// stock (the sale holds them), the start, end and watch jobs are queued and
// flash_sale.launched is published, all in one transaction; then the room hears of
// it with starts_at for the countdown. Errors name the field: price (1 fen up to the
// SKU's price), stock (up to what the SKU has left), per_user_limit, sku_id, starts_at.
func (s *Service) Launch(ctx context.Context, p org.Principal, sessionID int64, in Input) (FlashSale, error) {
	if err := offer.Need(p, org.PermPromoManage, "do this"); err != nil {
		return FlashSale{}, err
	}
	if err := in.check(); err != nil {
		return FlashSale{}, err
	}
	now := s.now()
	starts := now
	if in.StartsAt != nil {
		switch t := *in.StartsAt; {
		case t.Before(now.Add(-startSlack)):
			return FlashSale{}, siyu.Invalid("starts_at", "starts_at is in the past; leave it out to start now")
		case t.After(now.Add(MaxLeadTime)):
			return FlashSale{}, siyu.Invalid("starts_at", "starts_at may be at most %d days ahead", int(MaxLeadTime.Hours()/24))
		case t.After(now):
			starts = t
		}
	}
	var ends time.Time
	if in.DurationSeconds > 0 {
		ends = starts.Add(time.Duration(in.DurationSeconds) * time.Second)
	}
	var row saleRow
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := offer.LiveSession(ctx, tx, "flashsale", p.TenantID, sessionID,
			"start the live before launching a flash sale"); err != nil {
			return err
		}
		prod, err := s.commerce.ProductTx(ctx, tx, p.TenantID, in.ProductID)
		if siyu.ErrorCode(err) == siyu.ENOTFOUND {
			return &siyu.Error{Code: siyu.EINVALID, Field: "product_id", Message: fmt.Sprintf("product %d not found", in.ProductID)}
		} else if err != nil {
			return err
		}
		sku, err := pickSKU(prod, in)
		if err != nil {
			return err
		}
		if ok, left, err := s.commerce.HoldStockTx(ctx, tx, p.TenantID, sku.ID, in.Stock); err != nil {
			return err
		} else if !ok {
			return siyu.Invalid("stock", "stock must be at most the %d units %s (%s) has left", left, prod.Name, sku.Name)
		}
		row = saleRow{TenantID: p.TenantID, SessionID: sessionID, CreatedBy: p.UserID, ProductID: prod.ID, SKUID: sku.ID,
			ProductName: prod.Name, SKUName: sku.Name, Image: offer.Image(prod), OriginalPrice: sku.Price, Price: in.Price,
			Stock: in.Stock, PerUserLimit: in.PerUserLimit, StartsAt: starts.UnixMilli(), CreatedAt: now.UnixMilli()}
		if !ends.IsZero() {
			row.EndsAt = ends.UnixMilli()
		}
		if row.ID, err = insertSale(ctx, tx, row); err != nil {
			return err
		}
		if err := s.schedule(ctx, tx, row, now); err != nil {
			return err
		}
		sale := row.sale(now.UnixMilli())
		if err := offer.Publish(ctx, s.events, tx, p.TenantID, EventLaunched, sale); err != nil {
			return err
		}
		if err := offer.Audit(ctx, tx, s.now(), p, AuditLaunch, saleTarget(row.ID), fmt.Sprintf("%d × %s (%s) at %d fen, limit %d",
			in.Stock, prod.Name, sku.Name, in.Price, in.PerUserLimit)); err != nil {
			return err
		}
		// The owner starts with every unit free once the row is committed.
		tx.AfterCommit(func() { s.adopt(saleState{row: row, bought: map[int64]int64{}}) })
		return nil
	})
	if err != nil {
		return FlashSale{}, err
	}
	s.pulses.changed(row.ID, true)
	return row.sale(now.UnixMilli()), nil
}

// pickSKU resolves the SKU of a launch and checks the price against it.
func pickSKU(p commerce.Product, in Input) (commerce.SKU, error) {
	if err := offer.Sellable(p, ""); err != nil {
		return commerce.SKU{}, err
	}
	sku, err := offer.SKU(p, in.SKUID)
	if err != nil {
		return commerce.SKU{}, err
	}
	if in.Price > sku.Price {
		return commerce.SKU{}, siyu.Invalid("price", "price must be at most the regular %d fen of %s (%s)", sku.Price, p.Name, sku.Name)
	}
	return sku, nil
}

// schedule queues a new sale's jobs in tx: the start broadcast (when it starts
// later), the end (when it has a duration) and the first session watch.
func (s *Service) schedule(ctx context.Context, tx *db.Tx, r saleRow, now time.Time) error {
	if s.queue == nil {
		return nil
	}
	payload, _ := json.Marshal(jobPayload{SaleID: r.ID})
	add := func(kind, key string, at int64) error {
		_, err := s.queue.Enqueue(ctx, tx, jobs.Job{TenantID: r.TenantID, Kind: kind, Payload: payload, RunAt: time.UnixMilli(at),
			UniqueKey: key})
		if err != nil {
			return fmt.Errorf("flashsale: queue %s: %w", kind, err)
		}
		return nil
	}
	if r.StartsAt > now.UnixMilli() {
		if err := add(StartJobKind, jobKey(StartJobKind, r.ID), r.StartsAt); err != nil {
			return err
		}
	}
	if r.EndsAt > 0 {
		if err := add(EndJobKind, jobKey(EndJobKind, r.ID), r.EndsAt); err != nil {
			return err
		}
	}
	at := now.Add(s.watch).UnixMilli()
	return add(WatchJobKind, jobKey(WatchJobKind, r.ID)+":"+strconv.FormatInt(at, 10), at)
}

func (s *Service) payload(j jobs.Job) (int64, error) {
	var p jobPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.SaleID <= 0 {
		return 0, jobs.Permanent(fmt.Errorf("flashsale: %s payload %s: %v", j.Kind, j.Payload, err))
	}
	return p.SaleID, nil
}

// startJob tells the room the sale has started (the countdown is over).
func (s *Service) startJob(ctx context.Context, j jobs.Job) error {
	id, err := s.payload(j)
	if err != nil {
		return err
	}
	if _, err := getSale(ctx, s.store, 0, id); err != nil {
		if siyu.ErrorCode(err) == siyu.ENOTFOUND {
			return jobs.Permanent(err)
		}
		return err
	}
	s.pulses.changed(id, true)
	return nil
}

// endJob ends a sale when its duration is over.
func (s *Service) endJob(ctx context.Context, j jobs.Job) error {
	id, err := s.payload(j)
	if err != nil {
		return err
	}
	_, err = s.end(ctx, nil, id, "duration")
	if siyu.ErrorCode(err) == siyu.ENOTFOUND {
		return jobs.Permanent(err)
	}
	return err
}

// watchJob ends a sale whose session has ended, and otherwise looks again later.
func (s *Service) watchJob(ctx context.Context, j jobs.Job) error {
	id, err := s.payload(j)
	if err != nil {
		return err
	}
	r, err := getSale(ctx, s.store, 0, id)
	if siyu.ErrorCode(err) == siyu.ENOTFOUND {
		return jobs.Permanent(err)
	} else if err != nil {
		return err
	}
	if r.EndedAt > 0 {
		return nil
	}
	var status string
	if err := s.store.GetContext(ctx, &status, `SELECT status FROM live_sessions WHERE id = ?`, r.SessionID); err != nil && !db.IsNoRows(err) {
		return fmt.Errorf("flashsale: session of sale %d: %w", id, err)
	}
	if status != "live" {
		_, err := s.end(ctx, nil, id, "session_ended")
		return err
	}
	at := s.now().Add(s.watch)
	_, err = s.queue.Enqueue(ctx, nil, jobs.Job{TenantID: r.TenantID, Kind: WatchJobKind, Payload: j.Payload, RunAt: at,
		UniqueKey: jobKey(WatchJobKind, id) + ":" + strconv.FormatInt(at.UnixMilli(), 10)})
	return err
}
