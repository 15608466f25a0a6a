package commerce

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

// provider returns the named provider, or the default one (the sandbox, else the
// only one configured) for an empty name.
func (s *Service) provider(name string) (Provider, error) {
	if name == "" {
		if s.sandbox != nil {
			return s.sandbox, nil
		}
		if len(s.providers) == 1 {
			for _, p := range s.providers {
				return p, nil
			}
		}
		return nil, siyu.Invalid("provider", "provider is required: choose one of %s", strings.Join(s.providerNames(), ", "))
	}
	p, ok := s.providers[name]
	if !ok {
		return nil, siyu.Invalid("provider", "unknown payment provider %q (configured: %s)", name, strings.Join(s.providerNames(), ", "))
	}
	return p, nil
}

func (s *Service) providerNames() []string {
	var out []string
	for n := range s.providers {
		out = append(out, n)
	}
	return out
}

// Pay starts (or resumes) paying one of the buyer's orders: the order must be
// created, unexpired and, for physical goods, have a delivery address. A pending
// attempt with the same provider is reused, so a double tap opens one cashier.
func (s *Service) Pay(ctx context.Context, b Buyer, id int64, in PayInput) (PayResult, error) {
	prov, err := s.provider(in.Provider)
	if err != nil {
		return PayResult{}, err
	}
	o, err := getOrder(ctx, s.store, b.TenantID, b.ViewerID, id)
	if err != nil {
		return PayResult{}, err
	}
	if o.Status != StatusCreated {
		return PayResult{}, transitionError(o.ID, o.Status, StatusPaid)
	}
	if !s.now().Before(o.ExpiresAt) {
		if err := s.expire(ctx, o.TenantID, o.ID); err != nil {
			return PayResult{}, err
		}
		return PayResult{}, siyu.Errorf(siyu.ECONFLICT, "order %d expired unpaid; place a new order", o.ID)
	}
	if o.NeedsAddress && o.Address == nil {
		return PayResult{}, siyu.Invalid("address", "set a delivery address before paying (PUT /api/v1/viewer/orders/%d/address)", o.ID)
	}
	payments, err := listPayments(ctx, s.store, b.TenantID, id)
	if err != nil {
		return PayResult{}, err
	}
	for i := len(payments) - 1; i >= 0; i-- {
		if p := payments[i]; p.Status == PaymentPending && p.Provider == prov.Name() && p.Amount == o.Total {
			return PayResult{PayURL: p.PayURL, Payment: p}, nil
		}
	}
	req := PaymentRequest{TenantID: o.TenantID, OrderID: o.ID, AmountFen: o.Total, Description: describe(o),
		NotifyURL: s.base + "/api/v1/payments/" + prov.Name() + "/callback", ExpiresAt: o.ExpiresAt}
	if o.SessionID > 0 {
		req.ReturnURL = fmt.Sprintf("%s/live/s/%d", s.base, o.SessionID)
	}
	intent, err := prov.CreatePayment(ctx, req)
	if err != nil {
		return PayResult{}, fmt.Errorf("commerce: %s: create payment for order %d: %w", prov.Name(), o.ID, err)
	}
	now := s.now().UnixMilli()
	pid, err := db.Insert(ctx, s.store, `INSERT INTO payments (tenant_id, order_id, provider, provider_ref, amount_fen, status,
		pay_url, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, o.TenantID, o.ID, prov.Name(), intent.ProviderRef,
		o.Total, PaymentPending, intent.PayURL, now, now)
	if err != nil {
		return PayResult{}, fmt.Errorf("commerce: store payment: %w", err)
	}
	p := Payment{ID: pid, OrderID: o.ID, Provider: prov.Name(), ProviderRef: intent.ProviderRef, Amount: o.Total,
		Status: PaymentPending, PayURL: intent.PayURL, CreatedAt: msTime(now), UpdatedAt: msTime(now)}
	return PayResult{PayURL: intent.PayURL, Payment: p}, nil
}

// describe is the cashier's subject line: the first product and how many more.
func describe(o Order) string {
	if len(o.Lines) == 0 {
		return fmt.Sprintf("订单 %d", o.ID)
	}
	d := o.Lines[0].Name
	if len(o.Lines) > 1 {
		d += fmt.Sprintf(" 等 %d 件商品", len(o.Lines))
	}
	return d
}

// HandleCallback verifies a provider's notification and applies it: a success marks
// the order paid exactly once, a failure records the failed attempt and leaves the
// order payable. A wrong amount or order is refused; a redelivered event (same event
// id) is answered without changing anything.
func (s *Service) HandleCallback(ctx context.Context, provider string, r *http.Request) (CallbackResult, error) {
	prov, ok := s.providers[provider]
	if !ok {
		return CallbackResult{}, siyu.Errorf(siyu.ENOTFOUND, "payment provider %q is not configured", provider)
	}
	res, err := prov.VerifyCallback(r)
	if err != nil {
		return res, err
	}
	return res, s.applyCallback(ctx, prov.Name(), res)
}

func (s *Service) applyCallback(ctx context.Context, provider string, res CallbackResult) error {
	if res.EventID == "" {
		return siyu.Invalid("event_id", "event_id is required")
	}
	if res.Status != CallbackSucceeded && res.Status != CallbackFailed {
		return siyu.Invalid("status", "status must be succeeded or failed")
	}
	return s.store.Tx(ctx, func(tx *db.Tx) error {
		pay, err := paymentByRef(ctx, tx, provider, res.ProviderRef)
		if err != nil {
			return err
		}
		if res.OrderID != pay.OrderID {
			return siyu.Invalid("order_id", "callback is for order %d but payment %s belongs to order %d", res.OrderID, res.ProviderRef, pay.OrderID)
		}
		if res.AmountFen != pay.Amount {
			return siyu.Invalid("amount", "callback amount %d does not match the %d fen of payment %s", res.AmountFen, pay.Amount, res.ProviderRef)
		}
		now := s.now().UnixMilli()
		if fresh, err := recordEvent(ctx, tx, provider, res.EventID, pay.ID, res.Status, now); err != nil || !fresh {
			return err // a redelivery: already applied
		}
		if res.Status == CallbackFailed {
			reason := strings.TrimSpace(res.Reason)
			if reason == "" {
				reason = "the provider reported a failure"
			}
			_, err := finishPayment(ctx, tx, pay.ID, PaymentFailed, reason, now, PaymentPending)
			return err
		}
		if won, err := finishPayment(ctx, tx, pay.ID, PaymentSucceeded, "", now, PaymentPending, PaymentFailed); err != nil || !won {
			return err // already succeeded through another notification
		}
		o, err := getOrder(ctx, tx, pay.TenantID, 0, pay.OrderID)
		if err != nil {
			return err
		}
		if o.Status != StatusCreated {
			s.log.Warn("money arrived for an order that can no longer be paid; refund it by hand",
				"order", o.ID, "status", o.Status, "payment", pay.ProviderRef, "amount", pay.Amount)
			_, err := finishPayment(ctx, tx, pay.ID, PaymentOrphaned, "order was "+o.Status+" when the money arrived", now, PaymentSucceeded)
			return err
		}
		_, err = s.markPaid(ctx, tx, o)
		return err
	})
}

// markPaid moves o to paid in tx: sold counts up, the expiry job off, the source's
// paid hooks and the order.paid webhook.
func (s *Service) markPaid(ctx context.Context, tx *db.Tx, o Order) (Order, error) {
	after, err := s.move(ctx, tx, o, StatusPaid)
	if err != nil {
		return after, err
	}
	for _, l := range after.Lines {
		if _, err := tx.ExecContext(ctx, `UPDATE product_skus SET sold = sold + ? WHERE tenant_id = ? AND id = ?`,
			l.Quantity, o.TenantID, l.SKUID); err != nil {
			return after, fmt.Errorf("commerce: count sale: %w", err)
		}
	}
	if s.queue != nil {
		if err := s.queue.Cancel(ctx, tx, expireKey(o.ID)); err != nil {
			return after, err
		}
	}
	if err := s.runHooks(ctx, tx, s.onPaid, after); err != nil {
		return after, err
	}
	return after, s.event(ctx, tx, o.TenantID, EventOrderPaid, after)
}
