package community

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
)

// Refusals of a grab (409, with these codes).
const (
	CodeEmpty          = "empty"
	CodeAlreadyGrabbed = "already_grabbed"
	CodeExpired        = "expired"
	CodeNotMember      = "not_member"
)

// Grab takes the next share of an envelope for a member, once per member. The envelope
// row's counter hands out shares in order (its row lock serialises grabbers), and the
// unique (envelope, customer) index refuses a second grab even when two arrive at once.
func (s *Service) Grab(ctx context.Context, g Guest, code string, envelopeID int64) (GrabResult, error) {
	c, err := s.guestCommunity(ctx, g, code)
	if err != nil {
		return GrabResult{}, err
	}
	var out GrabResult
	expired := false
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		member, err := isMember(ctx, tx, c.TenantID, c.ID, g.CustomerID)
		if err != nil {
			return err
		}
		r, err := getEnvelope(ctx, tx, c.TenantID, c.ID, envelopeID)
		if err != nil {
			return err
		}
		if !member {
			return siyu.Errorf(CodeNotMember, "join the group to grab its red envelopes")
		}
		var mine int64
		err = tx.GetContext(ctx, &mine, `SELECT amount FROM community_envelope_grabs WHERE envelope_id = ? AND customer_id = ?`,
			r.ID, g.CustomerID)
		if err == nil {
			return siyu.Errorf(CodeAlreadyGrabbed, "you have already grabbed this red envelope (%d fen)", mine)
		} else if !db.IsNoRows(err) {
			return fmt.Errorf("community: grab: %w", err)
		}
		now := s.now().UnixMilli()
		var took struct {
			Seq    int64  `db:"grabbed_count"`
			Shares string `db:"shares"`
		}
		err = tx.WriteGetContext(ctx, &took, `UPDATE community_envelopes SET grabbed_count = grabbed_count + 1,
			status = CASE WHEN grabbed_count + 1 >= share_count THEN 'empty' ELSE status END,
			closed_at = CASE WHEN grabbed_count + 1 >= share_count THEN ? ELSE closed_at END
			WHERE tenant_id = ? AND id = ? AND status = 'open' AND grabbed_count < share_count AND expires_at > ?
			RETURNING grabbed_count, shares`, now, c.TenantID, r.ID, now)
		if db.IsNoRows(err) {
			if r, err = getEnvelope(ctx, tx, c.TenantID, c.ID, envelopeID); err != nil {
				return err
			}
			if r.Status == StatusEmpty {
				return siyu.Errorf(CodeEmpty, "the red envelope has been taken")
			}
			expired = r.Status == StatusOpen
			return siyu.Errorf(CodeExpired, "the red envelope has expired")
		} else if err != nil {
			return fmt.Errorf("community: grab: %w", err)
		}
		var shares []int64
		if err := json.Unmarshal([]byte(took.Shares), &shares); err != nil || took.Seq < 1 || took.Seq > int64(len(shares)) {
			return fmt.Errorf("community: envelope %d: share %d of %d: %v", r.ID, took.Seq, len(shares), err)
		}
		amount := shares[took.Seq-1]
		var seq int64
		err = tx.WriteGetContext(ctx, &seq, `INSERT INTO community_envelope_grabs (envelope_id, seq, tenant_id, customer_id, nickname,
			amount, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (envelope_id, customer_id) DO NOTHING RETURNING seq`,
			r.ID, took.Seq, c.TenantID, g.CustomerID, g.Nickname, amount, now)
		if db.IsNoRows(err) {
			// The same member's other grab committed first: this one takes nothing back
			// because the transaction (and its counter bump) rolls back.
			return siyu.Errorf(CodeAlreadyGrabbed, "you have already grabbed this red envelope")
		} else if err != nil {
			return fmt.Errorf("community: grab: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE community_envelopes SET grabbed_amount = grabbed_amount + ? WHERE id = ?`,
			amount, r.ID); err != nil {
			return fmt.Errorf("community: grab: %w", err)
		}
		out = GrabResult{EnvelopeID: r.ID, Amount: amount}
		return nil
	})
	if expired {
		// Past its time but its timer has not run yet: refund now, so the record is exact.
		if _, xerr := s.expire(ctx, c.TenantID, envelopeID); xerr != nil {
			s.log.Warn("expire red envelope", "envelope", envelopeID, "err", xerr)
		}
	}
	return out, err
}

// expire closes an open envelope and refunds what is left, exactly once: one statement
// marks it expired with refunded = total − grabbed (a grab in flight holds the row lock,
// so its amount is counted), and the webhook is queued in the same transaction. It
// reports whether it refunded (false when already empty or expired).
func (s *Service) expire(ctx context.Context, tenantID, id int64) (bool, error) {
	did := false
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		var r envelopeRow
		err := tx.WriteGetContext(ctx, &r, `UPDATE community_envelopes SET status = 'expired', refunded = total - grabbed_amount,
			closed_at = ? WHERE tenant_id = ? AND id = ? AND status = 'open'
			RETURNING id, tenant_id, community_id, created_by, '' AS sent_by, mode, message, total, share_count, grabbed_count,
			grabbed_amount, refunded, status, expires_at, closed_at, created_at`, s.now().UnixMilli(), tenantID, id)
		if db.IsNoRows(err) {
			return nil
		} else if err != nil {
			return fmt.Errorf("community: expire envelope %d: %w", id, err)
		}
		did = true
		return s.event(ctx, tx, tenantID, EventEnvelopeRefunded, RefundEvent{EnvelopeID: r.ID, CommunityID: r.CommunityID,
			Total: r.Total, Grabbed: r.GrabbedAmount, GrabbedCount: r.GrabbedCount, Refunded: r.Refunded, CreatedBy: r.CreatedBy})
	})
	return did, err
}

// expireDue refunds the community's envelopes whose time is up but whose timer has not
// run yet, so every read shows the record as it is.
func (s *Service) expireDue(ctx context.Context, tenantID, communityID int64) error {
	var due []int64
	if err := s.store.SelectContext(ctx, &due, `SELECT id FROM community_envelopes WHERE tenant_id = ? AND community_id = ?
		AND status = 'open' AND expires_at <= ?`, tenantID, communityID, s.now().UnixMilli()); err != nil {
		return fmt.Errorf("community: due envelopes: %w", err)
	}
	for _, id := range due {
		if _, err := s.expire(ctx, tenantID, id); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) expireJob(ctx context.Context, j jobs.Job) error {
	var p expirePayload
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.EnvelopeID <= 0 || p.TenantID <= 0 {
		return jobs.Permanent(fmt.Errorf("community: expire job payload %s: %v", j.Payload, err))
	}
	_, err := s.expire(ctx, p.TenantID, p.EnvelopeID)
	return err
}
