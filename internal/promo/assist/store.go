package assist

import (
	"context"
	"fmt"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/promo/offer"
)

// offerRow is an assist offer: the shared priced-offer columns and the helpers needed.
type offerRow struct {
	offer.Priced
	HelpersNeeded int `db:"helpers_needed"`
}

// offers is the shared staff and viewer code of priced offers, in assist's words.
var offers = &offer.PricedTable[offerRow, Assist]{
	PricedKind: offer.PricedKind{Pkg: "assist", Noun: "assist", Article: "an", PriceNoun: "assist price", Table: "assists",
		Column: "helpers_needed", Audit: "promo.assist", Target: "assist"},
	Views: offerViews,
	Event: func(a Assist) any { return OfferEvent{Type: "assist", Assist: a} },
	Fresh: func(r offer.Priced, helpers int) Assist {
		return offerRow{Priced: r, HelpersNeeded: helpers}.offer(0, 0)
	},
}

type campaignRow struct {
	ID            int64  `db:"id"`
	TenantID      int64  `db:"tenant_id"`
	AssistID      int64  `db:"assist_id"`
	SessionID     int64  `db:"session_id"`
	ViewerID      int64  `db:"viewer_id"`
	OwnerNickname string `db:"owner_nickname"`
	Code          string `db:"code"`
	HelpersNeeded int    `db:"helpers_needed"`
	HelperCount   int    `db:"helper_count"`
	Status        string `db:"status"`
	OrderID       int64  `db:"order_id"`
	ExpiresAt     int64  `db:"expires_at"`
	UnlockedAt    int64  `db:"unlocked_at"`
	CreatedAt     int64  `db:"created_at"`
}

const campaignCols = `id, tenant_id, assist_id, session_id, viewer_id, owner_nickname, code, helpers_needed, helper_count,
	status, order_id, expires_at, unlocked_at, created_at`

func (r offerRow) offer(campaigns, unlocked int) Assist {
	return Assist{PricedView: r.View(), HelpersNeeded: r.HelpersNeeded, Campaigns: campaigns, Unlocked: unlocked}
}

func (r campaignRow) campaign(off offerRow, helpers []string) Campaign {
	if helpers == nil {
		helpers = []string{}
	}
	return Campaign{ID: r.ID, AssistID: r.AssistID, Code: r.Code, OwnerNickname: r.OwnerNickname, HelpersNeeded: r.HelpersNeeded,
		Helpers: helpers, Status: r.Status, ExpiresAt: offer.Time(r.ExpiresAt), OrderID: r.OrderID,
		SharePath: fmt.Sprintf("/live/s/%d?assist=%s", r.SessionID, r.Code), ProductName: off.ProductName, Image: off.Image,
		Price: off.Price, OriginalPrice: off.OriginalPrice}
}

func getOffer(ctx context.Context, q db.Querier, tenantID, id int64) (offerRow, error) {
	return offers.Get(ctx, q, tenantID, id)
}

// campaignWhere reads one campaign of a tenant by a condition on one column.
func campaignWhere(ctx context.Context, q db.Querier, tenantID int64, col string, val any) (campaignRow, error) {
	var r campaignRow
	err := q.GetContext(ctx, &r, `SELECT `+campaignCols+` FROM assist_campaigns WHERE tenant_id = ? AND `+col+` = ?`, tenantID, val)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "assist campaign not found")
	} else if err != nil {
		return r, fmt.Errorf("assist: get campaign: %w", err)
	}
	return r, nil
}

// ownCampaign reads the viewer's campaign of an offer; found is false for none.
func ownCampaign(ctx context.Context, q db.Querier, tenantID, offerID, viewerID int64) (campaignRow, bool, error) {
	var r campaignRow
	err := q.GetContext(ctx, &r, `SELECT `+campaignCols+` FROM assist_campaigns WHERE tenant_id = ? AND assist_id = ? AND viewer_id = ?`,
		tenantID, offerID, viewerID)
	if db.IsNoRows(err) {
		return r, false, nil
	} else if err != nil {
		return r, false, fmt.Errorf("assist: own campaign: %w", err)
	}
	return r, true, nil
}

// helperNames reads the helpers' nicknames of a campaign in help order.
func helperNames(ctx context.Context, q db.Querier, tenantID, campaignID int64) ([]string, error) {
	var out []string
	if err := q.SelectContext(ctx, &out, `SELECT nickname FROM assist_helps WHERE tenant_id = ? AND campaign_id = ? ORDER BY id`,
		tenantID, campaignID); err != nil {
		return nil, fmt.Errorf("assist: helpers: %w", err)
	}
	return out, nil
}

// campaignView reads a campaign's offer and helpers and returns its view.
func campaignView(ctx context.Context, q db.Querier, r campaignRow) (Campaign, error) {
	off, err := getOffer(ctx, q, r.TenantID, r.AssistID)
	if err != nil {
		return Campaign{}, err
	}
	names, err := helperNames(ctx, q, r.TenantID, r.ID)
	if err != nil {
		return Campaign{}, err
	}
	return r.campaign(off, names), nil
}

// offerViews returns the views of rows with their campaign counts.
func offerViews(ctx context.Context, q db.Querier, tenantID int64, rows []offerRow) ([]Assist, error) {
	out := make([]Assist, 0, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	args := []any{CampaignUnlocked, CampaignOrdered, tenantID}
	for _, r := range rows {
		args = append(args, r.ID)
	}
	var counts []struct {
		AssistID  int64 `db:"assist_id"`
		Campaigns int   `db:"campaigns"`
		Unlocked  int   `db:"unlocked"`
	}
	if err := q.SelectContext(ctx, &counts, `SELECT assist_id, COUNT(*) AS campaigns,
		SUM(CASE WHEN status IN (?, ?) THEN 1 ELSE 0 END) AS unlocked FROM assist_campaigns
		WHERE tenant_id = ? AND assist_id IN (?`+strings.Repeat(", ?", len(rows)-1)+`) GROUP BY assist_id`, args...); err != nil {
		return nil, fmt.Errorf("assist: count campaigns: %w", err)
	}
	byID := map[int64][2]int{}
	for _, c := range counts {
		byID[c.AssistID] = [2]int{c.Campaigns, c.Unlocked}
	}
	for _, r := range rows {
		c := byID[r.ID]
		out = append(out, r.offer(c[0], c[1]))
	}
	return out, nil
}

func offerView(ctx context.Context, q db.Querier, r offerRow) (Assist, error) {
	return offers.View(ctx, q, r)
}
