// Package commentbuy runs comment-to-buy (评论下单): staff arm a keyword ("+1") for a
// product's SKU in a live session, and a viewer whose comment equals the keyword gets
// an unpaid order (source "comment") drafted for them, announced to them alone with
// {"type":"order_draft"}.
//
// Decisions worth knowing:
//   - Matching is on normalised text: trimmed, NFKC (so full-width "＋１" is "+1"),
//     lower-cased, inner runs of spaces made one. One active offer per normalised
//     keyword in a session (a partial unique index), so one comment drafts one order.
//   - The room tells the service about each stored viewer comment (room.CommentWatcher)
//     on its own goroutine; OnComment only queues it. A few workers (a viewer always
//     on the same one, so a viewer's comments are handled in order) match it against
//     the session's active offers, cached per session for a second and dropped at
//     once when an offer is armed or stopped on this node, and draft in a transaction.
//     A full queue spills into a goroutine instead of blocking the room or dropping
//     the comment; Stop waits for everything queued.
//   - One draft per viewer per offer while it is unpaid: comment_buy_drafts holds each
//     viewer's latest draft and is replaced by compare-and-set on its order id, so two
//     "+1"s racing (even on two nodes) make one order. A paid or cancelled draft lets
//     the next "+1" draft again.
//   - The draft transaction bumps the offer's draft count guarded by status = active
//     and checks the session is live, so stopping an offer (or ending the live) stops
//     drafts exactly; commerce reserves the stock in the same transaction. Without
//     stock the viewer gets {"type":"order_draft_failed","keyword","reason":"sold_out",
//     "message"} instead.
package commentbuy

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/commerce"
)

// Offer statuses.
const (
	StatusActive  = "active"
	StatusStopped = "stopped"
)

// SourceComment is the commerce source of drafted orders; SourceID is the offer.
const SourceComment = "comment"

// ErrKeywordInUse refuses arming a keyword already armed in the session (409).
const ErrKeywordInUse = "keyword_in_use"

// MaxKeywordRunes bounds a keyword (ours): a comment, not a sentence.
const MaxKeywordRunes = 20

// Normalize is the form comments and keywords are compared in: trimmed, NFKC
// (full-width letters, digits and signs become ASCII), lower-case, inner whitespace
// collapsed to one space. "  ＋１ " and "+1" are equal.
func Normalize(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// Input is the body of POST /api/v1/sessions/{id}/comment-buys.
type Input struct {
	Keyword   string `json:"keyword"`          // what viewers comment, e.g. "+1"
	ProductID int64  `json:"product_id"`       // what they get
	SKUID     int64  `json:"sku_id,omitempty"` // required when the product has several SKUs
	// Price is a special unit price in fen; the SKU's price when absent.
	Price int64 `json:"price,omitempty"`
	// Quantity is the units per draft order [1].
	Quantity int64 `json:"quantity,omitempty"`
}

func (in *Input) check() (normKey string, err error) {
	in.Keyword = strings.TrimSpace(in.Keyword)
	if !utf8.ValidString(in.Keyword) {
		return "", siyu.Invalid("keyword", "keyword must be text")
	}
	normKey = Normalize(in.Keyword)
	if normKey == "" {
		return "", siyu.Invalid("keyword", `keyword is required: what viewers comment to buy, e.g. "+1"`)
	}
	if utf8.RuneCountInString(normKey) > MaxKeywordRunes {
		return "", siyu.Invalid("keyword", "keyword must be at most %d characters", MaxKeywordRunes)
	}
	if in.ProductID <= 0 {
		return "", siyu.Invalid("product_id", "product_id is required")
	}
	if in.SKUID < 0 {
		return "", siyu.Invalid("sku_id", "sku_id must be a variant of the product")
	}
	if in.Price != 0 && (in.Price < commerce.MinPriceFen || in.Price > commerce.MaxPriceFen) {
		return "", siyu.Invalid("price", "price must be between %d and %d fen, got %d", commerce.MinPriceFen, commerce.MaxPriceFen, in.Price)
	}
	switch {
	case in.Quantity == 0:
		in.Quantity = 1
	case in.Quantity < 1 || in.Quantity > commerce.MaxQuantity:
		return "", siyu.Invalid("quantity", "quantity must be between 1 and %d, got %d", commerce.MaxQuantity, in.Quantity)
	}
	return normKey, nil
}

// CommentBuy is an armed keyword as staff see it. Price is the unit price a draft
// charges (the special price, else the SKU's price when armed); Drafts counts the
// orders drafted so far.
type CommentBuy struct {
	ID          int64     `json:"id"`
	SessionID   int64     `json:"session_id"`
	Keyword     string    `json:"keyword"`
	ProductID   int64     `json:"product_id"`
	SKUID       int64     `json:"sku_id"`
	ProductName string    `json:"product_name"`
	SKUName     string    `json:"sku_name"`
	Price       int64     `json:"price"`
	Quantity    int64     `json:"quantity"`
	Status      string    `json:"status"`
	Drafts      int64     `json:"drafts"`
	CreatedAt   time.Time `json:"created_at"`
	StoppedAt   time.Time `json:"stopped_at,omitzero"`
}

// Event is broadcast to the room when an offer is armed or stopped, so the viewer
// page can say "comment +1 to buy".
type Event struct {
	Type       string     `json:"type"` // comment_buy
	CommentBuy CommentBuy `json:"comment_buy"`
}

// DraftEvent is sent to the viewer whose comment drafted an order.
type DraftEvent struct {
	Type         string `json:"type"` // order_draft
	OrderID      int64  `json:"order_id"`
	CommentBuyID int64  `json:"comment_buy_id"`
	ProductName  string `json:"product_name"`
	Quantity     int64  `json:"quantity"`
	Total        int64  `json:"total"`
	Keyword      string `json:"keyword"`
}

// DraftFailedEvent is sent to the viewer whose comment could not draft an order:
// reason is the error code (sold_out, conflict, …), message says it for people.
type DraftFailedEvent struct {
	Type         string `json:"type"` // order_draft_failed
	CommentBuyID int64  `json:"comment_buy_id"`
	Keyword      string `json:"keyword"`
	Reason       string `json:"reason"`
	Message      string `json:"message"`
}
