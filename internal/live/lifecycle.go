package live

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/room"
)

// RemindJobKind is the durable job that reminds a session's reservers once it starts.
const RemindJobKind = "live.remind"

// remindKey is the job's unique key: one reminder run per session, however often the
// start request is retried.
func remindKey(sessionID int64) string { return "live.remind:" + strconv.FormatInt(sessionID, 10) }

type remindPayload struct {
	SessionID int64 `json:"session_id"`
}

// Schedule sets (or moves) the start time of a draft or scheduled session.
func (s *Service) Schedule(ctx context.Context, p org.Principal, id int64, in ScheduleInput) (Session, error) {
	at, err := parseFuture("scheduled_at", in.ScheduledAt, s.now())
	if err != nil {
		return Session{}, err
	}
	return s.change(ctx, p, org.PermSessionsManage, id, func(tx *db.Tx, r *sessionRow, now int64) error {
		if r.Status == StatusLive || r.Status == StatusEnded {
			return siyu.Errorf(siyu.ECONFLICT, "session %d is %s; only draft and scheduled sessions can be scheduled", id, r.Status)
		}
		_, err := tx.ExecContext(ctx, `UPDATE live_sessions SET status = ?, scheduled_at = ?, updated_at = ?
			WHERE tenant_id = ? AND id = ?`, StatusScheduled, at.UnixMilli(), now, p.TenantID, id)
		return err
	})
}

