package broadcast

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
)

// EntryChannel is the live entry-link channel of broadcasts (live.Channels).
const EntryChannel = "broadcast"

// MaxScheduleAhead bounds how far ahead a broadcast may be scheduled.
const MaxScheduleAhead = 90 * 24 * time.Hour

// sendPayload names the send job of one revision and slice of a broadcast; a job whose
// revision or slice is no longer the broadcast's is stale and does nothing.
type sendPayload struct {
	BroadcastID int64 `json:"broadcast_id"`
	Rev         int64 `json:"rev"`
	Part        int64 `json:"part"`
}

func jobKey(id, rev, part int64) string { return fmt.Sprintf("broadcast:%d:%d:%d", id, rev, part) }

// sendJobAttempts is generous: a run that fails (a receiver down) keeps its progress,
// and each recipient is tried at most maxRecipientAttempts times anyway.
const sendJobAttempts = 100

// Schedule sets a draft or scheduled broadcast to go out at in.At (a reschedule
// replaces the earlier time).
func (s *Service) Schedule(ctx context.Context, p org.Principal, id int64, in ScheduleInput) (Broadcast, error) {
	if err := need(p); err != nil {
		return Broadcast{}, err
	}
	now := s.now()
	if in.At.IsZero() {
		return Broadcast{}, siyu.Invalid("at", "at is required: when the broadcast goes out (RFC 3339)")
	}
	if !in.At.After(now) {
		return Broadcast{}, siyu.Invalid("at", "at must be in the future; use send to send now")
	}
	if in.At.After(now.Add(MaxScheduleAhead)) {
		return Broadcast{}, siyu.Invalid("at", "at must be within 90 days")
	}
	return s.start(ctx, p, id, in.At, StatusScheduled, AuditSchedule)
}

// SendNow starts sending a draft or scheduled broadcast at once.
func (s *Service) SendNow(ctx context.Context, p org.Principal, id int64) (Broadcast, error) {
	if err := need(p); err != nil {
		return Broadcast{}, err
	}
	return s.start(ctx, p, id, s.now(), StatusSending, AuditSend)
}

// start checks the broadcast again (the session may have ended, a webhook endpoint
// gone), makes its entry link, and enqueues its send job under a new revision, in the
// transaction that changes its status.
func (s *Service) start(ctx context.Context, p org.Principal, id int64, at time.Time, status, action string) (Broadcast, error) {
	r, err := getRow(ctx, s.store, p.TenantID, id)
	if err != nil {
		return Broadcast{}, err
	}
	if r.Status != StatusDraft && r.Status != StatusScheduled {
		return Broadcast{}, siyu.Errorf(siyu.ECONFLICT, "broadcast %d is %s; only a draft or scheduled broadcast can be sent", id, r.Status)
	}
	st, err := r.settings()
	if err != nil {
		return Broadcast{}, err
	}
	if _, err := s.check(ctx, p.TenantID, st.input()); err != nil {
		return Broadcast{}, err
	}
	if err := s.ensureEntry(ctx, &r); err != nil {
		return Broadcast{}, err
	}
	rev := r.SendRev + 1
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := s.opt.Queue.Cancel(ctx, tx, jobKey(id, r.SendRev, 0)); err != nil {
			return err
		}
		started := int64(0)
		if status == StatusSending {
			started = at.UnixMilli()
		}
		res, err := tx.ExecContext(ctx, `UPDATE broadcasts SET status = ?, scheduled_at = ?, send_rev = ?, send_part = 0,
			started_at = ?, updated_at = ? WHERE tenant_id = ? AND id = ? AND send_rev = ? AND status IN ('draft', 'scheduled')`,
			status, at.UnixMilli(), rev, started, s.now().UnixMilli(), p.TenantID, id, r.SendRev)
		if err != nil {
			return fmt.Errorf("broadcast: start %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return siyu.Errorf(siyu.ECONFLICT, "broadcast %d changed meanwhile; reload and try again", id)
		}
		payload, _ := json.Marshal(sendPayload{BroadcastID: id, Rev: rev})
		if _, err := s.opt.Queue.Enqueue(ctx, tx, jobs.Job{TenantID: p.TenantID, Kind: JobSend, Payload: payload, RunAt: at,
			UniqueKey: jobKey(id, rev, 0), MaxAttempts: sendJobAttempts}); err != nil {
			return err
		}
		return s.audit(ctx, tx, p, action, id, at.UTC().Format(time.RFC3339))
	})
	if err != nil {
		return Broadcast{}, err
	}
	return s.get(ctx, p.TenantID, id, true)
}

// Cancel stops a scheduled broadcast, or a sending one before its next round;
// messages already handed over stay delivered.
func (s *Service) Cancel(ctx context.Context, p org.Principal, id int64) (Broadcast, error) {
	if err := need(p); err != nil {
		return Broadcast{}, err
	}
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		r, err := getRowW(ctx, tx, p.TenantID, id)
		if err != nil {
			return err
		}
		if r.Status != StatusScheduled && r.Status != StatusSending {
			return siyu.Errorf(siyu.ECONFLICT, "broadcast %d is %s; only a scheduled or sending broadcast can be cancelled", id, r.Status)
		}
		if err := s.opt.Queue.Cancel(ctx, tx, jobKey(id, r.SendRev, r.SendPart)); err != nil {
			return err
		}
		now := s.now().UnixMilli()
		if _, err := tx.ExecContext(ctx, `UPDATE broadcasts SET status = ?, cancelled_at = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
			StatusCancelled, now, now, p.TenantID, id); err != nil {
			return fmt.Errorf("broadcast: cancel %d: %w", id, err)
		}
		return s.audit(ctx, tx, p, AuditCancel, id, r.Name)
	})
	if err != nil {
		return Broadcast{}, err
	}
	return s.get(ctx, p.TenantID, id, true)
}

// ensureEntry gives the broadcast its live entry link (channel "broadcast") once. The
// service makes it on the operator's behalf: their permission is to reach customers,
// and the link only carries attribution.
func (s *Service) ensureEntry(ctx context.Context, r *row) error {
	if r.EntryLinkID > 0 {
		return nil
	}
	label := "触达 · " + r.Name
	if utf8.RuneCountInString(label) > 50 {
		label = string([]rune(label)[:50])
	}
	e, err := s.opt.Live.CreateEntry(ctx, system(r.TenantID), r.SessionID, live.EntryInput{Channel: EntryChannel, Label: label})
	if err != nil {
		return fmt.Errorf("broadcast: entry link of %d: %w", r.ID, err)
	}
	if _, err := s.store.ExecContext(ctx, `UPDATE broadcasts SET entry_link_id = ?, entry_code = ? WHERE tenant_id = ? AND id = ? AND entry_link_id = 0`,
		e.ID, e.Code, r.TenantID, r.ID); err != nil {
		return fmt.Errorf("broadcast: save entry link of %d: %w", r.ID, err)
	}
	fresh, err := getRowW(ctx, s.store, r.TenantID, r.ID) // another request may have won
	if err != nil {
		return err
	}
	*r = fresh
	return nil
}
