package flashsale

import (
	"context"
	"fmt"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/offer"
)

// JoinWaitlist puts a viewer in line for units that come back to a sold-out sale
// (orders cancelled, expired or refunded): the head of the line gets the next
// returned unit as an unpaid order. Joining twice answers the same position.
// Refusals: not_sold_out while units are left (buy instead), not_started,
// sale_ended, limit_reached (the viewer already holds the limit).
func (s *Service) JoinWaitlist(ctx context.Context, v promo.Viewer, id int64) (WaitlistPosition, error) {
	o, err := s.viewerOwner(ctx, v, id)
	if err != nil {
		return WaitlistPosition{}, err
	}
	if err := o.call(ctx, func() error { return o.joinRefusal(v.ID) }); err != nil {
		return WaitlistPosition{}, err
	}
	// Purchases the owner accepted are committed first, so the database agrees the
	// sale is sold out; the guard below decides in the end.
	for deadline := time.Now().Add(2 * time.Second); o.inflight.Load() > 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	var pos int64
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if pos, err = waitlistPosition(ctx, tx, id, v.ID); err != nil || pos > 0 {
			return err
		}
		now := s.now().UnixMilli()
		res, err := tx.ExecContext(ctx, `UPDATE flash_sales SET waiting = waiting + 1 WHERE id = ? AND tenant_id = ? AND ended_at = 0
			AND (ends_at = 0 OR ends_at > ?) AND sold >= stock`, id, v.TenantID, now)
		if err != nil {
			return fmt.Errorf("flashsale: join waitlist: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			r, err := getSale(ctx, tx, v.TenantID, id)
			if err != nil {
				return err
			}
			if r.status(now) == StatusEnded {
				return errEnded(id)
			}
			return errNotSoldOut(id)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO flash_sale_waitlist (sale_id, tenant_id, viewer_id, created_at) VALUES (?, ?, ?, ?)`,
			id, v.TenantID, v.ID, now); err != nil {
			return fmt.Errorf("flashsale: join waitlist: %w", err)
		}
		pos, err = waitlistPosition(ctx, tx, id, v.ID)
		return err
	})
	if db.IsUniqueViolation(err) {
		// The same viewer joined twice at once (PostgreSQL): the other one won.
		pos, err = waitlistPosition(ctx, s.store, id, v.ID)
	}
	if err != nil {
		return WaitlistPosition{}, err
	}
	s.pulses.changed(id, false)
	return WaitlistPosition{Position: pos}, nil
}

// joinRefusal is why a viewer may not wait for this sale now, on the owner goroutine.
func (o *owner) joinRefusal(viewer int64) error {
	now := o.s.now().UnixMilli()
	switch {
	case o.ended || (o.endsAt > 0 && now >= o.endsAt):
		return errEnded(o.id)
	case now < o.startsAt:
		return siyu.Errorf(ErrNotStarted, "flash sale %d starts at %s", o.id, offer.Time(o.startsAt).Format(time.RFC3339))
	case o.bought[viewer] >= o.limit:
		return siyu.Errorf(ErrLimitReached, "you already hold the %d units one viewer may buy in flash sale %d", o.limit, o.id)
	case o.left > 0:
		return errNotSoldOut(o.id)
	}
	return nil
}

func errNotSoldOut(id int64) error {
	return siyu.Errorf(ErrNotSoldOut, "flash sale %d still has units left; buy one instead of waiting", id)
}

// LeaveWaitlist takes a viewer out of line; not waiting is fine too.
func (s *Service) LeaveWaitlist(ctx context.Context, v promo.Viewer, id int64) error {
	if _, err := s.viewerSale(ctx, v, id); err != nil {
		return err
	}
	left := false
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		// The sale's row first, as a release handing out claims locks it before the
		// waitlist: the two queue, never deadlock, on PostgreSQL.
		if _, err := tx.ExecContext(ctx, `UPDATE flash_sales SET waiting = waiting WHERE id = ?`, id); err != nil {
			return fmt.Errorf("flashsale: leave waitlist: %w", err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM flash_sale_waitlist WHERE sale_id = ? AND viewer_id = ?`, id, v.ID)
		if err != nil {
			return fmt.Errorf("flashsale: leave waitlist: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		left = true
		_, err = tx.ExecContext(ctx, `UPDATE flash_sales SET waiting = waiting - 1 WHERE id = ?`, id)
		return err
	})
	if err == nil && left {
		s.pulses.changed(id, false)
	}
	return err
}
