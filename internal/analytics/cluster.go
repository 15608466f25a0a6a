package analytics

import (
	"context"
	"fmt"
	"time"

	"github.com/siyu-live/siyu/internal/analytics/dashboard"
	"github.com/siyu-live/siyu/internal/analytics/eventlog"
	"github.com/siyu-live/siyu/internal/analytics/report"
	"github.com/siyu-live/siyu/internal/bus"
)

// Loop periods.
const (
	publishEvery = time.Second
	evictIdle    = 30 * time.Minute
	seedDelay    = 3 * time.Second // other nodes' and this node's buffers reach the log meanwhile
)

// loop publishes this node's news every second, checks the live sessions for alerts
// and forgets idle sessions.
func (s *Service) loop(ctx context.Context) {
	defer close(s.done)
	pub := time.NewTicker(publishEvery)
	defer pub.Stop()
	alerts := time.NewTicker(s.opt.AlertEvery)
	defer alerts.Stop()
	evict := time.NewTicker(time.Minute)
	defer evict.Stop()
	for {
		select {
		case <-s.quit:
			s.publish(ctx)
			return
		case <-pub.C:
			s.publish(ctx)
		case <-alerts.C:
			s.checkAlerts(ctx)
		case <-evict.C:
			s.aggs.Evict(evictIdle)
		}
	}
}

func (s *Service) publish(ctx context.Context) {
	ds := s.aggs.Take()
	if len(ds) == 0 || s.opt.Bus == nil {
		return
	}
	data, err := dashboard.EncodeMessage(s.opt.NodeID, ds)
	if err == nil {
		err = s.opt.Bus.Publish(ctx, dashboard.Subject, data)
	}
	if err != nil {
		s.log.Warn("publishing live figures to the other nodes failed", "err", err)
	}
}

// onBus adds another node's news.
func (s *Service) onBus(m bus.Msg) {
	node, ds, err := dashboard.DecodeMessage(m.Data)
	if err != nil {
		s.log.Warn("undecodable live figures on the bus", "err", err)
		return
	}
	if node == s.opt.NodeID {
		return
	}
	for _, d := range ds {
		if sess := s.aggs.Merge(d); sess != nil {
			go s.seedLater(sess)
		}
	}
}

// seedLater reads a session's history from the log once the events that arrived
// around its creation are written everywhere.
func (s *Service) seedLater(sess *dashboard.Session) {
	select {
	case <-time.After(seedDelay):
	case <-s.quit:
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.seed(ctx, sess); err != nil {
		s.log.Warn("reading a session's history for the dashboard failed", "session", sess.ID, "err", err)
	}
}

func (s *Service) seed(ctx context.Context, sess *dashboard.Session) error {
	if err := s.events.Flush(ctx); err != nil {
		return err
	}
	return s.aggs.Seed(sess, func(fn func(evs []eventlog.Event)) error {
		_, err := eventlog.Scan(ctx, s.store, sess.Tenant, sess.ID, 0, func(evs []eventlog.Event) error {
			fn(evs)
			return nil
		})
		return err
	})
}

// rule is the tenant's alert thresholds.
func (s *Service) rule(ctx context.Context, tenant int64) dashboard.Rule {
	st, err := s.settings(ctx, tenant)
	if err != nil {
		s.log.Warn("reading alert thresholds failed; using the defaults", "tenant", tenant, "err", err)
	}
	return dashboard.Rule{WindowMinutes: st.AnalyticsWindowMinutes, TrafficDropPct: st.AnalyticsTrafficDropPct,
		EngagementDropPct: st.AnalyticsEngagementDropPct, MinBase: st.AnalyticsAlertMinBase}
}

// checkAlerts stores the alerts of every live session this node keeps figures for.
// Every node may do it; the unique key keeps one alert per drop.
func (s *Service) checkAlerts(ctx context.Context) {
	for _, sess := range s.aggs.Live(2 * time.Minute) {
		if err := s.checkSession(ctx, sess); err != nil {
			s.log.Warn("checking a session for alerts failed", "session", sess.ID, "err", err)
		}
	}
}

func (s *Service) checkSession(ctx context.Context, sess *dashboard.Session) error {
	row, err := report.LoadSession(ctx, s.store, sess.Tenant, sess.ID)
	if err != nil || row.Status != "live" {
		return err
	}
	r := s.rule(ctx, sess.Tenant)
	snap := sess.Snapshot(s.now(), r.WindowMinutes, 1, row.StartedAt)
	for _, a := range snap.Window.Alerts(r) {
		if _, err := s.store.ExecContext(ctx, `INSERT INTO analytics_alerts (tenant_id, session_id, kind, window_start, window_minutes,
			current_n, previous_n, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id, session_id, kind, window_start) DO NOTHING`, sess.Tenant, sess.ID, a.Kind, a.WindowStart,
			r.WindowMinutes, a.Current, a.Previous, s.now().UnixMilli()); err != nil {
			return fmt.Errorf("analytics: store alert: %w", err)
		}
	}
	return nil
}
