package crm

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// Timeline item kinds.
const (
	ItemEntry       = "entry"       // came into a live session (with channel and watch time)
	ItemComment     = "comment"     // commented in a live room
	ItemGift        = "gift"        // sent a gift
	ItemShare       = "share"       // shared a live
	ItemFollow      = "follow"      // followed the host
	ItemOrder       = "order"       // placed an order (status now)
	ItemReservation = "reservation" // reserved a session
)

// TimelineItem is one thing the person did, under any of their viewer accounts.
type TimelineItem struct {
	Kind         string    `json:"kind"`
	At           time.Time `json:"at"`
	ViewerID     int64     `json:"viewer_id"`
	SessionID    int64     `json:"session_id,omitempty"`
	SessionTitle string    `json:"session_title,omitempty"`
	Channel      string    `json:"channel,omitempty"`    // entry
	WatchMS      int64     `json:"watch_ms,omitempty"`   // entry: watch time in that session
	Text         string    `json:"text,omitempty"`       // comment text, gift name
	Hidden       bool      `json:"hidden,omitempty"`     // comment held back or deleted in the room
	AmountFen    int64     `json:"amount_fen,omitempty"` // gift value, order total
	OrderID      int64     `json:"order_id,omitempty"`
	Status       string    `json:"status,omitempty"` // order status now
	id           int64
}

// TimelinePage is a page of a timeline, newest first.
type TimelinePage struct {
	Items      []TimelineItem `json:"items"`
	NextCursor string         `json:"next_cursor"`
}

// maxTimelineViewers bounds the viewer accounts a timeline reads (the newest).
const maxTimelineViewers = 1000

// Timeline returns a page of everything a customer did, newest first, read from the
// live, room and commerce tables through the customer's viewer accounts.
func (s *Service) Timeline(ctx context.Context, p org.Principal, id int64, cursor string, limit int) (TimelinePage, error) {
	if err := need(p, org.PermCustomersView); err != nil {
		return TimelinePage{}, err
	}
	if limit == 0 {
		limit = 50
	}
	if limit < 1 || limit > 200 {
		return TimelinePage{}, siyu.Invalid("limit", "limit must be between 1 and 200")
	}
	r, err := s.resolve(ctx, s.store, p.TenantID, id)
	if err != nil {
		return TimelinePage{}, err
	}
	return s.timeline(ctx, p.TenantID, r.ID, cursor, limit)
}

// tlCursor is the position after the last item of a page: items sort by time, then
// kind, then id, all descending.
type tlCursor struct {
	at   int64
	kind string
	id   int64
}

func parseCursor(s string) (tlCursor, error) {
	if s == "" {
		return tlCursor{at: 1 << 62}, nil
	}
	parts := strings.Split(s, ".")
	if len(parts) == 3 {
		at, err1 := strconv.ParseInt(parts[0], 10, 64)
		id, err2 := strconv.ParseInt(parts[2], 10, 64)
		if err1 == nil && err2 == nil {
			return tlCursor{at: at, kind: parts[1], id: id}, nil
		}
	}
	return tlCursor{}, siyu.Invalid("cursor", "cursor must be the next_cursor of the previous page")
}

// before is the SQL condition "strictly after the cursor" for a source whose items all
// have one kind, on its time and id columns.
func (c tlCursor) before(kind, atCol, idCol string) (string, []any) {
	switch {
	case kind < c.kind:
		return atCol + " <= ?", []any{c.at}
	case kind > c.kind:
		return atCol + " < ?", []any{c.at}
	}
	return "(" + atCol + " < ? OR (" + atCol + " = ? AND " + idCol + " < ?))", []any{c.at, c.at, c.id}
}

