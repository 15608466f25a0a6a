package crm

import (
	"context"
	"fmt"
	"time"

	"github.com/siyu-live/siyu/internal/db"
)

// Signal kinds: the facts about a person the CRM keeps profiles from.
const (
	SignalActivity = "activity" // room activity: joins, watch time, comments, gifts
	SignalPaid     = "paid"     // an order was paid (OrderID, Amount)
	SignalRefunded = "refunded" // a paid order was refunded (OrderID)
	SignalReserved = "reserved" // a viewer reserved a session
	SignalPhone    = "phone"    // a viewer verified a phone (Phone)
	SignalEnded    = "ended"    // a session ended: its reservers who never came are no-shows
)

// Signal is one fact about a viewer (or, with CustomerID, directly about a profile)
// applied to their profile: aggregates change and rule tags are re-evaluated in the
// same transaction. The hooks produce them; Apply takes them directly (benchmarks,
// tools).
type Signal struct {
	Kind       string
	TenantID   int64
	CustomerID int64 // the profile; 0 finds (or creates) it by ViewerID
	ViewerID   int64
	SessionID  int64
	OrderID    int64
	Amount     int64 // fen: an order's total
	Phone      string
	At         time.Time

	// Activity counters (SignalActivity).
	Joins       int
	FirstJoin   bool  // the viewer's first join of SessionID
	EntryLinkID int64 // of the join
	WatchMS     int64
	Comments    int64
	GiftFen     int64
}

// Apply applies signals in one transaction, synchronously, and tells observers after
// commit. The event worker applies the hooks' signals the same way, in batches.
func (s *Service) Apply(ctx context.Context, sigs ...Signal) error {
	return s.write(ctx, func(ap *applier) error {
		ap.ruleData = true
		for _, sig := range sigs {
			if err := ap.apply(ctx, sig); err != nil {
				return err
			}
		}
		return nil
	})
}

// subject returns the profile a signal is about, nil when its viewer does not exist.
func (ap *applier) subject(ctx context.Context, sig Signal) (*custRow, error) {
	if sig.CustomerID != 0 {
		return ap.live(ctx, sig.TenantID, sig.CustomerID)
	}
	return ap.viewer(ctx, sig.TenantID, sig.ViewerID)
}

