package community

import (
	"context"
	"fmt"
	"strconv"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
)

// livePreview is the linked session's preview with the community's links; nil when no
// session is linked (or it has gone).
func (s *Service) livePreview(ctx context.Context, r communityRow) (*Live, error) {
	if r.SessionID == 0 {
		return nil, nil
	}
	p, err := s.live.Preview(ctx, r.SessionID)
	if siyu.ErrorCode(err) == siyu.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	l := &Live{SessionID: p.ID, EntryCode: r.EntryCode, Title: p.Title, CoverURL: p.CoverURL, Status: p.Status,
		ScheduledAt: p.ScheduledAt, StartedAt: p.StartedAt, HostName: p.HostName, Reservations: p.Reservations}
	l.EntryURL = s.base + "/live/" + r.EntryCode
	l.ReserveURL = s.base + "/live/s/" + strconv.FormatInt(p.ID, 10) + "/preview?entry=" + r.EntryCode
	return l, nil
}

// SetLive points the community at a session of the brand that has not ended: the
// group's own entry link (channel community) is created for it, so viewers who come
// from the group are attributed to the group. Linking the session already linked
// changes nothing.
func (s *Service) SetLive(ctx context.Context, p org.Principal, id int64, in LiveInput) (Community, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return Community{}, err
	}
	r, err := getCommunity(ctx, s.store, p.TenantID, id, false)
	if err != nil {
		return Community{}, err
	}
	if in.SessionID <= 0 {
		return Community{}, siyu.Invalid("session_id", "session_id must name a live session")
	}
	if r.SessionID == in.SessionID {
		return s.Get(ctx, p, id)
	}
	sess, err := s.live.Get(ctx, system(p.TenantID), in.SessionID)
	if siyu.ErrorCode(err) == siyu.ENOTFOUND {
		return Community{}, siyu.Invalid("session_id", "session %d not found", in.SessionID)
	} else if err != nil {
		return Community{}, err
	}
	if sess.Status == live.StatusEnded {
		return Community{}, siyu.Invalid("session_id", "session %d has ended; link an upcoming or live session", in.SessionID)
	}
	link, err := s.live.CreateEntry(ctx, system(p.TenantID), in.SessionID, live.EntryInput{Channel: "community", Label: "社群·" + r.Name})
	if err != nil {
		return Community{}, fmt.Errorf("community: entry link: %w", err)
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if _, err := getCommunity(ctx, tx, p.TenantID, id, true); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE communities SET session_id = ?, entry_link_id = ?, entry_code = ?, updated_at = ?
			WHERE tenant_id = ? AND id = ?`, in.SessionID, link.ID, link.Code, s.now().UnixMilli(), p.TenantID, id)
		return err
	})
	if err != nil {
		return Community{}, err
	}
	return s.Get(ctx, p, id)
}

// ClearLive unlinks the community's live (its entry link stays, for the record).
func (s *Service) ClearLive(ctx context.Context, p org.Principal, id int64) (Community, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return Community{}, err
	}
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		if _, err := getCommunity(ctx, tx, p.TenantID, id, true); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE communities SET session_id = 0, entry_link_id = 0, entry_code = '', updated_at = ?
			WHERE tenant_id = ? AND id = ?`, s.now().UnixMilli(), p.TenantID, id)
		return err
	})
	if err != nil {
		return Community{}, err
	}
	return s.Get(ctx, p, id)
}
