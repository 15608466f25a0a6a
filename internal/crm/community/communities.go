package community

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// Create makes a community with fresh public and invite codes; its managers are the
// staff given, or the creator.
func (s *Service) Create(ctx context.Context, p org.Principal, in Input) (Community, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return Community{}, err
	}
	if err := in.check(); err != nil {
		return Community{}, err
	}
	managers := in.ManagerIDs
	if len(managers) == 0 && p.UserID != 0 {
		managers = []int64{p.UserID}
	}
	now := s.now().UnixMilli()
	var id int64
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := checkStaff(ctx, tx, p.TenantID, managers); err != nil {
			return err
		}
		invite, err := s.newCode()
		if err != nil {
			return err
		}
		announced := int64(0)
		if in.Announcement != "" {
			announced = now
		}
		for range 5 {
			code, err := s.newCode()
			if err != nil {
				return err
			}
			err = tx.WriteGetContext(ctx, &id, `INSERT INTO communities (tenant_id, name, avatar_url, announcement, announcement_at,
				join_mode, code, invite_code, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (code) DO NOTHING RETURNING id`,
				p.TenantID, in.Name, in.AvatarURL, in.Announcement, announced, in.JoinMode, code, invite, p.UserID, now, now)
			if db.IsNoRows(err) {
				continue // the code is taken: draw again
			} else if err != nil {
				return fmt.Errorf("community: create: %w", err)
			}
			return insertManagers(ctx, tx, p.TenantID, id, managers, now)
		}
		return fmt.Errorf("community: create: no free code after 5 draws")
	})
	if err != nil {
		return Community{}, err
	}
	return s.Get(ctx, p, id)
}

// checkStaff insists every id is an active staff member of the tenant.
func checkStaff(ctx context.Context, q db.Querier, tenantID int64, ids []int64) error {
	for _, id := range ids {
		var n int
		if err := q.GetContext(ctx, &n, `SELECT COUNT(*) FROM users WHERE tenant_id = ? AND id = ? AND disabled = 0`,
			tenantID, id); err != nil {
			return fmt.Errorf("community: staff %d: %w", id, err)
		}
		if n == 0 {
			return siyu.Invalid("manager_ids", "manager %d is not an active staff member of this brand", id)
		}
	}
	return nil
}

func insertManagers(ctx context.Context, tx *db.Tx, tenantID, id int64, users []int64, now int64) error {
	for _, u := range users {
		if _, err := tx.ExecContext(ctx, `INSERT INTO community_managers (community_id, tenant_id, user_id, created_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (community_id, user_id) DO NOTHING`, id, tenantID, u, now); err != nil {
			return fmt.Errorf("community: add manager: %w", err)
		}
	}
	return nil
}

// Get returns one community with its member count, managers and live preview.
func (s *Service) Get(ctx context.Context, p org.Principal, id int64) (Community, error) {
	if err := need(p, org.PermCustomersView); err != nil {
		return Community{}, err
	}
	r, err := getCommunity(ctx, s.store, p.TenantID, id, false)
	if err != nil {
		return Community{}, err
	}
	out, err := s.fill(ctx, p.TenantID, []communityRow{r})
	if err != nil {
		return Community{}, err
	}
	return out[0], nil
}

