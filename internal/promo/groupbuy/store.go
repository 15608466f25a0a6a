package groupbuy

import (
	"context"
	"fmt"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/promo/offer"
)

// offerRow is a group-buy offer: the shared priced-offer columns and the group size.
type offerRow struct {
	offer.Priced
	GroupSize int `db:"group_size"`
}

// offers is the shared staff and viewer code of priced offers, in the group buy's words.
var offers = &offer.PricedTable[offerRow, GroupBuy]{
	PricedKind: offer.PricedKind{Pkg: "groupbuy", Noun: "group buy", Article: "a", PriceNoun: "group price", Table: "group_buys",
		Column: "group_size", Audit: "promo.group_buy", Target: "group_buy"},
	Views: offerViews,
	Event: func(g GroupBuy) any { return OfferEvent{Type: "group_buy", GroupBuy: g} },
	Fresh: func(r offer.Priced, size int) GroupBuy { return offerRow{Priced: r, GroupSize: size}.offer(counts{}) },
}

type groupRow struct {
	ID             int64  `db:"id"`
	TenantID       int64  `db:"tenant_id"`
	GroupBuyID     int64  `db:"group_buy_id"`
	SessionID      int64  `db:"session_id"`
	LeaderViewerID int64  `db:"leader_viewer_id"`
	LeaderNickname string `db:"leader_nickname"`
	Size           int    `db:"size"`
	MemberCount    int    `db:"member_count"`
	PaidCount      int    `db:"paid_count"`
	Status         string `db:"status"`
	ExpiresAt      int64  `db:"expires_at"`
	FinishedAt     int64  `db:"finished_at"`
	CreatedAt      int64  `db:"created_at"`
}

const groupCols = `id, tenant_id, group_buy_id, session_id, leader_viewer_id, leader_nickname, size, member_count, paid_count,
	status, expires_at, finished_at, created_at`

type memberRow struct {
	ID         int64  `db:"id"`
	TenantID   int64  `db:"tenant_id"`
	GroupID    int64  `db:"group_id"`
	GroupBuyID int64  `db:"group_buy_id"`
	ViewerID   int64  `db:"viewer_id"`
	Nickname   string `db:"nickname"`
	OrderID    int64  `db:"order_id"`
	Paid       int    `db:"paid"`
	Forming    int    `db:"forming"`
	LeftAt     int64  `db:"left_at"`
	CreatedAt  int64  `db:"created_at"`
}

const memberCols = `id, tenant_id, group_id, group_buy_id, viewer_id, nickname, order_id, paid, forming, left_at, created_at`

func (r offerRow) offer(c counts) GroupBuy {
	return GroupBuy{PricedView: r.View(), GroupSize: r.GroupSize, GroupsForming: c.forming, GroupsSucceeded: c.succeeded,
		GroupsFailed: c.failed}
}

// group is the view of r with its seated members (members of other groups are skipped).
func (r groupRow) group(members []memberRow) Group {
	g := Group{ID: r.ID, GroupBuyID: r.GroupBuyID, LeaderNickname: r.LeaderNickname, Size: r.Size, Members: []Member{},
		PaidCount: r.PaidCount, Status: r.Status, ExpiresAt: offer.Time(r.ExpiresAt), FinishedAt: offer.Time(r.FinishedAt)}
	for _, m := range members {
		if m.GroupID == r.ID && m.LeftAt == 0 {
			g.Members = append(g.Members, Member{ViewerID: m.ViewerID, Nickname: m.Nickname, Paid: m.Paid != 0})
		}
	}
	return g
}

// getOffer reads a tenant's offer.
func getOffer(ctx context.Context, q db.Querier, tenantID, id int64) (offerRow, error) {
	return offers.Get(ctx, q, tenantID, id)
}

