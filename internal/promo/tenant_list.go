package promo

import (
	"context"
	"fmt"
	"strings"

	"github.com/siyu-live/siyu/internal/org"
)

// TenantLottery is a lottery in the console's marketing overview: the published view
// without its entrant list (EntrantCount says how many), and once drawn the winners
// with the delivery details they gave, so the host can send the prizes.
type TenantLottery struct {
	Lottery
	WinnerDetails []WinnerDetail `json:"winner_details"`
}

// TenantLotteries returns the tenant's latest lotteries across its sessions, newest
// first, at most limit, with every winner's delivery details. The details are personal
// data, so it needs promo.manage, like LotteryWinners.
func (s *Service) TenantLotteries(ctx context.Context, p org.Principal, limit int) ([]TenantLottery, error) {
	if err := need(p, org.PermPromoManage); err != nil {
		return nil, err
	}
	var rows []lotteryRow
	if err := s.store.SelectContext(ctx, &rows, `SELECT `+lotteryCols+` FROM lotteries WHERE tenant_id = ?
		ORDER BY id DESC LIMIT ?`, p.TenantID, limit); err != nil {
		return nil, fmt.Errorf("promo: tenant lotteries: %w", err)
	}
	out := make([]TenantLottery, len(rows))
	ids := make([]any, 0, len(rows)+1)
	ids = append(ids, p.TenantID)
	byID := map[int64]*TenantLottery{}
	for i, r := range rows {
		l := r.lottery(nil, nil)
		l.EntrantCount = r.EntrantCount
		out[i] = TenantLottery{Lottery: l, WinnerDetails: []WinnerDetail{}}
		byID[r.ID] = &out[i]
		ids = append(ids, r.ID)
	}
	if len(rows) == 0 {
		return out, nil
	}
	var winners []prizeRow
	if err := s.store.SelectContext(ctx, &winners, prizeSelect+` WHERE w.tenant_id = ? AND w.lottery_id IN (?`+
		strings.Repeat(", ?", len(rows)-1)+`) ORDER BY w.lottery_id, w.place`, ids...); err != nil {
		return nil, fmt.Errorf("promo: tenant lottery winners: %w", err)
	}
	for _, w := range winners {
		l := byID[w.LotteryID]
		l.Winners = append(l.Winners, w.ViewerID)
		l.WinnerDetails = append(l.WinnerDetails, WinnerDetail{PrizeID: w.ID, ViewerID: w.ViewerID, Nickname: w.Nickname,
			Place: w.Place, Delivery: w.prize().Delivery})
	}
	return out, nil
}

// TenantEnvelopes returns the tenant's latest red envelopes across its sessions,
// newest first, at most limit, for the console's marketing overview.
func (s *Service) TenantEnvelopes(ctx context.Context, p org.Principal, limit int) ([]EnvelopeSummary, error) {
	var rows []envelopeRow
	if err := s.store.SelectContext(ctx, &rows, `SELECT `+envelopeCols+` FROM red_envelopes WHERE tenant_id = ?
		ORDER BY id DESC LIMIT ?`, p.TenantID, limit); err != nil {
		return nil, fmt.Errorf("promo: tenant red envelopes: %w", err)
	}
	out := make([]EnvelopeSummary, len(rows))
	for i, r := range rows {
		out[i] = r.envelope()
	}
	return out, nil
}