// fill turns rows into communities with counts, managers and the linked live.
func (s *Service) fill(ctx context.Context, tenantID int64, rows []communityRow) ([]Community, error) {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	counts, err := memberCounts(ctx, s.store, tenantID, ids)
	if err != nil {
		return nil, err
	}
	managers, err := managersOf(ctx, s.store, tenantID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Community, len(rows))
	for i, r := range rows {
		c := s.community(r)
		c.MemberCount = counts[r.ID]
		if m := managers[r.ID]; m != nil {
			c.Managers = m
		}
		if c.Live, err = s.livePreview(ctx, r); err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// List returns the tenant's communities newest first, below the id cursor, with the
// cursor of the next page ("" on the last).
func (s *Service) List(ctx context.Context, p org.Principal, cursor string, limit int) ([]Community, string, error) {
	if err := need(p, org.PermCustomersView); err != nil {
		return nil, "", err
	}
	before, err := parseCursor("cursor", cursor)
	if err != nil {
		return nil, "", err
	}
	if before == 0 {
		before = 1 << 62
	}
	if limit < 1 || limit > 200 {
		return nil, "", siyu.Invalid("limit", "limit must be between 1 and 200")
	}
	var rows []communityRow
	if err := s.store.SelectContext(ctx, &rows, `SELECT `+communityCols+` FROM communities
		WHERE tenant_id = ? AND deleted_at = 0 AND id < ? ORDER BY id DESC LIMIT ?`, p.TenantID, before, limit+1); err != nil {
		return nil, "", fmt.Errorf("community: list: %w", err)
	}
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		next = strconv.FormatInt(rows[limit-1].ID, 10)
	}
	out, err := s.fill(ctx, p.TenantID, rows)
	return out, next, err
}

// Update changes a community's name, avatar, announcement or join mode.
func (s *Service) Update(ctx context.Context, p org.Principal, id int64, in Patch) (Community, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return Community{}, err
	}
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		r, err := getCommunity(ctx, tx, p.TenantID, id, true)
		if err != nil {
			return err
		}
		announced, err := in.apply(&r)
		if err != nil {
			return err
		}
		now := s.now().UnixMilli()
		if announced {
			r.AnnouncementAt = now
		}
		_, err = tx.ExecContext(ctx, `UPDATE communities SET name = ?, avatar_url = ?, announcement = ?, announcement_at = ?,
			join_mode = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
			r.Name, r.AvatarURL, r.Announcement, r.AnnouncementAt, r.JoinMode, now, p.TenantID, id)
		return err
	})
	if err != nil {
		return Community{}, err
	}
	return s.Get(ctx, p, id)
}

// Delete removes a community: its page stops answering and what its open envelopes
// had left is refunded now.
func (s *Service) Delete(ctx context.Context, p org.Principal, id int64) error {
	if err := need(p, org.PermCustomersManage); err != nil {
		return err
	}
	var open []int64
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		if _, err := getCommunity(ctx, tx, p.TenantID, id, true); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE communities SET deleted_at = ? WHERE tenant_id = ? AND id = ?`,
			s.now().UnixMilli(), p.TenantID, id); err != nil {
			return fmt.Errorf("community: delete: %w", err)
		}
		return tx.SelectContext(ctx, &open, `SELECT id FROM community_envelopes WHERE tenant_id = ? AND community_id = ?
			AND status = ?`, p.TenantID, id, StatusOpen)
	})
	if err != nil {
		return err
	}
	for _, e := range open {
		if _, err := s.expire(ctx, p.TenantID, e); err != nil {
			return err
		}
	}
	return nil
}

// SetManagers replaces the managers of a community.
func (s *Service) SetManagers(ctx context.Context, p org.Principal, id int64, in ManagersInput) ([]Manager, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return nil, err
	}
	if len(in.UserIDs) > MaxManagers {
		return nil, siyu.Invalid("user_ids", "at most %d managers", MaxManagers)
	}
	ids := slices.Compact(slices.Sorted(slices.Values(in.UserIDs)))
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		if _, err := getCommunity(ctx, tx, p.TenantID, id, true); err != nil {
			return err
		}
		if err := checkStaff(ctx, tx, p.TenantID, ids); err != nil {
			return siyu.Invalid("user_ids", "%s", siyu.ErrorMessage(err))
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM community_managers WHERE tenant_id = ? AND community_id = ?`,
			p.TenantID, id); err != nil {
			return fmt.Errorf("community: managers: %w", err)
		}
		return insertManagers(ctx, tx, p.TenantID, id, ids, s.now().UnixMilli())
	})
	if err != nil {
		return nil, err
	}
	m, err := managersOf(ctx, s.store, p.TenantID, []int64{id})
	if err != nil {
		return nil, err
	}
	if m[id] == nil {
		return []Manager{}, nil
	}
	return m[id], nil
}

// canSpeak insists p may send envelopes and open chains in the community: a manager
// of it, or an owner/admin (staff.manage), and customers.manage either way.
func canSpeak(ctx context.Context, q db.Querier, p org.Principal, communityID int64) error {
	if err := need(p, org.PermCustomersManage); err != nil {
		return err
	}
	if p.Can(org.PermStaffManage) {
		return nil
	}
	var n int
	if err := q.GetContext(ctx, &n, `SELECT COUNT(*) FROM community_managers WHERE tenant_id = ? AND community_id = ? AND user_id = ?`,
		p.TenantID, communityID, p.UserID); err != nil {
		return fmt.Errorf("community: manager check: %w", err)
	}
	if n == 0 {
		return siyu.Errorf(siyu.EFORBIDDEN, "only the group's managers may do this")
	}
	return nil
}
