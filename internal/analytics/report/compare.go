package report

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu/internal/analytics/dashboard"
	"github.com/siyu-live/siyu/internal/db"
)

// CompareWith is how many earlier sessions a report is compared with.
const CompareWith = 5

// compare reads the brand's last CompareWith ended sessions before s and sets r's
// headline against their average. Their figures come from the same tables as r's
// (presence, orders), so a session is compared like with like even before it was
// reported on.
func compare(ctx context.Context, q db.Querier, s Session, r Report) (Comparison, error) {
	out := Comparison{Sessions: []PastSession{}}
	var past []struct {
		ID        int64  `db:"id"`
		Title     string `db:"title"`
		StartedAt int64  `db:"started_at"`
		Peak      int64  `db:"peak_online"`
	}
	if err := q.SelectContext(ctx, &past, `SELECT id, title, started_at, peak_online FROM live_sessions
		WHERE tenant_id = ? AND status = 'ended' AND id <> ? AND started_at > 0 AND started_at < ?
		ORDER BY started_at DESC, id DESC LIMIT ?`, s.TenantID, s.ID, startOf(s), CompareWith); err != nil {
		return out, fmt.Errorf("report: earlier sessions: %w", err)
	}
	if len(past) == 0 {
		return out, nil
	}
	args := []any{s.TenantID}
	for _, p := range past {
		args = append(args, p.ID)
	}
	in := `(` + placeholders(len(past)) + `)`
	type figures struct {
		SessionID  int64 `db:"session_id"`
		Viewers    int64 `db:"viewers"`
		WatchMs    int64 `db:"watch_ms"`
		Orders     int64 `db:"orders"`
		GMV        int64 `db:"gmv"`
		PaidAmount int64 `db:"paid_amount"`
		PaidBuyers int64 `db:"paid_buyers"`
	}
	var watch, sales []figures
	if err := q.SelectContext(ctx, &watch, `SELECT session_id, COUNT(*) AS viewers, COALESCE(SUM(watch_ms), 0) AS watch_ms,
		0 AS orders, 0 AS gmv, 0 AS paid_amount, 0 AS paid_buyers
		FROM room_presence WHERE tenant_id = ? AND session_id IN `+in+` GROUP BY session_id`, args...); err != nil {
		return out, fmt.Errorf("report: earlier presence: %w", err)
	}
	if err := q.SelectContext(ctx, &sales, `SELECT session_id, 0 AS viewers, 0 AS watch_ms, COUNT(*) AS orders,
		COALESCE(SUM(total_fen), 0) AS gmv, COALESCE(SUM(CASE WHEN `+dashboard.PaidStatus+` THEN total_fen ELSE 0 END), 0) AS paid_amount,
		COUNT(DISTINCT CASE WHEN `+dashboard.PaidStatus+` THEN viewer_id END) AS paid_buyers
		FROM orders WHERE tenant_id = ? AND session_id IN `+in+` GROUP BY session_id`, args...); err != nil {
		return out, fmt.Errorf("report: earlier orders: %w", err)
	}
	by := map[int64]*figures{}
	for _, list := range [][]figures{watch, sales} {
		for _, f := range list {
			x := by[f.SessionID]
			if x == nil {
				x = &figures{}
				by[f.SessionID] = x
			}
			x.Viewers += f.Viewers
			x.WatchMs += f.WatchMs
			x.Orders += f.Orders
			x.GMV += f.GMV
			x.PaidAmount += f.PaidAmount
			x.PaidBuyers += f.PaidBuyers
		}
	}
	var avg Headline
	for _, p := range past {
		f := by[p.ID]
		if f == nil {
			f = &figures{}
		}
		h := Headline{Viewers: float64(f.Viewers), PeakOnline: float64(p.Peak), Orders: float64(f.Orders), GMV: float64(f.GMV),
			PaidAmount: float64(f.PaidAmount), Conversion: ratio(f.PaidBuyers, f.Viewers)}
		if f.Viewers > 0 {
			h.AvgWatchSeconds = float64(f.WatchMs / f.Viewers / 1000)
		}
		out.Sessions = append(out.Sessions, PastSession{SessionID: p.ID, Title: p.Title, StartedAt: msTime(p.StartedAt), Headline: h})
		avg.Viewers += h.Viewers
		avg.PeakOnline += h.PeakOnline
		avg.Orders += h.Orders
		avg.GMV += h.GMV
		avg.PaidAmount += h.PaidAmount
		avg.Conversion += h.Conversion
		avg.AvgWatchSeconds += h.AvgWatchSeconds
	}
	n := float64(len(past))
	avg = Headline{Viewers: avg.Viewers / n, PeakOnline: avg.PeakOnline / n, Orders: avg.Orders / n, GMV: avg.GMV / n,
		PaidAmount: avg.PaidAmount / n, Conversion: avg.Conversion / n, AvgWatchSeconds: avg.AvgWatchSeconds / n}
	out.Average = &avg
	rel := func(this, base float64) *float64 {
		if base == 0 {
			return nil
		}
		v := (this - base) / base
		return &v
	}
	out.Change = &Change{Viewers: rel(float64(r.Viewers), avg.Viewers), PeakOnline: rel(float64(r.PeakOnline), avg.PeakOnline),
		Orders: rel(float64(r.Orders), avg.Orders), GMV: rel(float64(r.GMV), avg.GMV), PaidAmount: rel(float64(r.PaidAmount), avg.PaidAmount),
		Conversion: rel(r.Consumption.Conversion, avg.Conversion), AvgWatchSeconds: rel(float64(r.Viewing.AvgWatchSeconds), avg.AvgWatchSeconds)}
	return out, nil
}
