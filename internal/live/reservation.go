package live

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// Reservation is a viewer's 预约 of a session; RemindedAt is set once the start
// reminder went out.
type Reservation struct {
	ID         int64     `json:"id"`
	SessionID  int64     `json:"session_id"`
	ViewerID   int64     `json:"viewer_id"`
	Nickname   string    `json:"nickname,omitempty"`
	Phone      string    `json:"phone,omitempty"` // masked
	CreatedAt  time.Time `json:"created_at"`
	RemindedAt time.Time `json:"reminded_at,omitzero"`
}

// ReservationList is a page of a session's reservations with their total.
type ReservationList struct {
	Items      []Reservation `json:"items"`
	NextCursor string        `json:"next_cursor"`
	Count      int           `json:"count"`
}

type reservationRow struct {
	ID         int64  `db:"id"`
	SessionID  int64  `db:"session_id"`
	ViewerID   int64  `db:"viewer_id"`
	Nickname   string `db:"nickname"`
	Phone      string `db:"phone"`
	CreatedAt  int64  `db:"created_at"`
	RemindedAt int64  `db:"reminded_at"`
}

func (r reservationRow) reservation() Reservation {
	return Reservation{ID: r.ID, SessionID: r.SessionID, ViewerID: r.ViewerID, Nickname: r.Nickname,
		Phone: MaskPhone(r.Phone), CreatedAt: msTime(r.CreatedAt), RemindedAt: msTime(r.RemindedAt)}
}

// viewerSession reads a session for a viewer: only sessions of the viewer's own tenant
// exist for them, so another brand's session is not found.
func viewerSession(ctx context.Context, q db.Querier, v Viewer, id int64) (sessionRow, error) {
	return getSession(ctx, q, v.TenantID, id)
}

// Reserve records the viewer's reservation of a draft or scheduled session of the same
// brand (also the brand's next show, not only the session the viewer joined). It is
// idempotent: the status is 201 for a new reservation and 200 for an existing one.
func (s *Service) Reserve(ctx context.Context, v Viewer, sessionID int64) (Reservation, int, error) {
	var out reservationRow
	status := http.StatusOK
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		sess, err := viewerSession(ctx, tx, v, sessionID)
		if err != nil {
			return err
		}
		if sess.Status != StatusDraft && sess.Status != StatusScheduled {
			return siyu.Errorf(siyu.ECONFLICT, "session %d is %s; only upcoming sessions can be reserved", sessionID, sess.Status)
		}
		err = tx.WriteGetContext(ctx, &out, `INSERT INTO reservations (tenant_id, session_id, viewer_id, created_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (session_id, viewer_id) DO NOTHING
			RETURNING id, session_id, viewer_id, '' AS nickname, '' AS phone, created_at, reminded_at`,
			v.TenantID, sessionID, v.ID, s.now().UnixMilli())
		if db.IsNoRows(err) {
			return tx.GetContext(ctx, &out, `SELECT id, session_id, viewer_id, '' AS nickname, '' AS phone, created_at, reminded_at
				FROM reservations WHERE tenant_id = ? AND session_id = ? AND viewer_id = ?`, v.TenantID, sessionID, v.ID)
		} else if err != nil {
			return fmt.Errorf("live: reserve: %w", err)
		}
		status = http.StatusCreated
		if err := s.watchReserved(ctx, tx, v.TenantID, sessionID, v.ID); err != nil {
			return err
		}
		return s.event(ctx, tx, v.TenantID, EventReserved, map[string]any{"session_id": sessionID, "viewer_id": v.ID,
			"reservation_id": out.ID})
	})
	return out.reservation(), status, err
}

