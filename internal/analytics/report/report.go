// Package report computes the post-live report of a session (SPEC §10): the figures of
// CONTRACT.md (viewers, peak, comments, likes, orders, GMV, paid, funnel) and the
// viewing, engagement, consumption, audience, product, attribution and comparison
// sections, and exports it to Excel.
//
// Sources: the figures that must reconcile come from the tables that decide them —
// orders and their lines (every order placed in the session, whatever its status),
// room_presence (who entered, through which link, how long they watched), the
// session's counters (peak, likes, comments) — and the event log adds what only it
// knows: product views and checkouts, time on a product, when viewers were present
// (retention), engagement by minute. Customers are the CRM profiles behind the viewer
// accounts (customer_identities). docs/analytics.md defines every field.
package report

import "time"

// Report is the answer of GET /api/v1/sessions/{id}/report.
type Report struct {
	SessionID       int64     `json:"session_id"`
	Title           string    `json:"title"`
	Status          string    `json:"status"`
	StartedAt       time.Time `json:"started_at,omitzero"`
	EndedAt         time.Time `json:"ended_at,omitzero"`
	DurationSeconds int64     `json:"duration_seconds"`
	ComputedAt      time.Time `json:"computed_at"`
	Events          int64     `json:"events"` // event-log events read

	// The CONTRACT figures.
	Viewers    int64   `json:"viewers"` // distinct viewers who joined the room
	PeakOnline int64   `json:"peak_online"`
	Comments   int64   `json:"comments"`
	Likes      int64   `json:"likes"`
	Orders     int64   `json:"orders"` // placed in the session, paid or not
	GMV        int64   `json:"gmv"`    // their value, fen
	PaidOrders int64   `json:"paid_orders"`
	PaidAmount int64   `json:"paid_amount"`
	Funnel     []Stage `json:"funnel"`

	Viewing     Viewing       `json:"viewing"`
	Engagement  Engagement    `json:"engagement"`
	Consumption Consumption   `json:"consumption"`
	Audience    Audience      `json:"audience"`
	Customers   CustomerLists `json:"customers"`
	Products    []Product     `json:"products"`
	Attribution Attribution   `json:"attribution"`
	Comparison  Comparison    `json:"comparison"`
}

// Funnel stages, in order.
const (
	StageEntered  = "entered"        // joined the room
	StageStayed   = "stayed"         // watched at least a minute
	StageViewed   = "viewed_product" // opened a product
	StageCheckout = "checkout"       // started checkout or placed an order
	StagePaid     = "paid"           // paid an order of the session
)

// Stage is one funnel step. Each stage counts the viewers who entered and reached it
// or any later stage, so the funnel never widens; DropOff is how many of the previous
// stage did not get here, Rate the share that did.
type Stage struct {
	Stage       string  `json:"stage"`
	Count       int64   `json:"count"`
	Rate        float64 `json:"rate"` // of the previous stage (1 for the first)
	DropOff     int64   `json:"drop_off"`
	DropOffRate float64 `json:"drop_off_rate"`
}

// Viewing is how long and when people watched.
type Viewing struct {
	AvgWatchSeconds    int64         `json:"avg_watch_seconds"`
	MedianWatchSeconds int64         `json:"median_watch_seconds"`
	TotalWatchSeconds  int64         `json:"total_watch_seconds"`
	Distribution       []WatchBucket `json:"distribution"`
	Retention          []MinuteCount `json:"retention"` // viewers present in each minute of the show
}

// WatchBucket is how many viewers watched between MinSeconds and MaxSeconds (0: no
// upper bound).
type WatchBucket struct {
	Label      string `json:"label"`
	MinSeconds int64  `json:"min_seconds"`
	MaxSeconds int64  `json:"max_seconds"`
	Viewers    int64  `json:"viewers"`
}

// MinuteCount is one minute of the show (0 = the minute it started).
type MinuteCount struct {
	Minute  int   `json:"minute"`
	Viewers int64 `json:"viewers"`
}

// Engagement is what viewers did besides watching.
type Engagement struct {
	Comments       int64          `json:"comments"`
	Likes          int64          `json:"likes"`
	Gifts          int64          `json:"gifts"`
	GiftValue      int64          `json:"gift_value"`
	Shares         int64          `json:"shares"`
	Follows        int64          `json:"follows"`
	Commenters     int64          `json:"commenters"`
	Likers         int64          `json:"likers"`
	Gifters        int64          `json:"gifters"`
	EngagedViewers int64          `json:"engaged_viewers"` // commented, liked, gifted, shared or followed
	EngagementRate float64        `json:"engagement_rate"` // engaged ÷ viewers
	PerMinute      []MinuteEngage `json:"per_minute"`
}

// MinuteEngage is one minute's interactions.
type MinuteEngage struct {
	Minute   int   `json:"minute"`
	Comments int64 `json:"comments"`
	Likes    int64 `json:"likes"`
	Gifts    int64 `json:"gifts"`
}

// Consumption is what was bought.
type Consumption struct {
	Orders          int64         `json:"orders"`
	GMV             int64         `json:"gmv"`
	PaidOrders      int64         `json:"paid_orders"`
	PaidAmount      int64         `json:"paid_amount"`
	CancelledOrders int64         `json:"cancelled_orders"`
	RefundedOrders  int64         `json:"refunded_orders"`
	RefundedAmount  int64         `json:"refunded_amount"`
	Buyers          int64         `json:"buyers"`      // distinct viewers who ordered
	PaidBuyers      int64         `json:"paid_buyers"` // distinct viewers who paid
	AvgOrderValue   int64         `json:"avg_order_value"`
	Conversion      float64       `json:"conversion"` // entered viewers who paid ÷ viewers
	BySource        []SourceSales `json:"by_source"`
}

