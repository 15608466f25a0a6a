package crm

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/org"
)

// ErasedName replaces the name of an erased customer.
const ErasedName = "已注销"

// MaskPhone hides the middle of a phone number for staff without contacts.view:
// 13800138000 → 138****8000; other lengths keep at most their first 3 and last 2 digits.
func MaskPhone(p string) string {
	switch n := len(p); {
	case n == 0:
		return ""
	case n == 11:
		return p[:3] + "****" + p[7:]
	case n >= 8:
		return p[:3] + "****" + p[n-2:]
	default:
		return "****"
	}
}

// MaskIdentity hides an identity's value for staff without contacts.view; viewer ids
// are not contact details and stay readable.
func MaskIdentity(kind, v string) string {
	switch {
	case kind == KindViewer:
		return v
	case kind == KindPhone:
		return MaskPhone(v)
	case utf8.RuneCountInString(v) > 8:
		r := []rune(v)
		return string(r[:3]) + "****" + string(r[len(r)-3:])
	default:
		return "****"
	}
}

// Erase removes a customer's personal data on their request: the name becomes 已注销,
// phone and remark are cleared, every identity but the viewer accounts (ids, not
// contact details) is removed, tags are taken off, and the viewer accounts' nicknames
// and phones in the live domain are cleared too. Aggregates and orders are kept (the
// books must still add up); the profile drops out of lists by tag and out of segments.
// Erasing twice does nothing more.
func (s *Service) Erase(ctx context.Context, p org.Principal, id int64) (Customer, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return Customer{}, err
	}
	var cid int64
	err := s.write(ctx, func(ap *applier) error {
		r, err := ap.live(ctx, p.TenantID, id)
		if err != nil {
			return err
		}
		cid = r.ID
		if r.ErasedAt.Valid {
			return nil
		}
		t, tx := p.TenantID, ap.tx
		var viewers []int64
		if err := tx.SelectContext(ctx, &viewers, `SELECT ref_id FROM customer_identities WHERE tenant_id = ? AND customer_id = ? AND kind = ?`,
			t, r.ID, KindViewer); err != nil {
			return fmt.Errorf("crm: erase: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM customer_identities WHERE tenant_id = ? AND customer_id = ? AND kind <> ?`,
			t, r.ID, KindViewer); err != nil {
			return fmt.Errorf("crm: erase identities: %w", err)
		}
		var tags []int64
		if err := tx.SelectContext(ctx, &tags, `SELECT tag_id FROM customer_tags WHERE tenant_id = ? AND customer_id = ?`, t, r.ID); err != nil {
			return fmt.Errorf("crm: erase: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM customer_tags WHERE tenant_id = ? AND customer_id = ?`, t, r.ID); err != nil {
			return fmt.Errorf("crm: erase tags: %w", err)
		}
		ap.tagged(r.ID, nil, tags)
		// Profiles merged into this one keep old copies of names and remarks.
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET name = ?, phone = NULL, remark = '' WHERE tenant_id = ? AND merged_into = ?`,
			ErasedName, t, r.ID); err != nil {
			return fmt.Errorf("crm: erase merged profiles: %w", err)
		}
		for start := 0; start < len(viewers); start += 500 {
			chunk := viewers[start:min(start+500, len(viewers))]
			args := []any{ErasedName, t}
			for _, v := range chunk {
				args = append(args, v)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE viewers SET nickname = ?, phone = '' WHERE tenant_id = ? AND id IN (`+
				placeholders(len(chunk))+`)`, args...); err != nil {
				return fmt.Errorf("crm: erase viewers: %w", err)
			}
		}
		r.Name, r.Phone, r.Remark = ErasedName, sql.NullString{}, ""
		r.ErasedAt = sql.NullInt64{Int64: ap.now, Valid: true}
		ap.mark(r)
		if err := s.event(ctx, tx, t, EventErased, map[string]any{"id": r.ID}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.now(), audit.Entry{TenantID: t, UserID: p.UserID, Actor: p.Email,
			Action: AuditErase, Target: fmt.Sprintf("customer:%d", r.ID), Detail: strings.TrimSpace(fmt.Sprintf("%d viewer accounts", len(viewers)))})
	})
	if err != nil {
		return Customer{}, err
	}
	if cid == 0 {
		return Customer{}, siyu.Errorf(siyu.ENOTFOUND, "customer %d not found", id)
	}
	return s.customer(ctx, p, cid)
}
