package community

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// Member is one member as staff see it: the customer they are now (merges followed),
// masked for staff without contacts.view.
type Member struct {
	CustomerID int64     `json:"customer_id"`
	Name       string    `json:"name"`
	Phone      string    `json:"phone,omitempty"`
	Source     string    `json:"source"` // staff | rule | join
	JoinedAt   time.Time `json:"joined_at"`
}

// MembersInput is the body of POST /api/v1/communities/{id}/members: customers by id,
// or everyone a rule (tag:vip AND NOT tag:churned) or saved segment holds for now.
type MembersInput struct {
	CustomerIDs []int64 `json:"customer_ids,omitempty"`
	Rule        string  `json:"rule,omitempty"`
	SegmentID   int64   `json:"segment_id,omitempty"`
}

// MembersAdded says how many customers became members and how many there are now.
type MembersAdded struct {
	Added   int64 `json:"added"`
	Members int64 `json:"members"`
}

// MemberCustomerIDs returns the ids of the customers who are members (as they are now:
// merged-away members count as their survivor, erased ones not at all), for one-click
// reach to a community. A community that is not the tenant's is not found.
func (s *Service) MemberCustomerIDs(ctx context.Context, tenantID, communityID int64) ([]int64, error) {
	if _, err := getCommunity(ctx, s.store, tenantID, communityID, false); err != nil {
		return nil, err
	}
	ids := []int64{}
	err := s.store.SelectContext(ctx, &ids, `SELECT DISTINCT s.id FROM community_members m
		JOIN customers c ON c.tenant_id = m.tenant_id AND c.id = m.customer_id
		JOIN customers s ON s.tenant_id = c.tenant_id AND s.id = COALESCE(c.merged_into, c.id)
		WHERE m.tenant_id = ? AND m.community_id = ? AND s.erased_at IS NULL ORDER BY s.id`, tenantID, communityID)
	if err != nil {
		return nil, fmt.Errorf("community: member ids: %w", err)
	}
	return ids, nil
}

// AddMembers makes customers members, by id or by rule. Unknown (or another brand's)
// customer ids are invalid; customers already members are counted once.
func (s *Service) AddMembers(ctx context.Context, p org.Principal, id int64, in MembersInput) (MembersAdded, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return MembersAdded{}, err
	}
	if _, err := getCommunity(ctx, s.store, p.TenantID, id, false); err != nil {
		return MembersAdded{}, err
	}
	ids, source, err := s.candidates(ctx, p, in)
	if err != nil {
		return MembersAdded{}, err
	}
	var out MembersAdded
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if _, err := getCommunity(ctx, tx, p.TenantID, id, true); err != nil {
			return err
		}
		if source == SourceStaff {
			for i, c := range ids {
				sv, err := survivor(ctx, tx, p.TenantID, c)
				if siyu.ErrorCode(err) == siyu.ENOTFOUND {
					return siyu.Invalid("customer_ids", "customer %d not found", c)
				} else if err != nil {
					return err
				}
				ids[i] = sv
			}
			ids = slices.Compact(slices.Sorted(slices.Values(ids)))
		}
		now := s.now().UnixMilli()
		for chunk := range slices.Chunk(ids, 200) {
			n, err := insertMembers(ctx, tx, p.TenantID, id, chunk, source, p.UserID, now)
			if err != nil {
				return err
			}
			out.Added += n
		}
		return tx.GetContext(ctx, &out.Members, `SELECT COUNT(*) FROM community_members WHERE tenant_id = ? AND community_id = ?`,
			p.TenantID, id)
	})
	return out, err
}

// candidates reads the customer ids an AddMembers input names and their source.
func (s *Service) candidates(ctx context.Context, p org.Principal, in MembersInput) ([]int64, string, error) {
	rule := strings.TrimSpace(in.Rule)
	given := 0
	for _, b := range []bool{len(in.CustomerIDs) > 0, rule != "", in.SegmentID != 0} {
		if b {
			given++
		}
	}
	if given != 1 {
		return nil, "", siyu.Invalid("customer_ids", "give exactly one of customer_ids, rule or segment_id")
	}
	if len(in.CustomerIDs) > 0 {
		if len(in.CustomerIDs) > MaxAddByID {
			return nil, "", siyu.Invalid("customer_ids", "at most %d customers at a time", MaxAddByID)
		}
		return slices.Clone(in.CustomerIDs), SourceStaff, nil
	}
	field := "rule"
	if s.segments == nil {
		return nil, "", siyu.Invalid(field, "adding members by rule is not available")
	}
	if in.SegmentID != 0 {
		field = "segment_id"
		seg, err := s.segments.Get(ctx, p, in.SegmentID)
		if siyu.ErrorCode(err) == siyu.ENOTFOUND {
			return nil, "", siyu.Invalid(field, "segment %d not found", in.SegmentID)
		} else if err != nil {
			return nil, "", err
		}
		rule = seg.Rule
	}
	ids, err := s.segments.Members(ctx, p.TenantID, rule, 0, MaxMembersByRule+1)
	if siyu.ErrorCode(err) == siyu.EINVALID {
		return nil, "", siyu.Invalid(field, "%s", siyu.ErrorMessage(err))
	} else if err != nil {
		return nil, "", err
	}
	if len(ids) > MaxMembersByRule {
		return nil, "", siyu.Invalid(field, "the rule holds for more than %d customers; narrow it", MaxMembersByRule)
	}
	return ids, SourceRule, nil
}