// getGroup reads a tenant's group.
func getGroup(ctx context.Context, q db.Querier, tenantID, id int64) (groupRow, error) {
	var r groupRow
	err := q.GetContext(ctx, &r, `SELECT `+groupCols+` FROM group_buy_groups WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "group %d not found", id)
	} else if err != nil {
		return r, fmt.Errorf("groupbuy: get group: %w", err)
	}
	return r, nil
}

// memberByOrder finds the seat an order belongs to; found is false for none.
func memberByOrder(ctx context.Context, q db.Querier, tenantID, orderID int64) (m memberRow, found bool, err error) {
	err = q.GetContext(ctx, &m, `SELECT `+memberCols+` FROM group_buy_members WHERE tenant_id = ? AND order_id = ?`, tenantID, orderID)
	if db.IsNoRows(err) {
		return m, false, nil
	} else if err != nil {
		return m, false, fmt.Errorf("groupbuy: member of order %d: %w", orderID, err)
	}
	return m, true, nil
}

// formingSeat returns the viewer's seat in a forming group of the offer, if any.
func formingSeat(ctx context.Context, q db.Querier, tenantID, offerID, viewerID int64) (m memberRow, found bool, err error) {
	err = q.GetContext(ctx, &m, `SELECT `+memberCols+` FROM group_buy_members WHERE tenant_id = ? AND group_buy_id = ?
		AND viewer_id = ? AND forming = 1`, tenantID, offerID, viewerID)
	if db.IsNoRows(err) {
		return m, false, nil
	} else if err != nil {
		return m, false, fmt.Errorf("groupbuy: seat: %w", err)
	}
	return m, true, nil
}

// membersOf reads the members (seated or not) of the given groups in join order.
func membersOf(ctx context.Context, q db.Querier, tenantID int64, groupIDs []int64) ([]memberRow, error) {
	if len(groupIDs) == 0 {
		return nil, nil
	}
	args := []any{tenantID}
	for _, id := range groupIDs {
		args = append(args, id)
	}
	var out []memberRow
	if err := q.SelectContext(ctx, &out, `SELECT `+memberCols+` FROM group_buy_members WHERE tenant_id = ? AND group_id IN (?`+
		strings.Repeat(", ?", len(groupIDs)-1)+`) ORDER BY id`, args...); err != nil {
		return nil, fmt.Errorf("groupbuy: members: %w", err)
	}
	return out, nil
}

// groupViews reads the members of rows and returns their views in rows' order.
func groupViews(ctx context.Context, q db.Querier, tenantID int64, rows []groupRow) ([]Group, error) {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	members, err := membersOf(ctx, q, tenantID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Group, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.group(members))
	}
	return out, nil
}

// groupView reads one group with its members.
func groupView(ctx context.Context, q db.Querier, tenantID, id int64) (Group, groupRow, []memberRow, error) {
	r, err := getGroup(ctx, q, tenantID, id)
	if err != nil {
		return Group{}, r, nil, err
	}
	members, err := membersOf(ctx, q, tenantID, []int64{id})
	if err != nil {
		return Group{}, r, nil, err
	}
	return r.group(members), r, members, nil
}

// counts are an offer's groups by status.
type counts struct{ forming, succeeded, failed int }

// countGroups counts the groups of the given offers by status.
func countGroups(ctx context.Context, q db.Querier, tenantID int64, offerIDs []int64) (map[int64]counts, error) {
	out := map[int64]counts{}
	if len(offerIDs) == 0 {
		return out, nil
	}
	args := []any{tenantID}
	for _, id := range offerIDs {
		args = append(args, id)
	}
	var rows []struct {
		OfferID int64  `db:"group_buy_id"`
		Status  string `db:"status"`
		N       int    `db:"n"`
	}
	if err := q.SelectContext(ctx, &rows, `SELECT group_buy_id, status, COUNT(*) AS n FROM group_buy_groups WHERE tenant_id = ?
		AND group_buy_id IN (?`+strings.Repeat(", ?", len(offerIDs)-1)+`) GROUP BY group_buy_id, status`, args...); err != nil {
		return nil, fmt.Errorf("groupbuy: count groups: %w", err)
	}
	for _, r := range rows {
		c := out[r.OfferID]
		switch r.Status {
		case GroupForming:
			c.forming += r.N
		case GroupSucceeded:
			c.succeeded += r.N
		case GroupFailed:
			c.failed += r.N
		}
		out[r.OfferID] = c
	}
	return out, nil
}

// offerViews returns the views of rows with their group counts.
func offerViews(ctx context.Context, q db.Querier, tenantID int64, rows []offerRow) ([]GroupBuy, error) {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	c, err := countGroups(ctx, q, tenantID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]GroupBuy, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.offer(c[r.ID]))
	}
	return out, nil
}

// offerView returns one offer's view.
func offerView(ctx context.Context, q db.Querier, r offerRow) (GroupBuy, error) {
	return offers.View(ctx, q, r)
}
