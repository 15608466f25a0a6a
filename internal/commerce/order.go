package commerce

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
)

// Order statuses. The state machine (SPEC §5):
//
//	created → paid → shipped → completed
//	created → cancelled   (by the buyer, or expired unpaid)
//	paid    → refunded    (full refund, before shipping)
//
// Every other move is refused with a conflict naming the current status.
const (
	StatusCreated   = "created"
	StatusPaid      = "paid"
	StatusShipped   = "shipped"
	StatusCompleted = "completed"
	StatusCancelled = "cancelled"
	StatusRefunded  = "refunded"
)

// Statuses lists every order status, for filters and documentation.
var Statuses = []string{StatusCreated, StatusPaid, StatusShipped, StatusCompleted, StatusCancelled, StatusRefunded}

// transitions is the whole state machine: to → the statuses it may be reached from.
var transitions = map[string][]string{
	StatusPaid:      {StatusCreated},
	StatusShipped:   {StatusPaid},
	StatusCompleted: {StatusShipped},
	StatusCancelled: {StatusCreated},
	StatusRefunded:  {StatusPaid},
}

// CanTransition reports whether an order may move from one status to another.
func CanTransition(from, to string) bool { return slices.Contains(transitions[to], from) }

// transitionError is the conflict for an illegal move, written for the person who
// clicked: what the order is now and what the move needs.
func transitionError(id int64, from, to string) error {
	verb := map[string]string{StatusPaid: "paid", StatusShipped: "shipped", StatusCompleted: "completed",
		StatusCancelled: "cancelled", StatusRefunded: "refunded"}[to]
	return siyu.Errorf(siyu.ECONFLICT, "order %d is %s; only a %s order can be %s", id, from,
		strings.Join(transitions[to], " or "), verb)
}

// Cancel reasons.
const (
	CancelByBuyer = "buyer"
	CancelExpired = "expired"
)

// SourceShowcase is the source of orders placed from a session's showcase; the
// in-room tools use their own (flash_sale, group_buy, comment, …).
const SourceShowcase = "showcase"

var sourceRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

func checkSource(s string) error {
	if !sourceRe.MatchString(s) {
		return siyu.Invalid("source", "source must be 1–32 lowercase letters, digits or underscores, got %q", s)
	}
	return nil
}

