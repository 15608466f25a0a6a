package commerce

import (
	"context"
	"net/http"
	"time"
)

// Provider is a payment service (the sandbox today; WeChat Pay and Alipay next). The
// three calls are what every Chinese payment API has in common, which is why the
// interface is this small:
//
//   - CreatePayment registers an attempt with the provider and returns where the
//     buyer pays: a cashier URL (Alipay page pay, the sandbox page) or a QR/deeplink
//     (WeChat Native code_url). ProviderRef is the provider-side reference that its
//     callbacks carry back; an adapter may use its own out_trade_no here. It is called
//     outside any database transaction, because it is a network call.
//   - VerifyCallback authenticates an asynchronous notification (WeChat's signed
//     JSON with encrypted resource, Alipay's RSA2-signed form, the sandbox's HMAC) and
//     decodes it. It must reject anything it cannot verify; the service then checks
//     the amount against the stored attempt and de-duplicates on EventID, so an
//     adapter stays a pure translator with no database access.
//   - Name keys the provider in routes and in stored payment rows.
type Provider interface {
	Name() string
	CreatePayment(ctx context.Context, req PaymentRequest) (PaymentIntent, error)
	VerifyCallback(r *http.Request) (CallbackResult, error)
}

// Refunder is implemented by providers that can return money through their API.
// Refunds are full (one per order), so adapters can use the order id as the
// idempotent refund number: calling Refund twice refunds once.
type Refunder interface {
	Refund(ctx context.Context, req RefundRequest) error
}

// PaymentRequest is one payment attempt for an order.
type PaymentRequest struct {
	TenantID    int64
	OrderID     int64
	AmountFen   int64
	Description string    // shown by the provider's cashier (WeChat/Alipay "subject")
	NotifyURL   string    // where the provider sends callbacks
	ReturnURL   string    // where the buyer's browser goes back after paying
	ExpiresAt   time.Time // the order's expiry: the provider should refuse to take money after it
}

// PaymentIntent is the provider's answer to CreatePayment.
type PaymentIntent struct {
	ProviderRef string
	PayURL      string
}

// Callback statuses a provider reports.
const (
	CallbackSucceeded = "succeeded"
	CallbackFailed    = "failed"
)

// CallbackResult is a verified provider notification. EventID is unique per
// notification (a redelivery carries the same one), so processing is idempotent.
type CallbackResult struct {
	ProviderRef string `json:"provider_ref"`
	OrderID     int64  `json:"order_id"`
	AmountFen   int64  `json:"amount"`
	Status      string `json:"status"` // succeeded or failed
	EventID     string `json:"event_id"`
	Reason      string `json:"reason,omitempty"` // why a payment failed
}

// RefundRequest returns the whole amount of a paid order.
type RefundRequest struct {
	TenantID    int64
	OrderID     int64
	ProviderRef string
	AmountFen   int64
	Reason      string
}

// Payment attempt statuses. Orphaned means money arrived for an order that could no
// longer be paid (expired, cancelled or paid by another attempt): staff refund it by
// hand, and the order is left as it was.
const (
	PaymentPending   = "pending"
	PaymentSucceeded = "succeeded"
	PaymentFailed    = "failed"
	PaymentRefunded  = "refunded"
	PaymentOrphaned  = "orphaned"
)

// Payment is one stored attempt to pay an order with a provider.
type Payment struct {
	ID          int64     `json:"id"`
	OrderID     int64     `json:"order_id"`
	Provider    string    `json:"provider"`
	ProviderRef string    `json:"provider_ref"`
	Amount      int64     `json:"amount"`
	Status      string    `json:"status"`
	PayURL      string    `json:"pay_url"`
	FailReason  string    `json:"fail_reason,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	FinishedAt  time.Time `json:"finished_at,omitzero"`
}

// PayInput is the optional body of POST /api/v1/viewer/orders/{id}/pay.
type PayInput struct {
	Provider string `json:"provider,omitempty"` // sandbox unless another provider is configured
}

// PayResult tells the buyer where to pay.
type PayResult struct {
	PayURL  string  `json:"pay_url"`
	Payment Payment `json:"payment"`
}
