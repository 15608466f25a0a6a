// Package assist is the assist (助力) of SPEC §4: "a viewer unlocks a price by getting
// K friends to help."
//
// Staff launch an offer on one SKU with an assist price, the helpers needed K (1–50)
// and a time limit. A viewer starts a campaign (one per offer) and gets a share code;
// the share link is the room URL with ?assist=<code>. Other viewers of the session
// help once per campaign: never the owner, and when both have verified phones, never
// from the owner's phone (one verified phone also helps a campaign only once). The
// K-th help unlocks the campaign (webhook assist.unlocked) and the owner may then
// order once at the assist price (order source assist). At the deadline a durable job
// (unique per campaign) expires a campaign still collecting; an unlocked campaign
// keeps its price, because its friends already did their part.
//
// Concurrency: a help is one transaction whose guarded increment (status collecting,
// before the deadline) serialises helpers on the campaign row, and unique indexes
// (campaign, viewer) and (campaign, phone) back up the once-per-helper rule, so the
// K-th and a (K+1)-th racing help cannot both count. The order takes the SKU's stock
// (CreateOrderTx) before the campaign row, the order commerce's release transition
// locks them in, so on PostgreSQL the two never deadlock. A cancelled or expired
// assist order gives the owner their unlocked price back (commerce OnRelease hook);
// a refunded one does not.
//
// Closing an offer stops new campaigns; existing ones still collect until their
// deadline and unlocked ones can still order.
package assist

import (
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/promo/offer"
	"github.com/siyu-live/siyu/internal/webhook"
)

// Source is the order source of assist orders.
const Source = "assist"

// EventUnlocked is the webhook sent when a campaign reaches its helpers.
const EventUnlocked = "assist.unlocked"

func init() { webhook.RegisterEventType(EventUnlocked) }

// Offer statuses: open offers accept new campaigns.
const (
	StatusOpen   = offer.StatusOpen
	StatusClosed = offer.StatusClosed
)

// Campaign statuses.
const (
	CampaignCollecting = "collecting"
	CampaignUnlocked   = "unlocked"
	CampaignOrdered    = "ordered"
	CampaignExpired    = "expired"
)

// Error codes of refused viewer actions (409, except forbidden).
const (
	ErrOwnCampaign    = "own_campaign"
	ErrAlreadyHelped  = "already_helped"
	ErrCampaignClosed = "campaign_closed"
	ErrNotUnlocked    = "not_unlocked"
	ErrAlreadyOrdered = "already_ordered"
	ErrOfferClosed    = "assist_closed"
)

// Bounds of an offer.
const (
	MinHelpers = 1
	MaxHelpers = 50
)

// Input is the body of POST /api/v1/sessions/{id}/assists. sku_id may be left out
// when the product has one SKU. It is flat, not an embedded offer.PricedInput, so a
// bad field is named as the client sent it ("price", not "PricedInput.price").
type Input struct {
	ProductID        int64 `json:"product_id"`
	SKUID            int64 `json:"sku_id,omitempty"`
	Price            int64 `json:"price"`
	HelpersNeeded    int   `json:"helpers_needed"`
	TimeLimitSeconds int   `json:"time_limit_seconds"`
}

// priced is the part every priced offer shares.
func (in Input) priced() offer.PricedInput {
	return offer.PricedInput{ProductID: in.ProductID, SKUID: in.SKUID, Price: in.Price, TimeLimitSeconds: in.TimeLimitSeconds}
}

func (in Input) check() error {
	return offers.Check(in.priced(), func() error {
		if in.HelpersNeeded < MinHelpers || in.HelpersNeeded > MaxHelpers {
			return siyu.Invalid("helpers_needed", "helpers_needed must be between %d and %d", MinHelpers, MaxHelpers)
		}
		return nil
	})
}

// Assist is an offer as staff and viewers see it; campaigns counts every campaign,
// unlocked those that reached their helpers (ordered or not).
type Assist struct {
	offer.PricedView
	HelpersNeeded int `json:"helpers_needed"`
	Campaigns     int `json:"campaigns"`
	Unlocked      int `json:"unlocked"`
}

// ViewerAssist is an offer with the calling viewer's campaign, or null.
type ViewerAssist struct {
	Assist
	MyCampaign *Campaign `json:"my_campaign"`
}

// Campaign is one viewer's campaign. Helpers are nicknames in help order. The product
// fields let a friend who opened a share link see what they help unlock.
type Campaign struct {
	ID            int64     `json:"id"`
	AssistID      int64     `json:"assist_id"`
	Code          string    `json:"code"`
	OwnerNickname string    `json:"owner_nickname"`
	HelpersNeeded int       `json:"helpers_needed"`
	Helpers       []string  `json:"helpers"`
	Status        string    `json:"status"`
	ExpiresAt     time.Time `json:"expires_at"`
	OrderID       int64     `json:"order_id,omitempty"`
	SharePath     string    `json:"share_path"`
	ProductName   string    `json:"product_name"`
	Image         string    `json:"image"`
	Price         int64     `json:"price"`
	OriginalPrice int64     `json:"original_price"`
	// HelpedByMe is set on answers to a viewer who is not the owner.
	HelpedByMe *bool `json:"helped_by_me,omitempty"`
}

// Ordered answers the owner's order at the assist price.
type Ordered struct {
	OrderID int64 `json:"order_id"`
}

// OfferEvent is the room event broadcast when an offer is launched or closed.
type OfferEvent struct {
	Type   string `json:"type"` // assist
	Assist Assist `json:"assist"`
}

// CampaignEvent is the room event sent to a campaign's owner on every help (and on
// unlock, expiry and order changes).
type CampaignEvent struct {
	Type     string   `json:"type"` // assist_campaign
	Campaign Campaign `json:"campaign"`
}

// Unlock is the data of the assist.unlocked webhook.
type Unlock struct {
	Campaign  Campaign `json:"campaign"`
	ViewerID  int64    `json:"viewer_id"`
	SessionID int64    `json:"session_id"`
}