// Order is one purchase by a viewer. Lines keep the name and unit price at the time
// of purchase; Subtotal is their sum in fen, Discount what a coupon took off, and
// Total what the buyer pays: Subtotal − Discount, never below 1 fen.
type Order struct {
	ID            int64     `json:"id"`
	TenantID      int64     `json:"-"`
	SessionID     int64     `json:"session_id"`
	ViewerID      int64     `json:"viewer_id"`
	BuyerNickname string    `json:"buyer_nickname"`
	Status        string    `json:"status"`
	Subtotal      int64     `json:"subtotal"`
	Discount      int64     `json:"discount"`
	Total         int64     `json:"total"`
	CouponClaimID int64     `json:"coupon_claim_id,omitempty"`
	Lines         []Line    `json:"lines"`
	NeedsAddress  bool      `json:"needs_address"`
	Address       *Address  `json:"address"`
	Source        string    `json:"source"`
	SourceID      int64     `json:"source_id"`
	StockHeld     bool      `json:"stock_held"`
	Carrier       string    `json:"carrier,omitempty"`
	TrackingNo    string    `json:"tracking_no,omitempty"`
	CancelReason  string    `json:"cancel_reason,omitempty"`
	RefundReason  string    `json:"refund_reason,omitempty"`
	ExpiresAt     time.Time `json:"expires_at,omitzero"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	PaidAt        time.Time `json:"paid_at,omitzero"`
	ShippedAt     time.Time `json:"shipped_at,omitzero"`
	CompletedAt   time.Time `json:"completed_at,omitzero"`
	CancelledAt   time.Time `json:"cancelled_at,omitzero"`
	RefundedAt    time.Time `json:"refunded_at,omitzero"`
	Payments      []Payment `json:"payments,omitempty"`
}

// Line is one product and SKU of an order.
type Line struct {
	ProductID int64  `json:"product_id"`
	SKUID     int64  `json:"sku_id"`
	Name      string `json:"name"`
	SKUName   string `json:"sku_name"`
	Image     string `json:"image"`
	Price     int64  `json:"price"` // unit price, fen
	Quantity  int64  `json:"quantity"`
	Amount    int64  `json:"amount"` // price × quantity
}

// Bounds of an order.
const (
	MaxLines    = 20
	MaxQuantity = 999
)

// OrderInput is the body of POST /api/v1/sessions/{id}/orders.
type OrderInput struct {
	Lines   []LineInput `json:"lines"`
	Address *Address    `json:"address,omitempty"`
	// CouponClaimID redeems one of the buyer's claimed coupons on this order.
	CouponClaimID int64 `json:"coupon_claim_id,omitempty"`
}

// LineInput names what to buy; sku_id may be left out when the product has one SKU.
type LineInput struct {
	ProductID int64 `json:"product_id"`
	SKUID     int64 `json:"sku_id,omitempty"`
	Quantity  int64 `json:"quantity"`
}

// Buyer is the viewer placing or reading orders, from a viewer token. Commerce takes
// this small value instead of importing the live domain.
type Buyer struct {
	TenantID  int64
	ViewerID  int64
	SessionID int64
}

// NewOrder is what CreateOrderTx needs. Callers that reserved their own stock (a
// flash sale with its own counter) set StockHeld so commerce leaves product stock
// alone; they get it back through their OnRelease hook.
type NewOrder struct {
	TenantID  int64
	SessionID int64 // 0 when the order is not tied to a session
	ViewerID  int64
	Lines     []NewLine
	Address   *Address // optional; required before payment when goods are physical
	Source    string   // showcase, flash_sale, group_buy, comment, …
	SourceID  int64    // the flash sale, group, … that made the order
	StockHeld bool
	// ExpiresAfter overrides the tenant's OrderExpiryMinutes (a flash sale may want
	// its unpaid orders back sooner); 0 uses the setting.
	ExpiresAfter time.Duration
	// CouponClaimID redeems the buyer's coupon claim through the CouponRedeemer in
	// the order's transaction; 0 uses none.
	CouponClaimID int64
}

// NewLine is one line of a NewOrder. Price overrides the SKU's price (a flash-sale
// or group-buy price, in fen); 0 charges the SKU's current price.
type NewLine struct {
	ProductID int64
	SKUID     int64
	Quantity  int64
	Price     int64
}

func (in NewOrder) check() error {
	if in.TenantID <= 0 || in.ViewerID <= 0 {
		return siyu.Errorf(siyu.EINVALID, "an order needs a tenant and a buyer")
	}
	if err := checkSource(in.Source); err != nil {
		return err
	}
	if len(in.Lines) == 0 {
		return siyu.Invalid("lines", "lines are required: at least one product")
	}
	if len(in.Lines) > MaxLines {
		return siyu.Invalid("lines", "an order has at most %d lines", MaxLines)
	}
	for i, l := range in.Lines {
		field := fmt.Sprintf("lines[%d]", i)
		if l.ProductID <= 0 {
			return siyu.Invalid(field+".product_id", "%s.product_id is required", field)
		}
		if l.Quantity < 1 || l.Quantity > MaxQuantity {
			return siyu.Invalid(field+".quantity", "%s.quantity must be between 1 and %d", field, MaxQuantity)
		}
		if l.Price != 0 {
			if err := checkPrice(field+".price", l.Price); err != nil {
				return err
			}
		}
	}
	if in.ExpiresAfter < 0 {
		return siyu.Invalid("expires_after", "expires_after must not be negative")
	}
	if in.CouponClaimID < 0 {
		return siyu.Invalid("coupon_claim_id", "coupon_claim_id must be the id of one of your coupons")
	}
	return nil
}
