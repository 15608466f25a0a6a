package flashsale

import (
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/promo/offer"
)

// Sale statuses as clients see them. Only "ended" is stored (ended_at); the others
// follow from the clock and the counters, so a scheduled sale starts on time even if
// its start job runs late.
const (
	StatusScheduled = "scheduled"
	StatusRunning   = "running"
	StatusSoldOut   = "sold_out"
	StatusEnded     = "ended"
)

// Error codes of this domain (409 conflicts, as CONTRACT.md names them).
const (
	ErrSoldOut      = "sold_out"
	ErrLimitReached = "limit_reached"
	ErrNotStarted   = "not_started"
	ErrSaleEnded    = "sale_ended"
	ErrNotSoldOut   = "not_sold_out"
)

// Bounds of a launch.
const (
	// MaxStock bounds one sale's units, so an owner's memory stays small.
	MaxStock = 1_000_000
	// MaxPerUserLimit is commerce's bound on one order line.
	MaxPerUserLimit = 999
	// MaxDuration bounds duration_seconds: a sale belongs to one live show.
	MaxDuration = 7 * 24 * time.Hour
	// MaxLeadTime bounds how far ahead starts_at may be.
	MaxLeadTime = 7 * 24 * time.Hour
	// startSlack accepts a starts_at slightly in the past (the host's clock, network
	// delay) and treats it as now.
	startSlack = time.Minute
)

// FlashSale is a sale as staff and viewers read it. Sold counts units in live (not
// cancelled or refunded) orders, Paid those of them that are paid, StockLeft is
// Stock − Sold; Returned is what went back to the SKU when the sale ended (plus
// units of orders released after that), and Waitlist how many viewers wait.
type FlashSale struct {
	ID            int64      `json:"id"`
	SessionID     int64      `json:"session_id"`
	ProductID     int64      `json:"product_id"`
	SKUID         int64      `json:"sku_id"`
	ProductName   string     `json:"product_name"`
	SKUName       string     `json:"sku_name"`
	Image         string     `json:"image"`
	OriginalPrice int64      `json:"original_price"`
	Price         int64      `json:"price"`
	Stock         int64      `json:"stock"`
	Sold          int64      `json:"sold"`
	Paid          int64      `json:"paid"`
	StockLeft     int64      `json:"stock_left"`
	Returned      int64      `json:"returned"`
	PerUserLimit  int64      `json:"per_user_limit"`
	StartsAt      time.Time  `json:"starts_at"`
	EndsAt        *time.Time `json:"ends_at"`
	EndedAt       *time.Time `json:"ended_at,omitempty"`
	Status        string     `json:"status"`
	Waitlist      int64      `json:"waitlist"`
	CreatedAt     time.Time  `json:"created_at"`
}

// ViewerSale is a sale as one viewer reads it: with what they hold and where they wait.
type ViewerSale struct {
	FlashSale
	MyQuantity         int64 `json:"my_quantity"`
	MyWaitlistPosition int64 `json:"my_waitlist_position"` // 0 = not waiting
}

// Input is the body of POST /api/v1/sessions/{id}/flash-sales. StartsAt nil starts
// now; DurationSeconds 0 runs until the host ends the sale or the session ends.
type Input struct {
	ProductID       int64      `json:"product_id"`
	SKUID           int64      `json:"sku_id,omitempty"`
	Price           int64      `json:"price"`
	Stock           int64      `json:"stock"`
	PerUserLimit    int64      `json:"per_user_limit"`
	StartsAt        *time.Time `json:"starts_at,omitempty"`
	DurationSeconds int64      `json:"duration_seconds,omitempty"`
}

// check validates what does not need the product; price and stock against the SKU
// are checked at launch.
func (in Input) check() error {
	switch {
	case in.ProductID <= 0:
		return siyu.Invalid("product_id", "product_id is required")
	case in.SKUID < 0:
		return siyu.Invalid("sku_id", "sku_id must be a variant id of the product")
	case in.Price < 1:
		return siyu.Invalid("price", "price must be at least 1 fen")
	case in.Stock < 1 || in.Stock > MaxStock:
		return siyu.Invalid("stock", "stock must be between 1 and %d units", MaxStock)
	case in.PerUserLimit < 1 || in.PerUserLimit > MaxPerUserLimit:
		return siyu.Invalid("per_user_limit", "per_user_limit must be between 1 and %d", MaxPerUserLimit)
	case in.DurationSeconds < 0 || in.DurationSeconds > int64(MaxDuration/time.Second):
		return siyu.Invalid("duration_seconds", "duration_seconds must be between 1 and %d (or left out: until ended)",
			int64(MaxDuration/time.Second))
	}
	return nil
}

// BuyInput is the body of POST /api/v1/flash-sales/{id}/orders; an empty body buys one.
type BuyInput struct {
	Quantity int64 `json:"quantity"`
}

// BuyResult answers a purchase: the unpaid order at the sale price, committed before
// the answer. The buyer pays it through the viewer order routes.
type BuyResult struct {
	OrderID  int64 `json:"order_id"`
	Quantity int64 `json:"quantity"`
	Total    int64 `json:"total"`
}

// WaitlistPosition answers joining the waitlist: 1 is next in line.
type WaitlistPosition struct {
	Position int64 `json:"position"`
}

// SaleEvent is the room event on launch, start, sold out, end and stock changes.
type SaleEvent struct {
	Type string    `json:"type"` // flash_sale
	Sale FlashSale `json:"sale"`
}

// ClaimEvent tells one waitlisted viewer that returned units were reserved for them
// as an unpaid order.
type ClaimEvent struct {
	Type     string `json:"type"` // flash_sale_claim
	SaleID   int64  `json:"sale_id"`
	OrderID  int64  `json:"order_id"`
	Quantity int64  `json:"quantity"`
}

// EndedEvent is the data of the flash_sale.ended webhook: the sale as it ended and the
// units that went back to the SKU.
type EndedEvent struct {
	FlashSale
	Reason string `json:"reason"` // host, duration, session_ended
}

// status derives the client-visible status at now (unix ms).
func (r saleRow) status(now int64) string {
	switch {
	case r.EndedAt > 0 || (r.EndsAt > 0 && now >= r.EndsAt):
		return StatusEnded
	case now < r.StartsAt:
		return StatusScheduled
	case r.Sold >= r.Stock:
		return StatusSoldOut
	}
	return StatusRunning
}

func (r saleRow) sale(now int64) FlashSale {
	f := FlashSale{ID: r.ID, SessionID: r.SessionID, ProductID: r.ProductID, SKUID: r.SKUID, ProductName: r.ProductName,
		SKUName: r.SKUName, Image: r.Image, OriginalPrice: r.OriginalPrice, Price: r.Price, Stock: r.Stock, Sold: r.Sold,
		Paid: r.Paid, StockLeft: r.Stock - r.Sold, Returned: r.Returned, PerUserLimit: r.PerUserLimit,
		StartsAt: offer.Time(r.StartsAt), Status: r.status(now), Waitlist: r.Waiting, CreatedAt: offer.Time(r.CreatedAt)}
	if r.EndsAt > 0 {
		t := offer.Time(r.EndsAt)
		f.EndsAt = &t
	}
	if r.EndedAt > 0 {
		t := offer.Time(r.EndedAt)
		f.EndedAt = &t
	}
	return f
}
