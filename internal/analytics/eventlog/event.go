// Package eventlog is the analytics event log: every viewer, room and commerce event of
// a live session, kept in memory for a moment and written durably in batches by one
// writer. A flush groups the buffered events by session and stores each group as one
// segment row (analytics_segments) encoded column by column, so a flush of 100,000
// events is a few multi-row INSERTs of a few rows, and a report decodes a session's
// million events in one pass instead of scanning a million rows.
//
// Delivery: Add never blocks (the room goroutines and order transactions call it), and
// an event is durable once the flush that took it commits; AddWait and Flush return only
// then. Stop flushes everything added before it. A process killed with SIGKILL loses
// what was added since the last commit (at most FlushEvery, 200 ms by default); the
// facts the report reconciles to (orders, presence, comments) live in their own tables
// and are never lost with it.
package eventlog

import (
	"fmt"
	"time"
)

// Kind says what happened; it is stored as one byte, so the values never change.
type Kind uint8

// The event kinds. Amount and Aux mean different things per kind (see Event).
const (
	KindJoin      Kind = 1  // entered the room: Amount joins, Aux 1 on the first join of the session
	KindWatch     Kind = 2  // watch time booked: Amount ms, At the end of the watched stretch
	KindLike      Kind = 3  // Amount likes
	KindComment   Kind = 4  // Amount visible comments
	KindGift      Kind = 5  // Amount fen, Aux gifts
	KindShare     Kind = 6  // Amount shares
	KindFollow    Kind = 7  // Amount follows
	KindReserve   Kind = 8  // reserved the session
	KindView      Kind = 10 // opened a product: RefID product, Amount price shown (fen), Aux stock left
	KindLeave     Kind = 11 // closed a product: RefID product, Amount ms spent on it
	KindCheckout  Kind = 12 // started checkout: RefID product, Amount price (fen)
	KindOrder     Kind = 20 // order created: RefID order, Amount total (fen), Aux first product
	KindPaid      Kind = 21 // order paid: RefID order, Amount total (fen)
	KindCancelled Kind = 22 // order cancelled or expired: RefID order, Amount total (fen)
	KindRefunded  Kind = 23 // order refunded: RefID order, Amount total (fen)
)

var kindNames = map[Kind]string{KindJoin: "join", KindWatch: "watch", KindLike: "like", KindComment: "comment",
	KindGift: "gift", KindShare: "share", KindFollow: "follow", KindReserve: "reserve", KindView: "product_view",
	KindLeave: "product_leave", KindCheckout: "checkout", KindOrder: "order_created", KindPaid: "order_paid",
	KindCancelled: "order_cancelled", KindRefunded: "order_refunded"}

// String is the kind's name in documentation and exports.
func (k Kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { _, ok := kindNames[k]; return ok }

// Event is one fact of one session. ViewerID is the viewer account (viewer accounts
// are per session; the customer behind one is resolved when a report is made, because
// the CRM links them after the fact), EntryLinkID the entry link the viewer came
// through when known (0 otherwise).
type Event struct {
	TenantID    int64
	SessionID   int64
	At          int64 // unix ms
	Kind        Kind
	ViewerID    int64
	EntryLinkID int64
	RefID       int64
	Amount      int64
	Aux         int64
}

// Time is At as a time.
func (e Event) Time() time.Time { return time.UnixMilli(e.At) }
