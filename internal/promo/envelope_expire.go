package promo

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/promo/groupcommit"
)

// RefundEvent is the data of the red_envelope.refunded webhook. There is no wallet yet:
// the brand's system of record learns from it what to give back to whom.
type RefundEvent struct {
	EnvelopeID   int64 `json:"envelope_id"`
	SessionID    int64 `json:"session_id"`
	Total        int64 `json:"total"`
	Grabbed      int64 `json:"grabbed"`
	GrabbedCount int64 `json:"grabbed_count"`
	Refunded     int64 `json:"refunded"`
	CreatedBy    int64 `json:"created_by,omitempty"`
}

func (s *Service) expireJob(ctx context.Context, j jobs.Job) error {
	var p expirePayload
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.EnvelopeID <= 0 {
		return jobs.Permanent(fmt.Errorf("promo: expire job payload %s: %v", j.Payload, err))
	}
	_, err := s.Expire(ctx, p.EnvelopeID)
	if siyu.ErrorCode(err) == siyu.ENOTFOUND {
		return jobs.Permanent(err)
	}
	return err
}

// Expire closes an envelope and refunds what is left, exactly once: the owner stops
// granting, waits until every grab it decided is committed, then one transaction marks
// the envelope expired with refunded = total - grabbed and queues the webhook. Running
// it again (a retried job, a second node) changes nothing and reports refunded=false.
func (s *Service) Expire(ctx context.Context, id int64) (refunded bool, err error) {
	o, err := s.ownerFor(ctx, id)
	if err != nil {
		return false, err
	}
	err = o.call(ctx, func() error {
		o.closed = true
		groupcommit.Drain(&o.inflight)
		refunded, err = s.refund(ctx, o)
		if err == nil {
			// Closed for good: free the memory and the goroutine. A later lookup
			// rebuilds a closed owner from the store, which refuses every grab.
			o.grabbed, o.free = nil, nil
			if s.owners.Retire(o.id) {
				o.retired.Store(true)
			}
		}
		return err
	})
	return refunded, err
}

// refund runs the closing transaction.
func (s *Service) refund(ctx context.Context, o *owner) (bool, error) {
	var did bool
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		var r envelopeRow
		err := tx.WriteGetContext(ctx, &r, `UPDATE red_envelopes SET status = 'expired', refunded = total - grabbed_amount,
			closed_at = ? WHERE id = ? AND tenant_id = ? AND status = 'open' RETURNING `+envelopeCols,
			s.now().UnixMilli(), o.id, o.tenant)
		if db.IsNoRows(err) {
			// Already expired, or emptied: nothing is left to refund. An empty one is
			// marked closed for the record.
			_, err = tx.ExecContext(ctx, `UPDATE red_envelopes SET closed_at = ? WHERE id = ? AND tenant_id = ? AND closed_at = 0`,
				s.now().UnixMilli(), o.id, o.tenant)
			return err
		} else if err != nil {
			return fmt.Errorf("promo: expire red envelope %d: %w", o.id, err)
		}
		var createdBy int64
		if err := tx.GetContext(ctx, &createdBy, `SELECT created_by FROM red_envelopes WHERE id = ?`, o.id); err != nil {
			return fmt.Errorf("promo: expire red envelope %d: %w", o.id, err)
		}
		did = true
		return s.event(ctx, tx, o.tenant, EventEnvelopeRefunded, RefundEvent{EnvelopeID: r.ID, SessionID: r.SessionID,
			Total: r.Total, Grabbed: r.GrabbedAmount, GrabbedCount: r.GrabbedCount, Refunded: r.Refunded, CreatedBy: createdBy})
	})
	return did, err
}