// CancelReservation withdraws the viewer's reservation of an upcoming session; without
// one it does nothing (idempotent).
func (s *Service) CancelReservation(ctx context.Context, v Viewer, sessionID int64) error {
	return s.store.Tx(ctx, func(tx *db.Tx) error {
		sess, err := viewerSession(ctx, tx, v, sessionID)
		if err != nil {
			return err
		}
		if sess.Status != StatusDraft && sess.Status != StatusScheduled {
			return siyu.Errorf(siyu.ECONFLICT, "session %d is %s; its reservations are closed", sessionID, sess.Status)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM reservations WHERE tenant_id = ? AND session_id = ? AND viewer_id = ?`,
			v.TenantID, sessionID, v.ID)
		return err
	})
}

// ListReservations lists a session's reservers for staff, oldest first, with the count.
func (s *Service) ListReservations(ctx context.Context, p org.Principal, sessionID, after int64, limit int) (ReservationList, error) {
	out := ReservationList{Items: []Reservation{}}
	if _, err := getSession(ctx, s.store, p.TenantID, sessionID); err != nil {
		return out, err
	}
	if err := s.store.GetContext(ctx, &out.Count, `SELECT COUNT(*) FROM reservations WHERE tenant_id = ? AND session_id = ?`,
		p.TenantID, sessionID); err != nil {
		return out, fmt.Errorf("live: count reservations: %w", err)
	}
	var rows []reservationRow
	err := s.store.SelectContext(ctx, &rows, `SELECT r.id, r.session_id, r.viewer_id, v.nickname, v.phone, r.created_at, r.reminded_at
		FROM reservations r JOIN viewers v ON v.id = r.viewer_id
		WHERE r.tenant_id = ? AND r.session_id = ? AND r.id > ? ORDER BY r.id LIMIT ?`, p.TenantID, sessionID, after, limit)
	if err != nil {
		return out, fmt.Errorf("live: list reservations: %w", err)
	}
	for _, r := range rows {
		out.Items = append(out.Items, r.reservation())
	}
	if len(rows) == limit {
		out.NextCursor = fmt.Sprint(rows[len(rows)-1].ID)
	}
	return out, nil
}

// Preview is the public face of a session for its preview (预告) page and the viewer
// room.
type Preview struct {
	ID           int64     `json:"id"`
	Title        string    `json:"title"`
	Description  string    `json:"description"`
	CoverURL     string    `json:"cover_url"`
	Theme        string    `json:"theme"`
	Status       string    `json:"status"`
	ScheduledAt  time.Time `json:"scheduled_at,omitzero"`
	StartedAt    time.Time `json:"started_at,omitzero"`
	HostName     string    `json:"host_name"`
	Brand        string    `json:"brand"`
	Reservations int       `json:"reservations"`
	EntryURL     string    `json:"entry_url"`
	// FinalStats are the ended session's public figures, so a visitor who arrives
	// after the end sees how the show went; absent until it has ended.
	FinalStats *PublicStats `json:"final_stats,omitempty"`
	// NextSession is the brand's next show (see Session.NextSession).
	NextSession *NextSession `json:"next_session,omitempty"`
}

// PublicStats are the figures of a session anyone may see: distinct viewers, likes
// and the peak of viewers online at once. Comments, gifts and sales stay with staff.
type PublicStats struct {
	Viewers    int64 `json:"viewers"`
	Likes      int64 `json:"likes"`
	PeakOnline int64 `json:"peak_online"`
}

// Preview returns a session's public preview. Session ids are the capability here, as
// on the viewer page: only what a poster would show is exposed.
func (s *Service) Preview(ctx context.Context, sessionID int64) (Preview, error) {
	r, err := getAnySession(ctx, s.store, sessionID)
	if err != nil {
		return Preview{}, err
	}
	out := Preview{ID: r.ID, Title: r.Title, Description: r.Description, CoverURL: r.CoverURL, Theme: r.Theme,
		Status: r.Status, ScheduledAt: msTime(r.ScheduledAt), StartedAt: msTime(r.StartedAt), HostName: r.HostName,
		Reservations: r.Reservations, EntryURL: s.entryURL(r.ID)}
	if r.Status == StatusEnded {
		out.FinalStats = &PublicStats{Viewers: r.Viewers, Likes: r.Likes, PeakOnline: r.PeakOnline}
	}
	if err := s.store.GetContext(ctx, &out.Brand, `SELECT name FROM tenants WHERE id = ?`, r.TenantID); err != nil {
		return Preview{}, fmt.Errorf("live: preview brand: %w", err)
	}
	next, err := s.nextShows(ctx, s.store, r.TenantID)
	if err != nil {
		return Preview{}, err
	}
	out.NextSession = s.nextAfter(next, r.ID)
	return out, nil
}
