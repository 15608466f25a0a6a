package coupon

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/offer"
	"github.com/siyu-live/siyu/internal/webhook"
)

// EventIssued is the webhook sent when a host issues a coupon.
const EventIssued = "coupon.issued"

func init() { webhook.RegisterEventType(EventIssued) }

// Audit actions of this domain, for the console's catalog.
const (
	AuditIssue = "promo.coupon.issue"
	AuditStop  = "promo.coupon.stop"
)

// AuditActions lists the audit actions this domain records.
var AuditActions = []string{AuditIssue, AuditStop}

// Options are the collaborators of a Service; all are optional in tests.
type Options struct {
	Now      func() time.Time     // injected clock; time.Now when nil
	Events   promo.EventPublisher // webhooks; nil sends none
	Notifier promo.RoomNotifier   // room events; nil sends none (SetNotifier wires it later)
	Logger   *slog.Logger
}

// Service issues, claims and redeems coupons. It implements commerce.CouponRedeemer.
// It is safe for concurrent use and holds no state of its own besides the store.
type Service struct {
	store  *db.DB
	now    func() time.Time
	events promo.EventPublisher
	room   *offer.Room
	log    *slog.Logger
}

// NewService builds the coupon service.
func NewService(store *db.DB, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	s := &Service{store: store, now: opt.Now, events: opt.Events, log: opt.Logger.With("component", "coupon")}
	s.room = offer.NewRoom(opt.Notifier, s.log)
	return s
}

// SetNotifier wires the room engine in after both are built; nil disconnects it.
func (s *Service) SetNotifier(n promo.RoomNotifier) { s.room.Set(n) }

// broadcast sends the coupon to its room after commit, logging (never returning)
// failures: the coupon is stored and viewers can read it back.
func (s *Service) broadcast(c Coupon) {
	s.room.Broadcast(c.SessionID, Event{Type: "coupon", Coupon: c})
}

// target names a coupon in the audit trail.
func target(id int64) string { return fmt.Sprintf("coupon:%d", id) }

// Issue creates a coupon in a live session and announces it in the room.
func (s *Service) Issue(ctx context.Context, p org.Principal, sessionID int64, in Input) (Coupon, error) {
	if err := offer.Need(p, org.PermPromoManage, "issue coupons"); err != nil {
		return Coupon{}, err
	}
	if err := in.check(); err != nil {
		return Coupon{}, err
	}
	now := s.now()
	var out Coupon
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := offer.LiveSession(ctx, tx, "coupon", p.TenantID, sessionID,
			"start the live before issuing coupons"); err != nil {
			return err
		}
		if in.ProductID > 0 {
			if err := checkProduct(ctx, tx, p.TenantID, in.ProductID); err != nil {
				return err
			}
		}
		id, err := db.Insert(ctx, tx, `INSERT INTO coupons (tenant_id, session_id, created_by, name, discount_fen, min_spend_fen,
			product_id, quantity, valid_minutes, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.TenantID, sessionID, p.UserID, in.Name, in.Discount, in.MinSpend, in.ProductID, in.Quantity, in.ValidMinutes,
			now.Add(time.Duration(in.ValidMinutes)*time.Minute).UnixMilli(), now.UnixMilli())
		if err != nil {
			return fmt.Errorf("coupon: issue: %w", err)
		}
		r, err := getCoupon(ctx, tx, p.TenantID, id)
		if err != nil {
			return err
		}
		out = r.coupon()
		if err := offer.Publish(ctx, s.events, tx, p.TenantID, EventIssued, out); err != nil {
			return err
		}
		return offer.Audit(ctx, tx, s.now(), p, AuditIssue, target(id), fmt.Sprintf("%s: %s off from %s, %d coupons", in.Name,
			Yuan(in.Discount), Yuan(in.MinSpend), in.Quantity))
	})
	if err != nil {
		return Coupon{}, err
	}
	s.broadcast(out)
	return out, nil
}

// StopCoupon ends claiming of a coupon; coupons already claimed stay usable until
// they expire. Stopping a stopped coupon answers it unchanged.
func (s *Service) StopCoupon(ctx context.Context, p org.Principal, id int64) (Coupon, error) {
	if err := offer.Need(p, org.PermPromoManage, "stop coupons"); err != nil {
		return Coupon{}, err
	}
	var out Coupon
	changed := false
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE coupons SET status = ?, stopped_at = ? WHERE tenant_id = ? AND id = ? AND status = ?`,
			StatusStopped, s.now().UnixMilli(), p.TenantID, id, StatusActive)
		if err != nil {
			return fmt.Errorf("coupon: stop: %w", err)
		}
		r, err := getCoupon(ctx, tx, p.TenantID, id)
		if err != nil {
			return err
		}
		out = r.coupon()
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		changed = true
		return offer.Audit(ctx, tx, s.now(), p, AuditStop, target(id), r.Name)
	})
	if err == nil && changed {
		s.broadcast(out)
	}
	return out, err
}

// Coupon returns one coupon of the caller's tenant (staff).
func (s *Service) Coupon(ctx context.Context, p org.Principal, id int64) (Coupon, error) {
	r, err := getCoupon(ctx, s.store, p.TenantID, id)
	return r.coupon(), err
}

// Coupons lists a session's coupons, newest first (staff).
func (s *Service) Coupons(ctx context.Context, p org.Principal, sessionID int64) ([]Coupon, error) {
	if _, err := offer.Session(ctx, s.store, "coupon", p.TenantID, sessionID); err != nil {
		return nil, err
	}
	var rows []couponRow
	if err := s.store.SelectContext(ctx, &rows, `SELECT `+couponCols+couponFrom+` WHERE c.tenant_id = ? AND c.session_id = ?
		ORDER BY c.id DESC LIMIT 200`, p.TenantID, sessionID); err != nil {
		return nil, fmt.Errorf("coupon: list: %w", err)
	}
	out := make([]Coupon, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.coupon())
	}
	return out, nil
}

// checkProduct checks that a coupon's product is an active product of the tenant.
func checkProduct(ctx context.Context, q db.Querier, tenantID, id int64) error {
	var status string
	err := q.GetContext(ctx, &status, `SELECT status FROM products WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return &siyu.Error{Code: siyu.ENOTFOUND, Field: "product_id", Message: fmt.Sprintf("product %d not found", id)}
	} else if err != nil {
		return fmt.Errorf("coupon: product: %w", err)
	}
	if status != "active" {
		return siyu.Invalid("product_id", "product %d is %s; restore it before issuing a coupon for it", id, status)
	}
	return nil
}
