package broadcast

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"golang.org/x/time/rate"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/live"
)

// maxRecipientAttempts is how many hand-overs of one message may fail before the
// recipient is recorded as failed; the send goes on meanwhile and retries later.
const maxRecipientAttempts = 5

// retryAfter is the wait before a run that hit channel errors tries its failures again.
const retryAfter = 30 * time.Second

// runSend is the JobSend handler: it starts a due broadcast, records its recipients
// once, and hands messages to the channels until done or out of time for this run.
func (s *Service) runSend(ctx context.Context, job jobs.Job) error {
	var pl sendPayload
	if err := json.Unmarshal(job.Payload, &pl); err != nil || pl.BroadcastID <= 0 {
		return jobs.Permanent(fmt.Errorf("broadcast: bad job payload %s", job.Payload))
	}
	r, err := getRowW(ctx, s.store, job.TenantID, pl.BroadcastID)
	if siyu.ErrorCode(err) == siyu.ENOTFOUND {
		return nil // deleted
	} else if err != nil {
		return err
	}
	if r.SendRev != pl.Rev || r.SendPart != pl.Part {
		return nil // rescheduled, or an older run of a send that moved on
	}
	switch r.Status {
	case StatusScheduled:
		now := s.now().UnixMilli()
		if _, err := s.store.ExecContext(ctx, `UPDATE broadcasts SET status = ?, started_at = ?, updated_at = ?
			WHERE tenant_id = ? AND id = ? AND status = ? AND send_rev = ?`, StatusSending, now, now, r.TenantID, r.ID, StatusScheduled, r.SendRev); err != nil {
			return fmt.Errorf("broadcast: start %d: %w", r.ID, err)
		}
		r.Status, r.StartedAt = StatusSending, now
	case StatusSending:
	default:
		return nil // cancelled, sent or failed meanwhile
	}
	until := time.Now().Add(s.opt.Slice)
	if dl, ok := ctx.Deadline(); ok {
		until = time.Now().Add(min(s.opt.Slice, time.Until(dl)/2))
	}
	st, err := r.settings()
	if err != nil {
		return jobs.Permanent(err)
	}
	p, err := s.opt.Live.Preview(ctx, r.SessionID)
	if siyu.ErrorCode(err) == siyu.ENOTFOUND || (err == nil && p.Status == live.StatusEnded) {
		return s.fail(ctx, &r, "the live this broadcast promotes has ended or is gone")
	} else if err != nil {
		return err
	}
	if err := s.ensureEntry(ctx, &r); err != nil {
		return err
	}
	if r.ExpandedAt == 0 {
		if err := s.expand(ctx, &r, st); err != nil {
			return err
		}
	}
	sd, err := s.sendersFor(ctx, r, st)
	if siyu.ErrorCode(err) == siyu.EINVALID {
		return s.fail(ctx, &r, siyu.ErrorMessage(err))
	} else if err != nil {
		return err
	}
	done, sendErr := s.deliver(ctx, &r, st, s.values(p, st), sd, until)
	if sendErr != nil {
		return sendErr
	}
	if !done {
		return s.handOver(ctx, r)
	}
	now := s.now().UnixMilli()
	if _, err := s.store.ExecContext(ctx, `UPDATE broadcasts SET status = ?, finished_at = ?, updated_at = ?
		WHERE tenant_id = ? AND id = ? AND status = ?`, StatusSent, now, now, r.TenantID, r.ID, StatusSending); err != nil {
		return fmt.Errorf("broadcast: finish %d: %w", r.ID, err)
	}
	return nil
}