func (s *Service) timeline(ctx context.Context, tenantID, customerID int64, cursor string, limit int) (TimelinePage, error) {
	cur, err := parseCursor(cursor)
	if err != nil {
		return TimelinePage{}, err
	}
	viewers, err := viewerIDs(ctx, s.store, tenantID, customerID, maxTimelineViewers)
	if err != nil || len(viewers) == 0 {
		return TimelinePage{Items: []TimelineItem{}}, err
	}
	in := placeholders(len(viewers))
	var items []TimelineItem
	add := func(kind, query, atCol, idCol string, scan func(*TimelineItem, tlRow)) error {
		cond, cargs := cur.before(kind, atCol, idCol)
		args := []any{tenantID}
		for _, v := range viewers {
			args = append(args, v)
		}
		args = append(append(args, cargs...), limit+1)
		var rows []tlRow
		q := strings.Replace(query, "{in}", in, 1) + " AND " + cond + " ORDER BY " + atCol + " DESC, " + idCol + " DESC LIMIT ?"
		if err := s.store.SelectContext(ctx, &rows, q, args...); err != nil {
			return fmt.Errorf("crm: timeline %s: %w", kind, err)
		}
		for _, r := range rows {
			it := TimelineItem{Kind: kind, At: msTime(r.At), ViewerID: r.ViewerID, SessionID: r.SessionID, id: r.ID}
			scan(&it, r)
			items = append(items, it)
		}
		return nil
	}
	err = add(ItemEntry, `SELECT p.id, p.viewer_id, p.session_id, p.first_joined_at AS at, p.watch_ms AS amount,
		COALESCE(e.channel, '') AS text, '' AS status, 0 AS hidden FROM room_presence p LEFT JOIN entry_links e ON e.id = p.entry_link_id
		WHERE p.tenant_id = ? AND p.viewer_id IN ({in})`, "p.first_joined_at", "p.id", func(it *TimelineItem, r tlRow) {
		it.Channel, it.WatchMS = r.Text, r.Amount
		if it.Channel == "" {
			it.Channel = SourceDirect
		}
	})
	for _, kind := range []string{ItemComment, ItemGift, ItemShare, ItemFollow} {
		if err != nil {
			break
		}
		err = add(kind, `SELECT id, viewer_id, session_id, created_at AS at, amount, text, '' AS status, hidden FROM room_events
			WHERE tenant_id = ? AND viewer_id IN ({in}) AND kind = '`+kind+`'`, "created_at", "id", func(it *TimelineItem, r tlRow) {
			it.Text, it.AmountFen, it.Hidden = r.Text, r.Amount, r.Hidden != 0
		})
	}
	if err == nil {
		err = add(ItemOrder, `SELECT id, viewer_id, session_id, created_at AS at, total_fen AS amount, '' AS text, status, 0 AS hidden
			FROM orders WHERE tenant_id = ? AND viewer_id IN ({in})`, "created_at", "id", func(it *TimelineItem, r tlRow) {
			it.OrderID, it.AmountFen, it.Status = r.ID, r.Amount, r.Status
		})
	}
	if err == nil {
		err = add(ItemReservation, `SELECT id, viewer_id, session_id, created_at AS at, 0 AS amount, '' AS text, '' AS status, 0 AS hidden
			FROM reservations WHERE tenant_id = ? AND viewer_id IN ({in})`, "created_at", "id", func(*TimelineItem, tlRow) {})
	}
	if err != nil {
		return TimelinePage{}, err
	}
	slices.SortFunc(items, func(a, b TimelineItem) int {
		if c := cmp.Compare(b.At.UnixMilli(), a.At.UnixMilli()); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Kind, a.Kind); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	})
	page := TimelinePage{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		last := page.Items[limit-1]
		page.NextCursor = fmt.Sprintf("%d.%s.%d", last.At.UnixMilli(), last.Kind, last.id)
	}
	if page.Items == nil {
		page.Items = []TimelineItem{}
	}
	return page, s.sessionTitles(ctx, s.store, tenantID, page.Items)
}

type tlRow struct {
	ID        int64  `db:"id"`
	ViewerID  int64  `db:"viewer_id"`
	SessionID int64  `db:"session_id"`
	At        int64  `db:"at"`
	Amount    int64  `db:"amount"`
	Text      string `db:"text"`
	Status    string `db:"status"`
	Hidden    int64  `db:"hidden"`
}

// sessionTitles fills the session titles of a page in one query.
func (s *Service) sessionTitles(ctx context.Context, q db.Querier, tenantID int64, items []TimelineItem) error {
	var ids []int64
	for _, it := range items {
		if it.SessionID != 0 && !containsID(ids, it.SessionID) {
			ids = append(ids, it.SessionID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	args := []any{tenantID}
	for _, id := range ids {
		args = append(args, id)
	}
	var rows []struct {
		ID    int64  `db:"id"`
		Title string `db:"title"`
	}
	if err := q.SelectContext(ctx, &rows, `SELECT id, title FROM live_sessions WHERE tenant_id = ? AND id IN (`+placeholders(len(ids))+`)`,
		args...); err != nil {
		return fmt.Errorf("crm: session titles: %w", err)
	}
	titles := map[int64]string{}
	for _, r := range rows {
		titles[r.ID] = r.Title
	}
	for i := range items {
		items[i].SessionTitle = titles[items[i].SessionID]
	}
	return nil
}
