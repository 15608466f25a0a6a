package commerce

import (
	"context"
	"fmt"
	"time"

	"github.com/siyu-live/siyu"
)

// SandboxCheckout is what the sandbox cashier page shows: the attempt, the order's
// lines and total, where it ships, and where to go back to.
type SandboxCheckout struct {
	Payment   Payment
	Order     Order
	ReturnURL string
}

// Outcomes of the sandbox cashier's three buttons.
const (
	OutcomeSuccess = "success" // 支付成功: a signed success callback
	OutcomeFail    = "fail"    // 支付失败: a signed failure callback; the order stays payable
	OutcomeTimeout = "timeout" // 超时不支付: nothing is sent; the order later expires
)

// Checkout loads the sandbox attempt with reference ref. The reference is the
// capability: it is random, shown only to the buyer, and reveals one order.
func (sb *Sandbox) Checkout(ctx context.Context, ref string) (SandboxCheckout, error) {
	pay, err := paymentByRef(ctx, sb.svc.store, SandboxName, ref)
	if err != nil {
		return SandboxCheckout{}, err
	}
	o, err := getOrder(ctx, sb.svc.store, pay.TenantID, 0, pay.OrderID)
	if err != nil {
		return SandboxCheckout{}, err
	}
	out := SandboxCheckout{Payment: pay.payment(), Order: o}
	if o.SessionID > 0 {
		out.ReturnURL = fmt.Sprintf("/live/s/%d", o.SessionID)
	}
	return out, nil
}

// Act is a click on one of the cashier's buttons. Success and failure make the
// sandbox send its signed callback through the same verification every provider's
// callback goes through (delivered in-process, so it works behind any proxy and in
// tests); timeout sends nothing. Only a pending attempt can be acted on.
func (sb *Sandbox) Act(ctx context.Context, ref, outcome string) (SandboxCheckout, error) {
	co, err := sb.Checkout(ctx, ref)
	if err != nil {
		return co, err
	}
	if co.Payment.Status != PaymentPending {
		return co, siyu.Errorf(siyu.ECONFLICT, "payment %s is already %s", ref, co.Payment.Status)
	}
	cb := CallbackResult{ProviderRef: ref, OrderID: co.Order.ID, AmountFen: co.Payment.Amount, EventID: "evt_" + randomHex(12)}
	switch outcome {
	case OutcomeSuccess:
		cb.Status = CallbackSucceeded
	case OutcomeFail:
		cb.Status, cb.Reason = CallbackFailed, "sandbox: the buyer chose 支付失败"
	case OutcomeTimeout:
		return co, nil
	default:
		return co, siyu.Invalid("outcome", "outcome must be success, fail or timeout")
	}
	req, err := sb.CallbackRequest(ctx, cb)
	if err != nil {
		return co, err
	}
	if _, err := sb.svc.HandleCallback(ctx, SandboxName, req); err != nil {
		return co, err
	}
	return sb.Checkout(ctx, ref)
}

// Remaining is how long the order behind a checkout may still be paid.
func (co SandboxCheckout) Remaining(now time.Time) time.Duration {
	if co.Order.Status != StatusCreated || !co.Order.ExpiresAt.After(now) {
		return 0
	}
	return co.Order.ExpiresAt.Sub(now)
}

// Now is the service clock, for pages that show countdowns.
func (s *Service) Now() time.Time { return s.now() }
