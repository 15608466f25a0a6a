package community

import (
	"context"
	"fmt"
	"strconv"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

type communityRow struct {
	ID             int64  `db:"id"`
	TenantID       int64  `db:"tenant_id"`
	Name           string `db:"name"`
	AvatarURL      string `db:"avatar_url"`
	Announcement   string `db:"announcement"`
	AnnouncementAt int64  `db:"announcement_at"`
	JoinMode       string `db:"join_mode"`
	Code           string `db:"code"`
	InviteCode     string `db:"invite_code"`
	SessionID      int64  `db:"session_id"`
	EntryLinkID    int64  `db:"entry_link_id"`
	EntryCode      string `db:"entry_code"`
	CreatedBy      int64  `db:"created_by"`
	CreatedAt      int64  `db:"created_at"`
	UpdatedAt      int64  `db:"updated_at"`
}

const communityCols = `id, tenant_id, name, avatar_url, announcement, announcement_at, join_mode, code, invite_code,
	session_id, entry_link_id, entry_code, created_by, created_at, updated_at`

// pageURL is the members' page of a community.
func (s *Service) pageURL(code string) string { return s.base + "/g/" + code }

func (s *Service) community(r communityRow) Community {
	c := Community{ID: r.ID, Name: r.Name, AvatarURL: r.AvatarURL, Announcement: r.Announcement,
		AnnouncementAt: msTime(r.AnnouncementAt), JoinMode: r.JoinMode, Code: r.Code, URL: s.pageURL(r.Code),
		InviteCode: r.InviteCode, InviteURL: s.pageURL(r.Code) + "?invite=" + r.InviteCode, Managers: []Manager{},
		CreatedAt: msTime(r.CreatedAt), UpdatedAt: msTime(r.UpdatedAt)}
	if r.JoinMode == JoinOpen {
		c.InviteURL = c.URL
	}
	return c
}

func notFound(id int64) error {
	return siyu.Errorf(siyu.ENOTFOUND, "community %d not found", id)
}

// getCommunity reads a live (not deleted) community of the tenant; lock takes the row
// lock on PostgreSQL so changes to one community serialise.
func getCommunity(ctx context.Context, q db.Querier, tenantID, id int64, lock bool) (communityRow, error) {
	var r communityRow
	query := `SELECT ` + communityCols + ` FROM communities WHERE tenant_id = ? AND id = ? AND deleted_at = 0`
	if lock && q.Dialect() == db.Postgres {
		query += ` FOR UPDATE`
	}
	err := q.GetContext(ctx, &r, query, tenantID, id)
	if db.IsNoRows(err) {
		return r, notFound(id)
	} else if err != nil {
		return r, fmt.Errorf("community: get %d: %w", id, err)
	}
	return r, nil
}

// byCode reads the community of a public code, whatever its tenant.
func byCode(ctx context.Context, q db.Querier, code string) (communityRow, error) {
	var r communityRow
	if !validCode(code) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "community %q not found", code)
	}
	err := q.GetContext(ctx, &r, `SELECT `+communityCols+` FROM communities WHERE code = ? AND deleted_at = 0`, code)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "community %q not found", code)
	} else if err != nil {
		return r, fmt.Errorf("community: by code: %w", err)
	}
	return r, nil
}

// memberCounts counts the members of communities.
func memberCounts(ctx context.Context, q db.Querier, tenantID int64, ids []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID int64 `db:"community_id"`
		N  int64 `db:"n"`
	}
	args := []any{tenantID}
	for _, id := range ids {
		args = append(args, id)
	}
	err := q.SelectContext(ctx, &rows, `SELECT community_id, COUNT(*) AS n FROM community_members
		WHERE tenant_id = ? AND community_id IN (`+placeholders(len(ids))+`) GROUP BY community_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("community: member counts: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.N
	}
	return out, nil
}

// managersOf reads the managers of communities with their names and roles.
func managersOf(ctx context.Context, q db.Querier, tenantID int64, ids []int64) (map[int64][]Manager, error) {
	out := map[int64][]Manager{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		Manager
		CommunityID int64 `db:"community_id"`
	}
	args := []any{tenantID}
	for _, id := range ids {
		args = append(args, id)
	}
	err := q.SelectContext(ctx, &rows, `SELECT m.community_id, m.user_id, u.name, u.role FROM community_managers m
		JOIN users u ON u.id = m.user_id AND u.tenant_id = m.tenant_id
		WHERE m.tenant_id = ? AND m.community_id IN (`+placeholders(len(ids))+`) ORDER BY m.created_at, m.user_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("community: managers: %w", err)
	}
	for _, r := range rows {
		out[r.CommunityID] = append(out[r.CommunityID], r.Manager)
	}
	return out, nil
}

// survivor is the customer a (possibly merged-away) id stands for now; erased or
// unknown customers are not found.
func survivor(ctx context.Context, q db.Querier, tenantID, customerID int64) (int64, error) {
	var r struct {
		ID     int64 `db:"id"`
		Erased bool  `db:"erased"`
	}
	err := q.GetContext(ctx, &r, `SELECT COALESCE(s.id, c.id) AS id,
		(COALESCE(s.erased_at, c.erased_at) IS NOT NULL) AS erased
		FROM customers c LEFT JOIN customers s ON s.tenant_id = c.tenant_id AND s.id = c.merged_into
		WHERE c.tenant_id = ? AND c.id = ?`, tenantID, customerID)
	if db.IsNoRows(err) || (err == nil && r.Erased) {
		return 0, siyu.Errorf(siyu.ENOTFOUND, "customer %d not found", customerID)
	} else if err != nil {
		return 0, fmt.Errorf("community: customer %d: %w", customerID, err)
	}
	return r.ID, nil
}

// isMember reports whether the customer (a survivor id) is a member, directly or
// through a profile merged into it.
func isMember(ctx context.Context, q db.Querier, tenantID, communityID, customerID int64) (bool, error) {
	var n int
	err := q.GetContext(ctx, &n, `SELECT COUNT(*) FROM community_members m
		JOIN customers c ON c.tenant_id = m.tenant_id AND c.id = m.customer_id
		WHERE m.tenant_id = ? AND m.community_id = ? AND (c.id = ? OR c.merged_into = ?)`,
		tenantID, communityID, customerID, customerID)
	if err != nil {
		return false, fmt.Errorf("community: membership: %w", err)
	}
	return n > 0, nil
}

func parseCursor(field, c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(c, 10, 64)
	if err != nil || n <= 0 {
		return 0, siyu.Invalid(field, "%s must be the next_cursor of the previous page", field)
	}
	return n, nil
}
