package dashboard

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/room"
)

// Dashboard is the answer of GET /api/v1/sessions/{id}/dashboard: the live figures of
// a session (docs/analytics.md lists where each comes from and how fresh it is).
type Dashboard struct {
	SessionID       int64          `json:"session_id"`
	Status          string         `json:"status"`
	StartedAt       time.Time      `json:"started_at,omitzero"`
	AsOf            time.Time      `json:"as_of"`
	Online          int            `json:"online"`
	PeakOnline      int            `json:"peak_online"`
	Viewers         int64          `json:"viewers"`
	AvgWatchSeconds int64          `json:"avg_watch_seconds"`
	Comments        int64          `json:"comments"`
	Likes           int64          `json:"likes"`
	Gifts           int64          `json:"gifts"`
	GiftValue       int64          `json:"gift_value"`
	Shares          int64          `json:"shares"`
	Follows         int64          `json:"follows"`
	Orders          int64          `json:"orders"`
	GMV             int64          `json:"gmv"`
	PaidOrders      int64          `json:"paid_orders"`
	PaidAmount      int64          `json:"paid_amount"`
	Buyers          int64          `json:"buyers"`
	PaidBuyers      int64          `json:"paid_buyers"`
	Conversion      float64        `json:"conversion"` // paid buyers ÷ viewers
	ProductViews    int64          `json:"product_views"`
	Checkouts       int64          `json:"checkouts"`
	TopProducts     []TopProduct   `json:"top_products"`
	Channels        []ChannelCount `json:"channels"`
	Window          Window         `json:"window"`
	Series          []Point        `json:"series"`
	Alerts          []AlertOut     `json:"alerts"`
}

// TopProduct is one of the session's best products so far.
type TopProduct struct {
	ProductID int64  `json:"product_id" db:"product_id"`
	Name      string `json:"name" db:"name"`
	Views     int64  `json:"views" db:"views"`
	Checkouts int64  `json:"checkouts" db:"checkouts"`
	Orders    int64  `json:"orders" db:"orders"`
	Units     int64  `json:"units" db:"units"`
	GMV       int64  `json:"gmv" db:"gmv"`
}

// ChannelCount is how many viewers came through one entry channel.
type ChannelCount struct {
	Channel string `json:"channel" db:"channel"`
	Viewers int64  `json:"viewers" db:"viewers"`
}

// AlertOut is a stored alert as the studio shows it.
type AlertOut struct {
	ID            int64     `json:"id"`
	Kind          string    `json:"kind"`
	WindowMinutes int       `json:"window_minutes"`
	Current       int64     `json:"current"`
	Previous      int64     `json:"previous"`
	Change        float64   `json:"change"`
	Message       string    `json:"message"`
	At            time.Time `json:"at"`
}

// RoomStats is the room engine's view of a session (room.Service): online and peak
// across nodes, and the counters the studio shows.
type RoomStats interface {
	SessionStats(ctx context.Context, tenant, session int64) (room.Stats, error)
}

// Input is what Build needs besides the store.
type Input struct {
	TenantID, SessionID int64
	Status              string
	StartedAt           int64 // unix ms, 0 before the start
	Snapshot            Snapshot
	Alerts              []AlertOut
	Now                 time.Time
}

// TopN is how many products the dashboard lists.
const TopN = 10

