package analytics

import (
	"context"
	"fmt"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/analytics/dashboard"
	"github.com/siyu-live/siyu/internal/analytics/report"
	"github.com/siyu-live/siyu/internal/org"
)

// SeriesMinutes is how many minutes of per-minute series the dashboard carries.
const SeriesMinutes = 60

func need(p org.Principal, perms ...org.Permission) error {
	for _, perm := range perms {
		if !p.Can(perm) {
			return siyu.Errorf(siyu.EFORBIDDEN, "your role may not do this (needs %s)", perm)
		}
	}
	return nil
}

func (s *Service) settings(ctx context.Context, tenant int64) (org.Settings, error) {
	if s.opt.Settings == nil {
		return org.DefaultSettings(), nil
	}
	st, err := s.opt.Settings.Settings(ctx, tenant)
	if err != nil {
		return org.DefaultSettings(), err
	}
	return st, nil
}

// Dashboard answers the live figures of a session. One answer per session is built
// at most every CacheTTL and shared by every caller of the tenant, so polling it every
// second from many screens stays cheap.
func (s *Service) Dashboard(ctx context.Context, p org.Principal, id int64) (dashboard.Dashboard, error) {
	if err := need(p, org.PermAnalyticsView); err != nil {
		return dashboard.Dashboard{}, err
	}
	if d, ok := s.cached(p.TenantID, id); ok {
		return d, nil
	}
	// Many screens poll at once: one builds, the others wait for it and share it.
	lock := s.sessionLock(s.builds, id)
	lock.Lock()
	defer lock.Unlock()
	if d, ok := s.cached(p.TenantID, id); ok {
		return d, nil
	}
	now := s.now()
	sess, err := report.LoadSession(ctx, s.store, p.TenantID, id)
	if err != nil {
		return dashboard.Dashboard{}, err
	}
	agg := s.aggs.Get(id)
	if agg == nil {
		var created bool
		if agg, created = s.aggs.Session(sess.TenantID, id); created {
			// Nothing of this session happened here yet (an ended show, a fresh node):
			// its history is what the log holds now.
			if err := s.seed(ctx, agg); err != nil {
				return dashboard.Dashboard{}, err
			}
		}
	}
	st, err := s.settings(ctx, p.TenantID)
	if err != nil {
		s.log.Warn("reading the dashboard window failed; using the default", "tenant", p.TenantID, "err", err)
	}
	alerts, err := s.alerts(ctx, p.TenantID, id)
	if err != nil {
		return dashboard.Dashboard{}, err
	}
	d, err := dashboard.Build(ctx, s.store, s.opt.Rooms, dashboard.Input{TenantID: p.TenantID, SessionID: id, Status: sess.Status,
		StartedAt: sess.StartedAt, Snapshot: agg.Snapshot(now, st.AnalyticsWindowMinutes, SeriesMinutes, sess.StartedAt),
		Alerts: alerts, Now: now})
	if err != nil {
		return dashboard.Dashboard{}, err
	}
	s.cacheMu.Lock()
	s.cache[id] = cachedDashboard{tenant: p.TenantID, at: now, d: d}
	if len(s.cache) > 10_000 {
		for k, v := range s.cache {
			if now.Sub(v.at) > time.Minute {
				delete(s.cache, k)
			}
		}
	}
	s.cacheMu.Unlock()
	return d, nil
}

// cached is the tenant's dashboard of a session built less than CacheTTL ago.
func (s *Service) cached(tenant, id int64) (dashboard.Dashboard, bool) {
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	c, ok := s.cache[id]
	if ok && c.tenant == tenant && s.now().Sub(c.at) < s.opt.CacheTTL {
		return c.d, true
	}
	return dashboard.Dashboard{}, false
}

// alerts reads a session's stored alerts, newest first, worded for the studio.
func (s *Service) alerts(ctx context.Context, tenant, session int64) ([]dashboard.AlertOut, error) {
	var rows []struct {
		ID        int64  `db:"id"`
		Kind      string `db:"kind"`
		Minutes   int    `db:"window_minutes"`
		Current   int64  `db:"current_n"`
		Previous  int64  `db:"previous_n"`
		CreatedAt int64  `db:"created_at"`
	}
	if err := s.store.SelectContext(ctx, &rows, `SELECT id, kind, window_minutes, current_n, previous_n, created_at
		FROM analytics_alerts WHERE tenant_id = ? AND session_id = ? ORDER BY id DESC LIMIT 20`, tenant, session); err != nil {
		return nil, fmt.Errorf("analytics: alerts: %w", err)
	}
	out := make([]dashboard.AlertOut, 0, len(rows))
	for _, r := range rows {
		a := dashboard.AlertOut{ID: r.ID, Kind: r.Kind, WindowMinutes: r.Minutes, Current: r.Current, Previous: r.Previous,
			At: time.UnixMilli(r.CreatedAt).UTC()}
		if r.Previous > 0 {
			a.Change = float64(r.Current-r.Previous) / float64(r.Previous)
		}
		what := "进场人次"
		if r.Kind == dashboard.AlertEngagement {
			what = "互动（评论、点赞、礼物、分享、关注）"
		}
		a.Message = fmt.Sprintf("近%d分钟%s较前%d分钟下降%d%%（%d → %d）", r.Minutes, what, r.Minutes,
			int(-a.Change*100+0.5), r.Previous, r.Current)
		out = append(out, a)
	}
	return out, nil
}
