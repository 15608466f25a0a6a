package loadgen

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/siyu-live/siyu/internal/analytics"
	"github.com/siyu-live/siyu/internal/analytics/eventlog"
	"github.com/siyu-live/siyu/internal/db"
)

// dashboardLag measures how far the dashboard of a live session trails reality while
// the event log carries a steady background load: every 100 ms a mark is made (an
// order committed to the orders table, a product view recorded) and the dashboard is
// read every 50 ms until both show it.
func dashboardLag(ctx context.Context, store *db.DB, svc *analytics.Service, sh anaShow, opt AnalyticsOptions) ([]time.Duration, error) {
	t := sh.owner.TenantID
	now := time.Now()
	sid, err := db.Insert(ctx, store, `INSERT INTO live_sessions (tenant_id, host_id, title, status, started_at, created_at, updated_at)
		VALUES (?, ?, 'bench live', 'live', ?, ?, ?)`, t, sh.owner.UserID, now.Add(-10*time.Minute).UnixMilli(), now.UnixMilli(), now.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("bench analytics: live session: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the background load, in 10 ms steps over 20 other sessions
		defer wg.Done()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		per := max(opt.LagRate/100, 1)
		batch := make([]eventlog.Event, per)
		for n := 0; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			at := time.Now().UnixMilli()
			for i := range batch {
				batch[i] = eventlog.Event{TenantID: t, SessionID: 2_000_000 + int64(i%20), At: at, Kind: eventlog.KindWatch,
					ViewerID: int64(n*per + i), Amount: 30_000}
			}
			svc.Record(batch...)
		}
	}()

	var mu sync.Mutex
	var marks []time.Time
	var lags []time.Duration
	seen := 0
	product := sh.products[0]
	markEnd := time.Now().Add(opt.LagFor)
	poll := time.NewTicker(50 * time.Millisecond)
	defer poll.Stop()
	mark := time.NewTicker(100 * time.Millisecond)
	defer mark.Stop()
	giveUp := markEnd.Add(5 * time.Second)
	for time.Now().Before(giveUp) {
		select {
		case <-mark.C:
			if time.Now().After(markEnd) {
				continue
			}
			at := time.Now()
			if _, err := store.ExecContext(ctx, `INSERT INTO orders (tenant_id, session_id, viewer_id, status, total_fen, source, created_at, updated_at)
				VALUES (?, ?, ?, 'created', 990, 'showcase', ?, ?)`, t, sid, sh.viewers[0], at.UnixMilli(), at.UnixMilli()); err != nil {
				return nil, fmt.Errorf("bench analytics: mark order: %w", err)
			}
			svc.Record(eventlog.Event{TenantID: t, SessionID: sid, At: at.UnixMilli(), Kind: eventlog.KindView, ViewerID: sh.viewers[0],
				RefID: product, Amount: 990, Aux: 10})
			mu.Lock()
			marks = append(marks, at)
			mu.Unlock()
		case <-poll.C:
			d, err := svc.Dashboard(ctx, sh.owner, sid)
			if err != nil {
				return nil, err
			}
			now := time.Now()
			shown := int(min(d.Orders, d.ProductViews))
			mu.Lock()
			for ; seen < shown && seen < len(marks); seen++ {
				lags = append(lags, now.Sub(marks[seen]))
			}
			done := seen == len(marks) && now.After(markEnd)
			mu.Unlock()
			if done {
				cancel()
				wg.Wait()
				return lags, nil
			}
		}
	}
	cancel()
	wg.Wait()
	return lags, fmt.Errorf("bench analytics: the dashboard showed %d of %d marks 5 s after the last", seen, len(marks))
}
