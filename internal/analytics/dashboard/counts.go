// Package dashboard keeps the live figures of each session in memory, in 10-second
// slots, for the real-time dashboard: what happened in the last N minutes against the
// N before (and the alert when traffic or engagement falls sharply), per-minute series
// and product interest. Cumulative figures that must reconcile (viewers, orders, GMV)
// are read from the domain tables instead (queries.go), so a restart or a second node
// never makes them drift.
//
// Several nodes: each node counts the events it recorded and publishes its new slots
// every second on the bus (cluster.go); every node adds the other nodes' slots to its
// own, so any node answers the whole room's figures. Slots are sums, so adding them is
// exact; a lost bus message loses that second from the trend lines only.
package dashboard

import "github.com/siyu-live/siyu/internal/analytics/eventlog"

// SlotMs is the width of one slot.
const SlotMs = 10_000

// Slot is the slot an instant (unix ms) falls in.
func Slot(ms int64) int64 {
	if ms < 0 {
		return (ms - SlotMs + 1) / SlotMs
	}
	return ms / SlotMs
}

// Counts are the additive figures of a slot (or a window, or a whole session).
type Counts struct {
	Joins      int64 `json:"joins"`   // room entries, reconnections included (进场人次)
	Entries    int64 `json:"entries"` // first entries of a viewer into the session (进场人数)
	Comments   int64 `json:"comments"`
	Likes      int64 `json:"likes"`
	Gifts      int64 `json:"gifts"`
	GiftValue  int64 `json:"gift_value"`
	Shares     int64 `json:"shares"`
	Follows    int64 `json:"follows"`
	WatchMs    int64 `json:"watch_ms"`
	Reserves   int64 `json:"reserves"`
	Views      int64 `json:"product_views"`
	Checkouts  int64 `json:"checkouts"`
	Orders     int64 `json:"orders"`
	GMV        int64 `json:"gmv"`
	Paid       int64 `json:"paid_orders"`
	PaidAmount int64 `json:"paid_amount"`
	Refunds    int64 `json:"refunds"`
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Joins += o.Joins
	c.Entries += o.Entries
	c.Comments += o.Comments
	c.Likes += o.Likes
	c.Gifts += o.Gifts
	c.GiftValue += o.GiftValue
	c.Shares += o.Shares
	c.Follows += o.Follows
	c.WatchMs += o.WatchMs
	c.Reserves += o.Reserves
	c.Views += o.Views
	c.Checkouts += o.Checkouts
	c.Orders += o.Orders
	c.GMV += o.GMV
	c.Paid += o.Paid
	c.PaidAmount += o.PaidAmount
	c.Refunds += o.Refunds
}

// Interactions is the engagement an alert watches: comments, likes, gifts, shares and
// follows together.
func (c Counts) Interactions() int64 { return c.Comments + c.Likes + c.Gifts + c.Shares + c.Follows }

// Observe adds one event.
func (c *Counts) Observe(e *eventlog.Event) {
	switch e.Kind {
	case eventlog.KindJoin:
		c.Joins += e.Amount
		c.Entries += min(e.Aux, 1)
	case eventlog.KindWatch:
		c.WatchMs += e.Amount
	case eventlog.KindLike:
		c.Likes += e.Amount
	case eventlog.KindComment:
		c.Comments += e.Amount
	case eventlog.KindGift:
		c.Gifts += e.Aux
		c.GiftValue += e.Amount
	case eventlog.KindShare:
		c.Shares += e.Amount
	case eventlog.KindFollow:
		c.Follows += e.Amount
	case eventlog.KindReserve:
		c.Reserves++
	case eventlog.KindView:
		c.Views++
	case eventlog.KindCheckout:
		c.Checkouts++
	case eventlog.KindOrder:
		c.Orders++
		c.GMV += e.Amount
	case eventlog.KindPaid:
		c.Paid++
		c.PaidAmount += e.Amount
	case eventlog.KindRefunded:
		c.Refunds++
	}
}

// ProductCounts are the interest one product drew.
type ProductCounts struct {
	Views     int64 `json:"views"`
	Checkouts int64 `json:"checkouts"`
}

// observeProduct reports the product an event is about, if any.
func observeProduct(e *eventlog.Event) (int64, ProductCounts, bool) {
	switch e.Kind {
	case eventlog.KindView:
		return e.RefID, ProductCounts{Views: 1}, true
	case eventlog.KindCheckout:
		return e.RefID, ProductCounts{Checkouts: 1}, true
	}
	return 0, ProductCounts{}, false
}