// Build assembles the dashboard: the room's counters, the orders and channels from
// the store, the slots' trends and product interest.
func Build(ctx context.Context, store *db.DB, rooms RoomStats, in Input) (Dashboard, error) {
	d := Dashboard{SessionID: in.SessionID, Status: in.Status, AsOf: in.Now.UTC(), Window: in.Snapshot.Window,
		Series: in.Snapshot.Series, Alerts: in.Alerts}
	if in.StartedAt > 0 {
		d.StartedAt = time.UnixMilli(in.StartedAt).UTC()
	}
	if rooms != nil {
		st, err := rooms.SessionStats(ctx, in.TenantID, in.SessionID)
		if err != nil {
			return d, err
		}
		d.Online, d.PeakOnline, d.Viewers, d.Likes, d.Comments = st.Online, st.Peak, st.Viewers, st.Likes, st.Comments
		d.Shares, d.Follows, d.GiftValue = st.Shares, st.Follows, st.GiftValue
	}
	t := in.Snapshot.Totals
	d.Gifts, d.ProductViews, d.Checkouts = t.Gifts, t.Views, t.Checkouts
	var o struct {
		Orders     int64 `db:"orders"`
		GMV        int64 `db:"gmv"`
		Paid       int64 `db:"paid"`
		PaidAmount int64 `db:"paid_amount"`
		Buyers     int64 `db:"buyers"`
		PaidBuyers int64 `db:"paid_buyers"`
	}
	if err := store.GetContext(ctx, &o, `SELECT COUNT(*) AS orders, COALESCE(SUM(total_fen), 0) AS gmv,
		COALESCE(SUM(CASE WHEN `+PaidStatus+` THEN 1 ELSE 0 END), 0) AS paid,
		COALESCE(SUM(CASE WHEN `+PaidStatus+` THEN total_fen ELSE 0 END), 0) AS paid_amount,
		COUNT(DISTINCT viewer_id) AS buyers, COUNT(DISTINCT CASE WHEN `+PaidStatus+` THEN viewer_id END) AS paid_buyers
		FROM orders WHERE tenant_id = ? AND session_id = ?`, in.TenantID, in.SessionID); err != nil {
		return d, fmt.Errorf("dashboard: orders: %w", err)
	}
	d.Orders, d.GMV, d.PaidOrders, d.PaidAmount, d.Buyers, d.PaidBuyers = o.Orders, o.GMV, o.Paid, o.PaidAmount, o.Buyers, o.PaidBuyers
	var w struct {
		Viewers int64 `db:"viewers"`
		WatchMs int64 `db:"watch_ms"`
	}
	if err := store.GetContext(ctx, &w, `SELECT COUNT(*) AS viewers, COALESCE(SUM(watch_ms), 0) AS watch_ms
		FROM room_presence WHERE tenant_id = ? AND session_id = ?`, in.TenantID, in.SessionID); err != nil {
		return d, fmt.Errorf("dashboard: presence: %w", err)
	}
	d.Viewers = max(d.Viewers, w.Viewers)
	if d.Viewers > 0 {
		d.AvgWatchSeconds = w.WatchMs / w.Viewers / 1000
		d.Conversion = float64(d.PaidBuyers) / float64(d.Viewers)
	}
	if err := store.SelectContext(ctx, &d.Channels, `SELECT COALESCE(e.channel, 'direct') AS channel, COUNT(*) AS viewers
		FROM room_presence p LEFT JOIN entry_links e ON e.id = p.entry_link_id AND e.tenant_id = p.tenant_id
		WHERE p.tenant_id = ? AND p.session_id = ? GROUP BY COALESCE(e.channel, 'direct') ORDER BY viewers DESC, channel`,
		in.TenantID, in.SessionID); err != nil {
		return d, fmt.Errorf("dashboard: channels: %w", err)
	}
	top, err := topProducts(ctx, store, in.TenantID, in.SessionID, in.Snapshot.Products)
	if err != nil {
		return d, err
	}
	d.TopProducts = top
	if d.Channels == nil {
		d.Channels = []ChannelCount{}
	}
	if d.Alerts == nil {
		d.Alerts = []AlertOut{}
	}
	return d, nil
}

// PaidStatus is the SQL condition of an order that is paid and stays paid (shipped and
// completed orders were paid; refunded ones no longer count).
const PaidStatus = `status IN ('paid', 'shipped', 'completed')`

// topProducts ranks the products ordered or looked at in the session: GMV first, then
// views.
func topProducts(ctx context.Context, store *db.DB, tenant, session int64, interest map[int64]ProductCounts) ([]TopProduct, error) {
	var rows []TopProduct
	if err := store.SelectContext(ctx, &rows, `SELECT l.product_id AS product_id, MAX(l.name) AS name, 0 AS views, 0 AS checkouts,
		COUNT(DISTINCT l.order_id) AS orders, SUM(l.quantity) AS units, SUM(l.unit_price_fen * l.quantity) AS gmv
		FROM order_lines l JOIN orders o ON o.id = l.order_id AND o.tenant_id = l.tenant_id
		WHERE o.tenant_id = ? AND o.session_id = ? GROUP BY l.product_id`, tenant, session); err != nil {
		return nil, fmt.Errorf("dashboard: products: %w", err)
	}
	byID := map[int64]*TopProduct{}
	for i := range rows {
		byID[rows[i].ProductID] = &rows[i]
	}
	var unnamed []any
	for id := range interest {
		if _, ok := byID[id]; !ok {
			unnamed = append(unnamed, id)
		}
	}
	if len(unnamed) > 0 {
		var names []struct {
			ID   int64  `db:"id"`
			Name string `db:"name"`
		}
		q, args := inList(`SELECT id, name FROM products WHERE tenant_id = ? AND id IN `, tenant, unnamed)
		if err := store.SelectContext(ctx, &names, q, args...); err != nil {
			return nil, fmt.Errorf("dashboard: product names: %w", err)
		}
		for _, n := range names {
			rows = append(rows, TopProduct{ProductID: n.ID, Name: n.Name})
		}
	}
	for i := range rows {
		p := &rows[i]
		p.Views, p.Checkouts = interest[p.ProductID].Views, interest[p.ProductID].Checkouts
	}
	slices.SortFunc(rows, func(a, b TopProduct) int {
		switch {
		case a.GMV != b.GMV:
			return cmpDesc(a.GMV, b.GMV)
		case a.Views != b.Views:
			return cmpDesc(a.Views, b.Views)
		}
		return cmpDesc(b.ProductID, a.ProductID)
	})
	if len(rows) > TopN {
		rows = rows[:TopN]
	}
	if rows == nil {
		rows = []TopProduct{}
	}
	return rows, nil
}

func cmpDesc(a, b int64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// inList appends "(?, ?, …)" for ids (at most 500 are used: interest in more products
// than that is not a top list) to q.
func inList(q string, tenant int64, ids []any) (string, []any) {
	ids = ids[:min(len(ids), 500)]
	b := []byte(q + "(")
	for i := range ids {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '?')
	}
	b = append(b, ')')
	return string(b), append([]any{tenant}, ids...)
}
