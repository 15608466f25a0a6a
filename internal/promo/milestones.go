package promo

import (
	"context"
	"fmt"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

// noMilestone marks a session without pending rules in the milestone cache.
const noMilestone = int64(-1)

// OnLikes is what the room calls with a session's current like total (e.g. after
// each stats flush): when it reaches a pre-armed milestone, that rule's envelope is
// sent, exactly once. Below the next milestone it is a map lookup, so calling it
// every second per room costs nothing; failures are logged, never returned, because
// the room must not stall on a marketing tool.
func (s *Service) OnLikes(ctx context.Context, sessionID, likes int64) {
	if _, err := s.FireMilestones(ctx, sessionID, likes); err != nil {
		s.log.Warn("fire red envelope milestones", "session", sessionID, "likes", likes, "err", err)
	}
}

// FireMilestones sends the envelope of every unfired rule of the session whose
// milestone is at most likes, and returns the new envelope ids. Each rule is marked
// fired in the transaction that creates its envelope, guarded by fired_at = 0, so two
// nodes (or two calls) racing on the same milestone send one envelope.
func (s *Service) FireMilestones(ctx context.Context, sessionID, likes int64) ([]int64, error) {
	next, err := s.nextMilestone(ctx, sessionID)
	if err != nil || next == noMilestone || likes < next {
		return nil, err
	}
	var rows []ruleRow
	if err := s.store.SelectContext(ctx, &rows, `SELECT `+ruleCols+` FROM red_envelope_rules
		WHERE session_id = ? AND fired_at = 0 AND deleted_at = 0 AND likes_milestone <= ? ORDER BY likes_milestone, id`,
		sessionID, likes); err != nil {
		return nil, fmt.Errorf("promo: due rules: %w", err)
	}
	var sent []int64
	for _, r := range rows {
		e, ok, err := s.fireRule(ctx, r, likes)
		if err != nil {
			return sent, err
		}
		if ok {
			sent = append(sent, e.ID)
			s.announceEnvelope(e)
		}
	}
	s.milestones.Delete(sessionID)
	return sent, nil
}

// fireRule creates a rule's envelope and marks the rule fired in one transaction.
// ok is false when the rule fired elsewhere first or the session is not live.
func (s *Service) fireRule(ctx context.Context, r ruleRow, likes int64) (Envelope, bool, error) {
	if _, err := liveSession(ctx, s.store, r.TenantID, r.SessionID); err != nil {
		if siyu.ErrorCode(err) == "session_not_live" {
			return Envelope{}, false, nil
		}
		return Envelope{}, false, err
	}
	in := r.input()
	if err := in.check(); err != nil {
		return Envelope{}, false, err
	}
	var e Envelope
	fired := false
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if e, err = s.createEnvelope(ctx, tx, r.TenantID, r.SessionID, r.CreatedBy, r.ID, in); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE red_envelope_rules SET fired_at = ?, envelope_id = ?
			WHERE id = ? AND fired_at = 0 AND deleted_at = 0`, s.now().UnixMilli(), e.ID, r.ID)
		if err != nil {
			return fmt.Errorf("promo: fire rule %d: %w", r.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errAlreadyFired
		}
		fired = true
		return nil
	})
	if err == errAlreadyFired {
		return Envelope{}, false, nil
	}
	return e, fired, err
}

var errAlreadyFired = fmt.Errorf("promo: rule already fired")

// milestone is a cached lowest pending milestone of a session.
type milestone struct {
	next int64
	at   time.Time
}

// milestoneTTL bounds how stale the cache may be when another node armed a rule.
const milestoneTTL = 10 * time.Second

// nextMilestone returns the session's lowest pending milestone, cached until a rule of
// the session is created, deleted or fired here (or for milestoneTTL).
func (s *Service) nextMilestone(ctx context.Context, sessionID int64) (int64, error) {
	if v, ok := s.milestones.Load(sessionID); ok {
		if m := v.(milestone); s.now().Sub(m.at) < milestoneTTL {
			return m.next, nil
		}
	}
	var next *int64
	if err := s.store.GetContext(ctx, &next, `SELECT MIN(likes_milestone) FROM red_envelope_rules
		WHERE session_id = ? AND fired_at = 0 AND deleted_at = 0`, sessionID); err != nil {
		return 0, fmt.Errorf("promo: next milestone: %w", err)
	}
	v := noMilestone
	if next != nil {
		v = *next
	}
	s.milestones.Store(sessionID, milestone{next: v, at: s.now()})
	return v, nil
}
