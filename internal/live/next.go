package live

import (
	"context"
	"fmt"
	"time"

	"github.com/siyu-live/siyu/internal/db"
)

// nextShowGrace is how late a scheduled session may be and still count as the brand's
// next show: a host running a little late is still "next", a schedule from yesterday
// that never started is stale.
const nextShowGrace = time.Hour

// NextSession is the brand's next show as a session or preview answer names it, so an
// ended room can offer "预约下一场" without searching the public discovery by brand.
type NextSession struct {
	ID          int64     `json:"id"`
	Title       string    `json:"title"`
	HostName    string    `json:"host_name"`
	ScheduledAt time.Time `json:"scheduled_at"`
	PreviewURL  string    `json:"preview_url"`
}

type nextRow struct {
	ID          int64  `db:"id"`
	Title       string `db:"title"`
	HostName    string `db:"host_name"`
	ScheduledAt int64  `db:"scheduled_at"`
}

// nextShows returns the tenant's two soonest scheduled sessions: the next show of any
// session is the first of them that is not the session itself.
func (s *Service) nextShows(ctx context.Context, q db.Querier, tenantID int64) ([]nextRow, error) {
	var rows []nextRow
	err := q.SelectContext(ctx, &rows, `SELECT s.id, s.title, COALESCE(u.name, '') AS host_name, s.scheduled_at
		FROM live_sessions s LEFT JOIN users u ON u.id = s.host_id
		WHERE s.tenant_id = ? AND s.status = ? AND s.scheduled_at >= ?
		ORDER BY s.scheduled_at, s.id LIMIT 2`, tenantID, StatusScheduled, s.now().Add(-nextShowGrace).UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("live: next show: %w", err)
	}
	return rows, nil
}

// nextAfter picks the next show of session id from the rows of nextShows.
func (s *Service) nextAfter(rows []nextRow, id int64) *NextSession {
	for _, r := range rows {
		if r.ID != id {
			return &NextSession{ID: r.ID, Title: r.Title, HostName: r.HostName, ScheduledAt: msTime(r.ScheduledAt),
				PreviewURL: s.previewURL(r.ID)}
		}
	}
	return nil
}

// toSessions turns rows of one tenant into API sessions with their next show, in one
// query whatever the number of rows.
func (s *Service) toSessions(ctx context.Context, q db.Querier, tenantID int64, rows ...sessionRow) ([]Session, error) {
	out := make([]Session, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	next, err := s.nextShows(ctx, q, tenantID)
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		out[i] = s.session(r)
		out[i].NextSession = s.nextAfter(next, r.ID)
	}
	return out, nil
}

// toSession is toSessions for one row.
func (s *Service) toSession(ctx context.Context, q db.Querier, r sessionRow) (Session, error) {
	out, err := s.toSessions(ctx, q, r.TenantID, r)
	if err != nil {
		return Session{}, err
	}
	return out[0], nil
}