// handOver enqueues the next slice of a long send, in the transaction that makes it
// the broadcast's current one, so exactly one job goes on.
func (s *Service) handOver(ctx context.Context, r row) error {
	next := r.SendPart + 1
	return s.store.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE broadcasts SET send_part = ? WHERE tenant_id = ? AND id = ? AND send_part = ? AND status = ?`,
			next, r.TenantID, r.ID, r.SendPart, StatusSending)
		if err != nil {
			return fmt.Errorf("broadcast: hand over %d: %w", r.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // cancelled meanwhile
		}
		payload, _ := json.Marshal(sendPayload{BroadcastID: r.ID, Rev: r.SendRev, Part: next})
		_, err = s.opt.Queue.Enqueue(ctx, tx, jobs.Job{TenantID: r.TenantID, Kind: JobSend, Payload: payload,
			UniqueKey: jobKey(r.ID, r.SendRev, next), MaxAttempts: sendJobAttempts})
		return err
	})
}

// fail ends a send that cannot go on, with the reason for the operator.
func (s *Service) fail(ctx context.Context, r *row, reason string) error {
	now := s.now().UnixMilli()
	if _, err := s.store.ExecContext(ctx, `UPDATE broadcasts SET status = ?, last_error = ?, finished_at = ?, updated_at = ?
		WHERE tenant_id = ? AND id = ? AND status = ?`, StatusFailed, reason, now, now, r.TenantID, r.ID, StatusSending); err != nil {
		return fmt.Errorf("broadcast: fail %d: %w", r.ID, err)
	}
	s.log.Warn("broadcast failed", "tenant", r.TenantID, "broadcast", r.ID, "reason", reason)
	return nil
}

// pendingRow is a recipient whose message has not been handed over yet.
type pendingRow struct {
	ID         int64  `db:"id"`
	CustomerID int64  `db:"customer_id"`
	Audience   int    `db:"audience"`
	Token      string `db:"token"`
}

// throttle is the broadcast's messages per minute: the brand's setting, or less when
// the broadcast asks for less.
func (s *Service) throttle(ctx context.Context, r row) (int, error) {
	set, err := s.opt.Org.Settings(ctx, r.TenantID)
	if err != nil {
		return 0, err
	}
	n := set.ReachThrottlePerMn
	if r.ThrottlePerMinute > 0 {
		n = min(n, r.ThrottlePerMinute)
	}
	return max(n, 1), nil
}

// deliver hands the pending recipients over in rounds, throttled, until none is left
// (done), the run's time is up (not done) or the broadcast was cancelled (done). A
// round whose channel failed leaves its recipients pending; the run then returns an
// error so the job retries them later.
func (s *Service) deliver(ctx context.Context, r *row, st settings, v values, sd senders, until time.Time) (bool, error) {
	perMin, err := s.throttle(ctx, *r)
	if err != nil {
		return false, err
	}
	perSec := float64(perMin) / 60
	batch := min(max(int(perSec), 1), s.opt.Batch)
	lim := rate.NewLimiter(rate.Limit(perSec), batch)
	var after int64
	var chanErr error
	for pass := 0; ; pass++ {
		if pass > 0 && time.Now().After(until) { // every run makes progress, however short its slice
			return false, nil
		}
		var status string
		if err := s.store.WriteGetContext(ctx, &status, `SELECT status FROM broadcasts WHERE tenant_id = ? AND id = ?`, r.TenantID, r.ID); err != nil {
			return false, fmt.Errorf("broadcast: status of %d: %w", r.ID, err)
		}
		if status != StatusSending {
			return true, nil // cancelled: stop here
		}
		var rows []pendingRow
		if err := s.store.SelectContext(ctx, &rows, `SELECT id, customer_id, audience, token FROM broadcast_recipients
			WHERE broadcast_id = ? AND status = ? AND id > ? AND tenant_id = ? ORDER BY id LIMIT `+fmt.Sprint(batch),
			r.ID, RecipientPending, after, r.TenantID); err != nil {
			return false, fmt.Errorf("broadcast: pending recipients: %w", err)
		}
		if len(rows) == 0 {
			if chanErr != nil {
				return false, jobs.RetryAfter(chanErr, retryAfter)
			}
			return true, nil
		}
		after = rows[len(rows)-1].ID
		rd, err := s.plan(ctx, r.TenantID, st, v, sd, rows)
		if err != nil {
			return false, err
		}
		if n := len(rd.inApp) + len(rd.hook); n > 0 {
			if err := lim.WaitN(ctx, n); err != nil {
				return false, err
			}
		}
		if err := s.sendRound(ctx, r.TenantID, sd, rd); err != nil {
			var ce *channelError
			if !errors.As(err, &ce) {
				return false, err
			}
			chanErr = ce
		}
	}
}
