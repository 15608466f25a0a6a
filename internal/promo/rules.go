package promo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// RuleInput is the body of POST /api/v1/sessions/{id}/red-envelope-rules: an envelope
// pre-armed by the host, sent automatically when the room's likes reach a milestone.
type RuleInput struct {
	LikesMilestone int64 `json:"likes_milestone"` // 1–1,000,000,000 likes
	EnvelopeInput
}

// Rule is a pre-armed envelope; FiredAt and EnvelopeID are set once it was sent.
type Rule struct {
	ID               int64     `json:"id"`
	SessionID        int64     `json:"session_id"`
	LikesMilestone   int64     `json:"likes_milestone"`
	Total            int64     `json:"total"`
	Count            int64     `json:"count"`
	Mode             string    `json:"mode"`
	Condition        string    `json:"condition"`
	Message          string    `json:"message"`
	ExpiresInSeconds int64     `json:"expires_in_seconds"`
	FiredAt          time.Time `json:"fired_at,omitzero"`
	EnvelopeID       int64     `json:"envelope_id,omitempty"`
	CreatedAt        time.Time `json:"created_at"`
}

type ruleRow struct {
	ID         int64  `db:"id"`
	TenantID   int64  `db:"tenant_id"`
	SessionID  int64  `db:"session_id"`
	CreatedBy  int64  `db:"created_by"`
	Milestone  int64  `db:"likes_milestone"`
	Mode       string `db:"mode"`
	Condition  string `db:"condition"`
	Message    string `db:"message"`
	Total      int64  `db:"total"`
	Count      int64  `db:"share_count"`
	TTL        int64  `db:"expires_in_seconds"`
	FiredAt    int64  `db:"fired_at"`
	EnvelopeID int64  `db:"envelope_id"`
	CreatedAt  int64  `db:"created_at"`
}

const ruleCols = `id, tenant_id, session_id, created_by, likes_milestone, mode, condition, message, total, share_count,
	expires_in_seconds, fired_at, envelope_id, created_at`

func (r ruleRow) rule() Rule {
	return Rule{ID: r.ID, SessionID: r.SessionID, LikesMilestone: r.Milestone, Total: r.Total, Count: r.Count, Mode: r.Mode,
		Condition: r.Condition, Message: r.Message, ExpiresInSeconds: r.TTL, FiredAt: msTime(r.FiredAt),
		EnvelopeID: r.EnvelopeID, CreatedAt: msTime(r.CreatedAt)}
}

func (r ruleRow) input() EnvelopeInput {
	return EnvelopeInput{Total: r.Total, Count: r.Count, Mode: r.Mode, Condition: r.Condition, ExpiresInSeconds: r.TTL,
		Message: r.Message}
}

// CreateRule pre-arms a milestone envelope for a session (scheduled or live).
func (s *Service) CreateRule(ctx context.Context, p org.Principal, sessionID int64, in RuleInput) (Rule, error) {
	if err := need(p, org.PermPromoManage); err != nil {
		return Rule{}, err
	}
	if in.LikesMilestone < 1 || in.LikesMilestone > 1_000_000_000 {
		return Rule{}, siyu.Invalid("likes_milestone", "likes_milestone must be between 1 and 1000000000, got %d", in.LikesMilestone)
	}
	if err := in.check(); err != nil {
		return Rule{}, err
	}
	var status string
	err := s.store.GetContext(ctx, &status, `SELECT status FROM live_sessions WHERE tenant_id = ? AND id = ?`, p.TenantID, sessionID)
	if db.IsNoRows(err) {
		return Rule{}, siyu.Errorf(siyu.ENOTFOUND, "session %d not found", sessionID)
	} else if err != nil {
		return Rule{}, fmt.Errorf("promo: session: %w", err)
	} else if status == "ended" {
		return Rule{}, siyu.Errorf("session_not_live", "session %d has ended", sessionID)
	}
	now := s.now().UnixMilli()
	var r ruleRow
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		err := tx.WriteGetContext(ctx, &r, `INSERT INTO red_envelope_rules (tenant_id, session_id, created_by, likes_milestone,
			mode, condition, message, total, share_count, expires_in_seconds, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			RETURNING `+ruleCols, p.TenantID, sessionID, p.UserID, in.LikesMilestone, in.Mode, in.Condition, in.Message,
			in.Total, in.Count, in.ExpiresInSeconds, now)
		if err != nil {
			return fmt.Errorf("promo: create rule: %w", err)
		}
		return s.audit(ctx, tx, p, "promo.red_envelope_rule.create", "red_envelope_rule:"+strconv.FormatInt(r.ID, 10),
			fmt.Sprintf("%d fen in %d shares at %d likes", in.Total, in.Count, in.LikesMilestone))
	})
	if err != nil {
		return Rule{}, err
	}
	s.milestones.Delete(sessionID)
	return r.rule(), nil
}

// ListRules lists a session's milestone rules, fired or not.
func (s *Service) ListRules(ctx context.Context, p org.Principal, sessionID int64) ([]Rule, error) {
	var one int
	err := s.store.GetContext(ctx, &one, `SELECT 1 FROM live_sessions WHERE tenant_id = ? AND id = ?`, p.TenantID, sessionID)
	if db.IsNoRows(err) {
		return nil, siyu.Errorf(siyu.ENOTFOUND, "session %d not found", sessionID)
	} else if err != nil {
		return nil, fmt.Errorf("promo: session: %w", err)
	}
	var rows []ruleRow
	if err := s.store.SelectContext(ctx, &rows, `SELECT `+ruleCols+` FROM red_envelope_rules
		WHERE tenant_id = ? AND session_id = ? AND deleted_at = 0 ORDER BY likes_milestone, id`, p.TenantID, sessionID); err != nil {
		return nil, fmt.Errorf("promo: list rules: %w", err)
	}
	out := make([]Rule, len(rows))
	for i, r := range rows {
		out[i] = r.rule()
	}
	return out, nil
}

// DeleteRule disarms a rule that has not fired yet.
func (s *Service) DeleteRule(ctx context.Context, p org.Principal, id int64) error {
	if err := need(p, org.PermPromoManage); err != nil {
		return err
	}
	var r ruleRow
	err := s.store.WriteGetContext(ctx, &r, `UPDATE red_envelope_rules SET deleted_at = ?
		WHERE tenant_id = ? AND id = ? AND deleted_at = 0 RETURNING `+ruleCols, s.now().UnixMilli(), p.TenantID, id)
	if db.IsNoRows(err) {
		return siyu.Errorf(siyu.ENOTFOUND, "red envelope rule %d not found", id)
	} else if err != nil {
		return fmt.Errorf("promo: delete rule: %w", err)
	}
	s.milestones.Delete(r.SessionID)
	return nil
}