// insertMembers adds a batch of members and returns how many were new.
func insertMembers(ctx context.Context, q db.Querier, tenantID, id int64, customers []int64, source string, by, now int64) (int64, error) {
	if len(customers) == 0 {
		return 0, nil
	}
	var b strings.Builder
	args := make([]any, 0, len(customers)*6)
	for i, c := range customers {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?)")
		args = append(args, id, tenantID, c, source, by, now)
	}
	res, err := q.ExecContext(ctx, `INSERT INTO community_members (community_id, tenant_id, customer_id, source, added_by, joined_at)
		VALUES `+b.String()+` ON CONFLICT (community_id, customer_id) DO NOTHING`, args...)
	if err != nil {
		return 0, fmt.Errorf("community: add members: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// RemoveMember takes a customer (or a profile merged into it) out of the community.
func (s *Service) RemoveMember(ctx context.Context, p org.Principal, id, customerID int64) error {
	if err := need(p, org.PermCustomersManage); err != nil {
		return err
	}
	return s.store.Tx(ctx, func(tx *db.Tx) error {
		if _, err := getCommunity(ctx, tx, p.TenantID, id, true); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM community_members WHERE tenant_id = ? AND community_id = ? AND customer_id IN
			(SELECT c.id FROM customers c WHERE c.tenant_id = ? AND (c.id = ? OR c.merged_into = ?))`,
			p.TenantID, id, p.TenantID, customerID, customerID)
		if err != nil {
			return fmt.Errorf("community: remove member: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return siyu.Errorf(siyu.ENOTFOUND, "customer %d is not a member of community %d", customerID, id)
		}
		return nil
	})
}

// ListMembers lists members, most recently joined first, a page at a time (the cursor
// is the next_cursor of the previous page).
func (s *Service) ListMembers(ctx context.Context, p org.Principal, id int64, cursor string, limit int) ([]Member, string, error) {
	if err := need(p, org.PermCustomersView); err != nil {
		return nil, "", err
	}
	if limit < 1 || limit > 200 {
		return nil, "", siyu.Invalid("limit", "limit must be between 1 and 200")
	}
	if _, err := getCommunity(ctx, s.store, p.TenantID, id, false); err != nil {
		return nil, "", err
	}
	at, after := int64(1<<62), int64(1<<62)
	if cursor != "" {
		a, b, ok := strings.Cut(cursor, "-")
		var err1, err2 error
		at, err1 = strconv.ParseInt(a, 10, 64)
		after, err2 = strconv.ParseInt(b, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, "", siyu.Invalid("cursor", "cursor must be the next_cursor of the previous page")
		}
	}
	var rows []struct {
		CustomerID int64   `db:"customer_id"`
		Survivor   int64   `db:"survivor"`
		Name       string  `db:"name"`
		Phone      *string `db:"phone"`
		Source     string  `db:"source"`
		JoinedAt   int64   `db:"joined_at"`
	}
	err := s.store.SelectContext(ctx, &rows, `SELECT m.customer_id, s.id AS survivor, s.name, s.phone, m.source, m.joined_at
		FROM community_members m
		JOIN customers c ON c.tenant_id = m.tenant_id AND c.id = m.customer_id
		JOIN customers s ON s.tenant_id = c.tenant_id AND s.id = COALESCE(c.merged_into, c.id)
		WHERE m.tenant_id = ? AND m.community_id = ? AND (m.joined_at < ? OR (m.joined_at = ? AND m.customer_id < ?))
		ORDER BY m.joined_at DESC, m.customer_id DESC LIMIT ?`, p.TenantID, id, at, at, after, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("community: list members: %w", err)
	}
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[limit-1]
		next = fmt.Sprintf("%d-%d", last.JoinedAt, last.CustomerID)
	}
	contacts := p.Can(org.PermContactsView)
	out := make([]Member, len(rows))
	for i, r := range rows {
		m := Member{CustomerID: r.Survivor, Name: r.Name, Source: r.Source, JoinedAt: msTime(r.JoinedAt)}
		if r.Phone != nil {
			m.Phone = *r.Phone
			if !contacts {
				m.Phone = crm.MaskPhone(m.Phone)
			}
		}
		out[i] = m
	}
	return out, next, nil
}
