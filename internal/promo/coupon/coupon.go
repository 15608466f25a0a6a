// Package coupon runs the coupons (优惠券) a host issues in a live session: a fixed
// quantity, one claim per viewer, valid for some minutes, with a minimum spend and an
// optional product restriction; a claim is redeemed at checkout.
//
// Decisions worth knowing:
//   - A claim is one transaction: insert the claim (unique per coupon and viewer)
//     and take one from the coupon with a guarded increment (claimed < quantity,
//     active, unexpired); a CHECK (claimed <= quantity) makes "never more claims
//     than coupons" a database fact on both engines.
//   - The coupon's validity starts when it is issued: every claim of it expires at
//     the coupon's expires_at. Stopping a coupon ends claiming only; coupons already
//     claimed stay usable until they expire, because the viewer was promised them.
//   - Checkout goes through commerce.CouponRedeemer: Redeem runs in the order's
//     transaction (owner, unused, unexpired, min spend on the subtotal, product) and
//     marks the claim used by that order; Restore, in the cancel or expiry
//     transaction, makes it unused again. A refund keeps it used (see commerce).
//   - Room events: {"type":"coupon","coupon":Coupon} when issued and stopped, after
//     commit; a failed broadcast never fails the change. Webhook coupon.issued.
package coupon

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
)

// Coupon statuses.
const (
	StatusActive  = "active"
	StatusStopped = "stopped"
)

// Claim statuses; expired is never stored, it is an unused claim past expires_at.
const (
	ClaimUnused  = "unused"
	ClaimUsed    = "used"
	ClaimExpired = "expired"
)

// Error codes of claiming (409, CONTRACT-style).
const (
	ErrGone           = "coupons_gone"
	ErrAlreadyClaimed = "already_claimed"
	ErrStopped        = "coupon_stopped"
	ErrExpired        = "coupon_expired"
)

// Bounds of a coupon (ours). Money is fen: a discount of up to 10,000 yuan.
const (
	DefaultValidMinutes = 1440 // one day
	MaxValidMinutes     = 30 * 1440
	MaxQuantity         = 100_000
	MaxDiscountFen      = 1_000_000
	MaxMinSpendFen      = 100_000_000
	maxNameRunes        = 30
)

// Input is the body of POST /api/v1/sessions/{id}/coupons.
type Input struct {
	Name     string `json:"name"`      // shown on the coupon, 1–30 characters
	Discount int64  `json:"discount"`  // fen taken off the order
	MinSpend int64  `json:"min_spend"` // fen the order's subtotal must reach; 0 = none
	Quantity int64  `json:"quantity"`  // how many viewers may claim it
	// ValidMinutes is how long the coupon (and every claim of it) can be used, from
	// now; 1440 (a day) when absent.
	ValidMinutes int64 `json:"valid_minutes,omitempty"`
	// ProductID restricts the coupon to orders containing that product.
	ProductID int64 `json:"product_id,omitempty"`
}

func (in *Input) check() error {
	name := strings.TrimSpace(in.Name)
	if name == "" {
		return siyu.Invalid("name", "name is required: what the viewer sees on the coupon")
	}
	if !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxNameRunes {
		return siyu.Invalid("name", "name must be at most %d characters", maxNameRunes)
	}
	in.Name = name
	if in.Discount < 1 || in.Discount > MaxDiscountFen {
		return siyu.Invalid("discount", "discount must be between 1 and %d fen, got %d", MaxDiscountFen, in.Discount)
	}
	if in.MinSpend < 0 || in.MinSpend > MaxMinSpendFen {
		return siyu.Invalid("min_spend", "min_spend must be between 0 and %d fen, got %d", MaxMinSpendFen, in.MinSpend)
	}
	if in.MinSpend > 0 && in.Discount >= in.MinSpend {
		return siyu.Invalid("discount", "discount (%s) must be below min_spend (%s), or the order would be almost free",
			Yuan(in.Discount), Yuan(in.MinSpend))
	}
	if in.Quantity < 1 || in.Quantity > MaxQuantity {
		return siyu.Invalid("quantity", "quantity must be between 1 and %d, got %d", MaxQuantity, in.Quantity)
	}
	switch {
	case in.ValidMinutes == 0:
		in.ValidMinutes = DefaultValidMinutes
	case in.ValidMinutes < 1 || in.ValidMinutes > MaxValidMinutes:
		return siyu.Invalid("valid_minutes", "valid_minutes must be between 1 and %d, got %d", MaxValidMinutes, in.ValidMinutes)
	}
	if in.ProductID < 0 {
		return siyu.Invalid("product_id", "product_id must be a product of yours")
	}
	return nil
}

// Coupon is a coupon as staff and viewers see it. ProductID is null for a coupon
// valid on any product; ClaimedByMe is set on viewer reads only.
type Coupon struct {
	ID           int64     `json:"id"`
	SessionID    int64     `json:"session_id"`
	Name         string    `json:"name"`
	Discount     int64     `json:"discount"`
	MinSpend     int64     `json:"min_spend"`
	ProductID    *int64    `json:"product_id"`
	ProductName  string    `json:"product_name,omitempty"`
	Quantity     int64     `json:"quantity"`
	Claimed      int64     `json:"claimed"`
	Used         int64     `json:"used"`
	ValidMinutes int64     `json:"valid_minutes"`
	ExpiresAt    time.Time `json:"expires_at"`
	Status       string    `json:"status"`
	CreatedAt    time.Time `json:"created_at"`
	ClaimedByMe  *bool     `json:"claimed_by_me,omitempty"`
}

// Claim is one viewer's claimed coupon. OrderID is the order that used it.
type Claim struct {
	ID          int64     `json:"id"`
	CouponID    int64     `json:"coupon_id"`
	Name        string    `json:"name"`
	Discount    int64     `json:"discount"`
	MinSpend    int64     `json:"min_spend"`
	ProductID   *int64    `json:"product_id"`
	ProductName string    `json:"product_name,omitempty"`
	ExpiresAt   time.Time `json:"expires_at"`
	Status      string    `json:"status"`
	OrderID     int64     `json:"order_id,omitempty"`
	ClaimedAt   time.Time `json:"claimed_at"`
}

// Event is the room event sent when a coupon is issued or stopped.
type Event struct {
	Type   string `json:"type"` // coupon
	Coupon Coupon `json:"coupon"`
}

// Yuan formats fen for people: 1234 → "¥12.34", 1200 → "¥12".
func Yuan(fen int64) string {
	if fen%100 == 0 {
		return fmt.Sprintf("¥%d", fen/100)
	}
	return fmt.Sprintf("¥%d.%02d", fen/100, fen%100)
}