func (ap *applier) apply(ctx context.Context, sig Signal) error {
	switch sig.Kind {
	case SignalPaid, SignalRefunded, SignalPhone:
		// They write orders or, merging, tags: rule data read before is stale.
		defer ap.forgetRuleData()
	}
	if sig.Kind == SignalEnded {
		return ap.sessionEnded(ctx, sig)
	}
	if sig.Kind == SignalRefunded {
		return ap.refunded(ctx, sig)
	}
	r, err := ap.subject(ctx, sig)
	if err != nil || r == nil {
		return err
	}
	at := sig.At.UnixMilli()
	switch sig.Kind {
	case SignalActivity:
		if sig.FirstJoin && sig.SessionID != 0 {
			res, err := ap.tx.ExecContext(ctx, `INSERT INTO customer_sessions (tenant_id, customer_id, session_id, first_joined_at)
				VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, customer_id, session_id) DO NOTHING`, r.TenantID, r.ID, sig.SessionID, at)
			if err != nil {
				return fmt.Errorf("crm: attended session: %w", err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				r.Sessions++
			}
		}
		if sig.Joins > 0 {
			source, err := ap.s.channel(ctx, ap.tx, sig.EntryLinkID)
			if err != nil {
				return err
			}
			r.touch(at, source, sig.EntryLinkID)
		}
		r.WatchMS += sig.WatchMS
		r.Comments += sig.Comments
		r.GiftsFen += sig.GiftFen
	case SignalPaid:
		res, err := ap.tx.ExecContext(ctx, `INSERT INTO customer_orders (tenant_id, order_id, customer_id, amount_fen, paid_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, order_id) DO NOTHING`, r.TenantID, sig.OrderID, r.ID, sig.Amount, at)
		if err != nil {
			return fmt.Errorf("crm: paid order: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // told twice
		}
		r.OrdersCount++
		r.SpentFen += sig.Amount
		ap.paid = append(ap.paid, paidOrder{tenantID: r.TenantID, customerID: r.ID, orderID: sig.OrderID, paidAt: at})
	case SignalReserved:
		r.Reservations++
	case SignalPhone:
		phone, err := NormalizePhone(sig.Phone)
		if err != nil {
			return nil // live only verifies valid numbers; nothing to link otherwise
		}
		// The profile that already has the phone survives: the viewer becomes that customer.
		if r, err = ap.attach(ctx, r, Identity{Kind: KindPhone, Value: phone}); err != nil {
			return err
		}
	default:
		return fmt.Errorf("crm: unknown signal %q", sig.Kind)
	}
	if at > 0 {
		r.seen(at)
	}
	ap.mark(r)
	return nil
}

// refunded takes a refunded order out of its buyer's aggregates (once).
func (ap *applier) refunded(ctx context.Context, sig Signal) error {
	var o struct {
		CustomerID int64 `db:"customer_id"`
		Amount     int64 `db:"amount_fen"`
	}
	err := ap.tx.WriteGetContext(ctx, &o, `UPDATE customer_orders SET refunded_at = ? WHERE tenant_id = ? AND order_id = ? AND refunded_at = 0
		RETURNING customer_id, amount_fen`, max(sig.At.UnixMilli(), 1), sig.TenantID, sig.OrderID)
	if db.IsNoRows(err) {
		return nil // never counted as paid, or already refunded
	} else if err != nil {
		return fmt.Errorf("crm: refunded order: %w", err)
	}
	r, err := ap.live(ctx, sig.TenantID, o.CustomerID)
	if err != nil {
		return err
	}
	r.OrdersCount--
	r.SpentFen -= o.Amount
	ap.mark(r)
	return nil
}

// sessionEnded counts a no-show for every profile that reserved the session and did
// not come with any of its viewer accounts.
func (ap *applier) sessionEnded(ctx context.Context, sig Signal) error {
	var reservers []int64
	if err := ap.tx.SelectContext(ctx, &reservers, `SELECT viewer_id FROM reservations WHERE tenant_id = ? AND session_id = ? ORDER BY id`,
		sig.TenantID, sig.SessionID); err != nil {
		return fmt.Errorf("crm: reservers: %w", err)
	}
	done := map[int64]bool{}
	for _, v := range reservers {
		r, err := ap.viewer(ctx, sig.TenantID, v)
		if err != nil {
			return err
		}
		if r == nil || done[r.ID] || r.gone() {
			continue
		}
		done[r.ID] = true
		came, err := ap.attended(ctx, r, sig.SessionID)
		if err != nil {
			return err
		}
		if !came {
			r.NoShows++
			ap.mark(r)
		}
	}
	return nil
}

// attended reports whether a profile came to a session: recorded by the CRM, or in
// the room's presence under any of its viewer accounts (the room commits presence
// before a session ends; the CRM may not have applied it yet).
func (ap *applier) attended(ctx context.Context, r *custRow, sessionID int64) (bool, error) {
	var n int
	err := ap.tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM customer_sessions WHERE tenant_id = ? AND customer_id = ? AND session_id = ?`,
		r.TenantID, r.ID, sessionID)
	if err != nil {
		return false, fmt.Errorf("crm: attended: %w", err)
	}
	if n > 0 {
		return true, nil
	}
	err = ap.tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM room_presence p JOIN customer_identities i
		ON i.tenant_id = p.tenant_id AND i.kind = ? AND i.ref_id = p.viewer_id
		WHERE p.tenant_id = ? AND p.session_id = ? AND i.customer_id = ?`, KindViewer, r.TenantID, sessionID, r.ID)
	if err != nil {
		return false, fmt.Errorf("crm: attended: %w", err)
	}
	return n > 0, nil
}
