// Package groupbuy is the group buy (拼团) of SPEC §4: "N people within a time limit;
// a failed group refunds all."
//
// Staff launch an offer on one SKU with a group price, a group size N (2–100) and a
// time limit. A viewer starts a group (as its leader) or joins a forming one; each
// member gets an unpaid order at the group price (source group_buy, stock reserved by
// commerce as for any order). A seat is held by a live order: a member whose order is
// cancelled or expires frees it (commerce OnRelease hook), so "full" means N members
// holding live orders. A member counts once their order is paid (OnPaid hook); the
// N-th payment before the deadline makes the group succeeded (webhook
// group_buy.succeeded).
//
// At the deadline a durable job (unique per group) fails a group that is still
// forming: in one transaction the group becomes failed, unpaid orders are cancelled
// (stock back) and one durable refund job per paid order is queued (unique per order).
// A refund job asks the payment provider for the refund and then moves the order to
// refunded with its stock back; it is retried until done, and commerce.RefundOrder is
// idempotent, so a group is never left half-refunded (webhook group_buy.failed).
//
// Concurrency: a join is one transaction whose guarded increment (member_count < size,
// status forming, before the deadline) decides the seat, so racing joins never
// overfill a group on either engine; a partial unique index keeps a viewer in one
// forming group per offer. On PostgreSQL every path takes row locks in one order —
// orders, then SKU stock, then the group, then its members — the order commerce's
// payment and release transitions already use, so they queue instead of deadlocking.
//
// Closing an offer stops new groups; groups already forming can still fill, be paid
// and succeed or fail at their own deadline.
package groupbuy

import (
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/promo/offer"
	"github.com/siyu-live/siyu/internal/webhook"
)

// Source is the order source of group-buy orders.
const Source = "group_buy"

// Webhook event types of the group buy.
const (
	EventSucceeded = "group_buy.succeeded"
	EventFailed    = "group_buy.failed"
)

func init() {
	webhook.RegisterEventType(EventSucceeded)
	webhook.RegisterEventType(EventFailed)
}

// Offer statuses: open offers accept new groups.
const (
	StatusOpen   = offer.StatusOpen
	StatusClosed = offer.StatusClosed
)

// Group statuses.
const (
	GroupForming   = "forming"
	GroupSucceeded = "succeeded"
	GroupFailed    = "failed"
)

// Error codes of refused viewer actions (409).
const (
	ErrGroupFull      = "group_full"
	ErrGroupClosed    = "group_closed"
	ErrAlreadyInGroup = "already_in_group"
	ErrOfferClosed    = "group_buy_closed"
)

// Bounds of an offer.
const (
	MinGroupSize = 2
	MaxGroupSize = 100
)

// Input is the body of POST /api/v1/sessions/{id}/group-buys. sku_id may be left out
// when the product has one SKU. It is flat, not an embedded offer.PricedInput, so a
// bad field is named as the client sent it ("price", not "PricedInput.price").
type Input struct {
	ProductID        int64 `json:"product_id"`
	SKUID            int64 `json:"sku_id,omitempty"`
	Price            int64 `json:"price"`
	GroupSize        int   `json:"group_size"`
	TimeLimitSeconds int   `json:"time_limit_seconds"`
}

// priced is the part every priced offer shares.
func (in Input) priced() offer.PricedInput {
	return offer.PricedInput{ProductID: in.ProductID, SKUID: in.SKUID, Price: in.Price, TimeLimitSeconds: in.TimeLimitSeconds}
}

func (in Input) check() error {
	return offers.Check(in.priced(), func() error {
		if in.GroupSize < MinGroupSize || in.GroupSize > MaxGroupSize {
			return siyu.Invalid("group_size", "group_size must be between %d and %d people", MinGroupSize, MaxGroupSize)
		}
		return nil
	})
}

// GroupBuy is an offer as staff and viewers see it; the group counts are live.
type GroupBuy struct {
	offer.PricedView
	GroupSize       int `json:"group_size"`
	GroupsForming   int `json:"groups_forming"`
	GroupsSucceeded int `json:"groups_succeeded"`
	GroupsFailed    int `json:"groups_failed"`
}

// Detail is an offer with its groups, newest first, for staff.
type Detail struct {
	GroupBuy
	Groups []Group `json:"groups"`
}

// ViewerDetail is an offer as one viewer sees it: the groups they may join and their
// own latest group (with its order) or null.
type ViewerDetail struct {
	GroupBuy
	Forming   []Group `json:"forming"`
	MyGroup   *Group  `json:"my_group"`
	MyOrderID int64   `json:"my_order_id,omitempty"`
}

// Group is one group of an offer. Members are the seats held now (a member whose
// unpaid order was cancelled or expired is gone); paid ones count towards the size.
type Group struct {
	ID             int64     `json:"id"`
	GroupBuyID     int64     `json:"group_buy_id"`
	LeaderNickname string    `json:"leader_nickname"`
	Size           int       `json:"size"`
	Members        []Member  `json:"members"`
	PaidCount      int       `json:"paid_count"`
	Status         string    `json:"status"`
	ExpiresAt      time.Time `json:"expires_at"`
	FinishedAt     time.Time `json:"finished_at,omitzero"`
}

// Member is one seat of a group.
type Member struct {
	ViewerID int64  `json:"viewer_id"`
	Nickname string `json:"nickname"`
	Paid     bool   `json:"paid"`
}

// Joined answers a viewer who started or joined a group: the group and the order to pay.
type Joined struct {
	Group   Group `json:"group"`
	OrderID int64 `json:"order_id"`
}

// OfferEvent is the room event broadcast when an offer is launched or closed.
type OfferEvent struct {
	Type     string   `json:"type"` // group_buy
	GroupBuy GroupBuy `json:"group_buy"`
}

// GroupEvent is the room event sent to a group's members on every change.
type GroupEvent struct {
	Type  string `json:"type"` // group_buy_group
	Group Group  `json:"group"`
}

// Outcome is the data of the group_buy.succeeded and group_buy.failed webhooks: the
// group, and for a failed one which paid orders are being refunded and which unpaid
// ones were cancelled.
type Outcome struct {
	Group          Group   `json:"group"`
	OrderIDs       []int64 `json:"order_ids"`
	RefundOrderIDs []int64 `json:"refund_order_ids,omitempty"`
	CancelOrderIDs []int64 `json:"cancelled_order_ids,omitempty"`
	SessionID      int64   `json:"session_id"`
	ProductName    string  `json:"product_name"`
}