// SourceSales are the orders of one selling tool (showcase, flash_sale, …).
type SourceSales struct {
	Source     string `json:"source"`
	Orders     int64  `json:"orders"`
	GMV        int64  `json:"gmv"`
	PaidOrders int64  `json:"paid_orders"`
	PaidAmount int64  `json:"paid_amount"`
}

// Audience splits the viewers who entered.
type Audience struct {
	New       int64 `json:"new"`       // first time with the brand
	Returning int64 `json:"returning"` // attended an earlier session or bought before
	Known     int64 `json:"known"`     // with a customer profile
	Guests    int64 `json:"guests"`    // without one (yet)
}

// CustomerLists are the customers behind the viewers: who paid and who entered but
// did not. IDs are capped at MaxListedIDs (sorted by value); Count is exact, and the
// report customers endpoint pages through everyone.
type CustomerLists struct {
	Converted    CustomerGroup `json:"converted"`
	NonConverted CustomerGroup `json:"non_converted"`
}

// CustomerGroup is one list.
type CustomerGroup struct {
	Count       int64   `json:"count"`
	CustomerIDs []int64 `json:"customer_ids"`
	Truncated   bool    `json:"truncated"`
}

// MaxListedIDs caps the ids a report carries per list.
const MaxListedIDs = 1000

// Product is one product's performance in the session.
type Product struct {
	ProductID          int64    `json:"product_id"`
	Name               string   `json:"name"`
	Price              int64    `json:"price"`      // lowest SKU price now, fen
	StockLeft          int64    `json:"stock_left"` // now
	Views              int64    `json:"views"`      // product opened
	Viewers            int64    `json:"viewers"`    // distinct viewers who opened it
	Clicks             int64    `json:"clicks"`     // buy pressed (checkout started)
	Orders             int64    `json:"orders"`
	Units              int64    `json:"units"`
	GMV                int64    `json:"gmv"`
	PaidOrders         int64    `json:"paid_orders"`
	PaidAmount         int64    `json:"paid_amount"`
	Buyers             int64    `json:"buyers"`
	Conversion         float64  `json:"conversion"` // buyers ÷ viewers who opened it
	AvgViewSeconds     int64    `json:"avg_view_seconds"`
	NonBuyerAvgSeconds int64    `json:"non_buyer_avg_view_seconds"`
	ViewsWhileSoldOut  int64    `json:"views_while_sold_out"`
	PricesSeen         []int64  `json:"prices_seen"`
	Reasons            []string `json:"reasons"` // likely reasons for no purchase (ReasonSoldOut, …)
}

// Likely reasons why viewers of a product did not buy it.
const (
	ReasonSoldOut      = "sold_out"      // it sold out while viewers still opened it
	ReasonLongView     = "long_view"     // non-buyers spent long on it (hesitation: price, details)
	ReasonPriceChanged = "price_changed" // its price changed during the show
)

// LongViewSeconds is how long non-buyers must spend on a product on average for
// ReasonLongView.
const LongViewSeconds = 30

// Attribution credits viewers and orders to how the viewer came in.
type Attribution struct {
	Channels []ChannelFigures `json:"channels"`
	Links    []LinkFigures    `json:"links"`
}

// Figures are what a channel or link brought.
type Figures struct {
	Viewers    int64 `json:"viewers"`
	Buyers     int64 `json:"buyers"`
	Orders     int64 `json:"orders"`
	GMV        int64 `json:"gmv"`
	PaidOrders int64 `json:"paid_orders"`
	PaidAmount int64 `json:"paid_amount"`
}

// ChannelFigures are one channel's (direct: without an entry link).
type ChannelFigures struct {
	Channel string `json:"channel"`
	Figures
}

// LinkFigures are one entry link's (a community, a broadcast, a sharer …, per its
// channel and label).
type LinkFigures struct {
	EntryLinkID int64  `json:"entry_link_id"`
	Code        string `json:"code"`
	Channel     string `json:"channel"`
	Label       string `json:"label"`
	Figures
}

// Comparison sets the session against the brand's earlier ones.
type Comparison struct {
	Sessions []PastSession `json:"sessions"` // newest first
	Average  *Headline     `json:"average"`  // of Sessions; null without any
	Change   *Change       `json:"change"`   // (this − average) ÷ average; null fields when the average is 0
}

// Headline are the figures compared.
type Headline struct {
	Viewers         float64 `json:"viewers"`
	PeakOnline      float64 `json:"peak_online"`
	Orders          float64 `json:"orders"`
	GMV             float64 `json:"gmv"`
	PaidAmount      float64 `json:"paid_amount"`
	Conversion      float64 `json:"conversion"`
	AvgWatchSeconds float64 `json:"avg_watch_seconds"`
}

// PastSession is one earlier session's headline.
type PastSession struct {
	SessionID int64     `json:"session_id"`
	Title     string    `json:"title"`
	StartedAt time.Time `json:"started_at"`
	Headline
}

// Change are relative differences to the average.
type Change struct {
	Viewers         *float64 `json:"viewers"`
	PeakOnline      *float64 `json:"peak_online"`
	Orders          *float64 `json:"orders"`
	GMV             *float64 `json:"gmv"`
	PaidAmount      *float64 `json:"paid_amount"`
	Conversion      *float64 `json:"conversion"`
	AvgWatchSeconds *float64 `json:"avg_watch_seconds"`
}