// Start puts a draft or scheduled session on air. In the same transaction it queues the
// durable reminder job for its reservers and the live.started webhook, so neither can
// be lost nor sent for a start that did not happen.
func (s *Service) Start(ctx context.Context, p org.Principal, id int64) (Session, error) {
	out, err := s.change(ctx, p, org.PermLiveHost, id, func(tx *db.Tx, r *sessionRow, now int64) error {
		switch r.Status {
		case StatusEnded:
			return siyu.Errorf(siyu.ECONFLICT, "session %d has ended; it cannot be started again", id)
		case StatusLive:
			return siyu.Errorf(siyu.ECONFLICT, "session %d is already live", id)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE live_sessions SET status = ?, started_at = ?, interrupted_at = 0,
			updated_at = ? WHERE tenant_id = ? AND id = ?`, StatusLive, now, now, p.TenantID, id); err != nil {
			return fmt.Errorf("live: start %d: %w", id, err)
		}
		if s.queue != nil {
			payload, _ := json.Marshal(remindPayload{SessionID: id})
			if _, err := s.queue.Enqueue(ctx, tx, jobs.Job{TenantID: p.TenantID, Kind: RemindJobKind,
				Payload: payload, UniqueKey: remindKey(id)}); err != nil {
				return err
			}
		}
		r.Status, r.StartedAt = StatusLive, now
		if err := s.audit(ctx, tx, p, AuditSessionStart, id, r.Title); err != nil {
			return err
		}
		started, err := s.toSession(ctx, tx, *r)
		if err != nil {
			return err
		}
		return s.event(ctx, tx, p.TenantID, EventStarted, started)
	})
	return out, err
}

// EndResult is the webhook payload of live.ended: the session and what the host rules
// concluded.
type EndResult struct {
	Session Session      `json:"session"`
	Rules   RulesOutcome `json:"rules"`
}

// End takes a live session off air. The room's latest counters are flushed first, then
// one transaction records the duration (interruptions excluded), ends any co-stream
// pairing, evaluates the host rules (goods permission, new-host credits) and queues the
// live.ended webhook.
func (s *Service) End(ctx context.Context, p org.Principal, id int64) (Session, error) {
	if err := need(p, org.PermLiveHost); err != nil {
		return Session{}, err
	}
	cur, err := getSession(ctx, s.store, p.TenantID, id)
	if err != nil {
		return Session{}, err
	}
	if s.stats != nil && cur.Status == StatusLive {
		// Outside the transaction: the flusher writes through the same single SQLite writer.
		if err := s.stats.Flush(ctx, id); err != nil {
			s.log.Warn("flush room stats before ending", "session", id, "err", err)
		}
	}
	set, err := s.settings(ctx, p.TenantID)
	if err != nil {
		return Session{}, err
	}
	return s.change(ctx, p, org.PermLiveHost, id, func(tx *db.Tx, r *sessionRow, now int64) error {
		switch r.Status {
		case StatusEnded:
			return siyu.Errorf(siyu.ECONFLICT, "session %d has already ended", id)
		case StatusDraft, StatusScheduled:
			return siyu.Errorf(siyu.ECONFLICT, "session %d has not started; start it before ending it", id)
		}
		paused := r.InterruptedMs
		if r.InterruptedAt > 0 {
			paused += now - r.InterruptedAt
		}
		r.LiveMs = r.onAirMs(now)
		if _, err := tx.ExecContext(ctx, `UPDATE live_sessions SET status = ?, ended_at = ?, live_ms = ?, interrupted_at = 0,
			interrupted_ms = ?, co_stream_session_id = 0, co_stream_invite_from = 0, co_stream_invite_at = 0, updated_at = ?
			WHERE tenant_id = ? AND id = ?`, StatusEnded, now, r.LiveMs, paused, now, p.TenantID, id); err != nil {
			return fmt.Errorf("live: end %d: %w", id, err)
		}
		if err := s.unpair(ctx, tx, p.TenantID, id, r.CoStream, now); err != nil {
			return err
		}
		r.Status, r.EndedAt = StatusEnded, now
		rules, err := s.evaluateRules(ctx, tx, *r, set, now)
		if err != nil {
			return err
		}
		if err := s.watchEnded(ctx, tx, p.TenantID, id); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, p, AuditSessionEnd, id, r.Title); err != nil {
			return err
		}
		ended, err := s.toSession(ctx, tx, *r)
		if err != nil {
			return err
		}
		return s.event(ctx, tx, p.TenantID, EventEnded, EndResult{Session: ended, Rules: rules})
	})
}

// Interrupt records that the stream dropped while the session stays live; the rooms
// reload the session and tell viewers the stream paused. Resume undoes it. Interrupted
// time does not count toward the broadcast's duration.
func (s *Service) Interrupt(ctx context.Context, p org.Principal, id int64) (Session, error) {
	return s.change(ctx, p, org.PermLiveHost, id, func(tx *db.Tx, r *sessionRow, now int64) error {
		if r.Status != StatusLive {
			return siyu.Errorf(siyu.ECONFLICT, "session %d is %s; only a live session can be interrupted", id, r.Status)
		}
		if r.InterruptedAt > 0 {
			return siyu.Errorf(siyu.ECONFLICT, "session %d is already interrupted; resume it first", id)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE live_sessions SET interrupted_at = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
			now, now, p.TenantID, id); err != nil {
			return fmt.Errorf("live: interrupt %d: %w", id, err)
		}
		s.control(tx, room.Control{Type: "stream_interrupted", SessionID: id, Until: now})
		return nil
	})
}

// Resume clears an interruption; the paused time is added to interrupted_ms.
func (s *Service) Resume(ctx context.Context, p org.Principal, id int64) (Session, error) {
	return s.change(ctx, p, org.PermLiveHost, id, func(tx *db.Tx, r *sessionRow, now int64) error {
		if r.Status != StatusLive || r.InterruptedAt == 0 {
			return siyu.Errorf(siyu.ECONFLICT, "session %d is not interrupted; there is nothing to resume", id)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE live_sessions SET interrupted_ms = interrupted_ms + ?, interrupted_at = 0,
			updated_at = ? WHERE tenant_id = ? AND id = ?`, now-r.InterruptedAt, now, p.TenantID, id); err != nil {
			return fmt.Errorf("live: resume %d: %w", id, err)
		}
		s.control(tx, room.Control{Type: "stream_resumed", SessionID: id})
		return nil
	})
}
