package live

import (
	"context"
	"fmt"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/room"
)

// InviteTTL is how long a co-streaming (连麦) invitation can be accepted.
const InviteTTL = 10 * time.Minute

// CoStreamInput names the other session of a co-streaming request.
type CoStreamInput struct {
	SessionID int64 `json:"session_id"`
}

// CoStream is the co-streaming state between two sessions.
type CoStream struct {
	SessionID int64  `json:"session_id"`
	PartnerID int64  `json:"partner_session_id"`
	Partner   string `json:"partner_title"`
	Host      string `json:"partner_host"`
	Status    string `json:"status"` // invited | paired
}

func coStreamOf(self, partner sessionRow, status string) CoStream {
	return CoStream{SessionID: self.ID, PartnerID: partner.ID, Partner: partner.Title, Host: partner.HostName, Status: status}
}

// lockPair locks both sessions (lower id first, so two requests never deadlock) and
// checks they are live sessions of the caller's tenant that are not co-streaming yet.
func lockPair(ctx context.Context, tx *db.Tx, tenantID, a, b int64) (sessionRow, sessionRow, error) {
	if b <= 0 || a == b {
		return sessionRow{}, sessionRow{}, siyu.Invalid("session_id", "session_id must name another live session of this brand")
	}
	first, second := min(a, b), max(a, b)
	r1, err := lockSession(ctx, tx, tenantID, first)
	if err != nil {
		return sessionRow{}, sessionRow{}, err
	}
	r2, err := lockSession(ctx, tx, tenantID, second)
	if err != nil {
		return sessionRow{}, sessionRow{}, err
	}
	if r1.ID != a {
		r1, r2 = r2, r1
	}
	for _, r := range []sessionRow{r1, r2} {
		if r.Status != StatusLive {
			return r1, r2, siyu.Errorf(siyu.ECONFLICT, "session %d is %s; both sessions must be live to co-stream", r.ID, r.Status)
		}
		if r.CoStream != 0 {
			return r1, r2, siyu.Errorf(siyu.ECONFLICT, "session %d is already co-streaming with session %d", r.ID, r.CoStream)
		}
	}
	return r1, r2, nil
}

// InviteCoStream invites another live session of the same brand to co-stream with
// session id; the other room's host sees the invitation through the bus.
func (s *Service) InviteCoStream(ctx context.Context, p org.Principal, id int64, in CoStreamInput) (CoStream, error) {
	if err := need(p, org.PermLiveHost); err != nil {
		return CoStream{}, err
	}
	var out CoStream
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		if _, err := getSession(ctx, tx, p.TenantID, id); err != nil {
			return err // the caller's own session first: another tenant's is not found
		}
		self, other, err := lockPair(ctx, tx, p.TenantID, id, in.SessionID)
		if err != nil {
			return err
		}
		now := s.now().UnixMilli()
		if _, err := tx.ExecContext(ctx, `UPDATE live_sessions SET co_stream_invite_from = ?, co_stream_invite_at = ?
			WHERE tenant_id = ? AND id = ?`, id, now, p.TenantID, other.ID); err != nil {
			return fmt.Errorf("live: co-stream invite: %w", err)
		}
		s.control(tx, room.Control{Type: "co_stream_invite", SessionID: other.ID, FromSessionID: id, Text: self.Title})
		out = coStreamOf(self, other, "invited")
		return nil
	})
	return out, err
}

// AcceptCoStream pairs session id with the session that invited it, within InviteTTL.
func (s *Service) AcceptCoStream(ctx context.Context, p org.Principal, id int64, in CoStreamInput) (CoStream, error) {
	if err := need(p, org.PermLiveHost); err != nil {
		return CoStream{}, err
	}
	var out CoStream
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		if _, err := getSession(ctx, tx, p.TenantID, id); err != nil {
			return err
		}
		self, inviter, err := lockPair(ctx, tx, p.TenantID, id, in.SessionID)
		if err != nil {
			return err
		}
		now := s.now().UnixMilli()
		if self.InviteFrom != inviter.ID || now-self.InviteAt > InviteTTL.Milliseconds() {
			return siyu.Errorf(siyu.ECONFLICT, "session %d has no open co-streaming invitation from session %d", id, inviter.ID)
		}
		for _, pair := range [][2]int64{{id, inviter.ID}, {inviter.ID, id}} {
			if _, err := tx.ExecContext(ctx, `UPDATE live_sessions SET co_stream_session_id = ?, co_stream_invite_from = 0,
				co_stream_invite_at = 0, updated_at = ? WHERE tenant_id = ? AND id = ?`, pair[1], now, p.TenantID, pair[0]); err != nil {
				return fmt.Errorf("live: co-stream accept: %w", err)
			}
		}
		s.changed(tx, id, inviter.ID)
		out = coStreamOf(self, inviter, "paired")
		return nil
	})
	return out, err
}

// EndCoStream ends session id's pairing for both rooms; without one it does nothing.
func (s *Service) EndCoStream(ctx context.Context, p org.Principal, id int64) error {
	if err := need(p, org.PermLiveHost); err != nil {
		return err
	}
	return s.store.Tx(ctx, func(tx *db.Tx) error {
		r, err := lockSession(ctx, tx, p.TenantID, id)
		if err != nil {
			return err
		}
		if r.CoStream == 0 {
			return nil
		}
		now := s.now().UnixMilli()
		if _, err := tx.ExecContext(ctx, `UPDATE live_sessions SET co_stream_session_id = 0, updated_at = ?
			WHERE tenant_id = ? AND id = ?`, now, p.TenantID, id); err != nil {
			return fmt.Errorf("live: end co-stream: %w", err)
		}
		s.changed(tx, id)
		return s.unpair(ctx, tx, p.TenantID, id, r.CoStream, now)
	})
}

// unpair clears the partner side of a pairing with session id (when it still points
// back at id) and tells its room.
func (s *Service) unpair(ctx context.Context, tx *db.Tx, tenantID, id, partner, now int64) error {
	if partner == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE live_sessions SET co_stream_session_id = 0, updated_at = ?
		WHERE tenant_id = ? AND id = ? AND co_stream_session_id = ?`, now, tenantID, partner, id); err != nil {
		return fmt.Errorf("live: unpair %d: %w", partner, err)
	}
	s.changed(tx, partner)
	return nil
}
