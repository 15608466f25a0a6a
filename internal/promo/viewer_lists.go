package promo

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// What a viewer who opens the room (or comes back to it from the cashier) is shown of
// the session's red envelopes and lotteries. Room events only reach viewers who are
// connected when they happen, so the room page asks these lists once it joins.

// RecentDrawWindow is how long after the draw a lottery is still listed for the room's
// viewers: long enough for a winner who was paying elsewhere to come back and see it.
const RecentDrawWindow = 30 * time.Minute

// maxViewerListed bounds each list: a room shows a handful of tools at a time.
const maxViewerListed = 20

// ViewerEnvelopeItem is an open red envelope of the viewer's session with what the
// viewer grabbed of it (0: not grabbed yet), so a late joiner sees the envelopes still
// worth tapping and which ones they already opened.
type ViewerEnvelopeItem struct {
	EnvelopeSummary
	MyAmount int64 `json:"my_amount"`
}

// ViewerLotteryItem is a lottery as the room shows it: no entrant list (it can be
// long; GET /api/v1/viewer/lotteries/{id} has it), whether the viewer entered, and once
// drawn the winners with their nicknames and, for a winner, their prize.
type ViewerLotteryItem struct {
	ID              int64     `json:"id"`
	SessionID       int64     `json:"session_id"`
	Prize           string    `json:"prize"`
	WinnerCount     int       `json:"winner_count"`
	Condition       string    `json:"condition"`
	MinWatchMinutes int       `json:"min_watch_minutes,omitempty"`
	Status          string    `json:"status"` // open | drawn
	Algorithm       string    `json:"algorithm"`
	Commitment      string    `json:"commitment"`
	Seed            string    `json:"seed,omitempty"`
	DrawAt          time.Time `json:"draw_at"`
	DrawnAt         time.Time `json:"drawn_at,omitzero"`
	CreatedAt       time.Time `json:"created_at"`
	EntrantCount    int       `json:"entrant_count"`
	Entered         bool      `json:"entered"`
	Winners         []Winner  `json:"winners"`
	// MyPrizeID is the viewer's prize when they won (its form is PrizeFormPath).
	MyPrizeID int64 `json:"my_prize_id,omitempty"`
}

// prefixCols qualifies a column list with a table alias, for joins.
func prefixCols(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = alias + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// ViewerEnvelopes lists the red envelopes of the viewer's session that can still be
// grabbed (open and not past their expiry), newest first, with the viewer's own amount.
func (s *Service) ViewerEnvelopes(ctx context.Context, v Viewer) ([]ViewerEnvelopeItem, error) {
	var rows []struct {
		envelopeRow
		MyAmount int64 `db:"my_amount"`
	}
	if err := s.store.SelectContext(ctx, &rows, `SELECT `+prefixCols("e.", envelopeCols)+`, COALESCE(g.amount, 0) AS my_amount
		FROM red_envelopes e LEFT JOIN red_envelope_grabs g ON g.envelope_id = e.id AND g.viewer_id = ?
		WHERE e.tenant_id = ? AND e.session_id = ? AND e.status = 'open' AND e.expires_at > ?
		ORDER BY e.id DESC LIMIT ?`, v.ID, v.TenantID, v.SessionID, s.now().UnixMilli(), maxViewerListed); err != nil {
		return nil, fmt.Errorf("promo: viewer red envelopes: %w", err)
	}
	out := make([]ViewerEnvelopeItem, len(rows))
	for i, r := range rows {
		out[i] = ViewerEnvelopeItem{EnvelopeSummary: r.envelope(), MyAmount: r.MyAmount}
	}
	return out, nil
}

// ViewerLotteries lists the lotteries of the viewer's session that are open or were
// drawn within RecentDrawWindow, newest first, saying whether the viewer entered and,
// for drawn ones, who won.
func (s *Service) ViewerLotteries(ctx context.Context, v Viewer) ([]ViewerLotteryItem, error) {
	since := s.now().Add(-RecentDrawWindow).UnixMilli()
	var rows []lotteryRow
	if err := s.store.SelectContext(ctx, &rows, `SELECT `+lotteryCols+` FROM lotteries
		WHERE tenant_id = ? AND session_id = ? AND (status = 'open' OR drawn_at > ?)
		ORDER BY id DESC LIMIT ?`, v.TenantID, v.SessionID, since, maxViewerListed); err != nil {
		return nil, fmt.Errorf("promo: viewer lotteries: %w", err)
	}
	out := make([]ViewerLotteryItem, 0, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	var entered []int64
	if err := s.store.SelectContext(ctx, &entered, `SELECT lottery_id FROM lottery_entries WHERE tenant_id = ? AND viewer_id = ?`,
		v.TenantID, v.ID); err != nil {
		return nil, fmt.Errorf("promo: viewer entries: %w", err)
	}
	var winners []struct {
		LotteryID int64  `db:"lottery_id"`
		PrizeID   int64  `db:"id"`
		ViewerID  int64  `db:"viewer_id"`
		Nickname  string `db:"nickname"`
	}
	if err := s.store.SelectContext(ctx, &winners, `SELECT w.lottery_id, w.id, w.viewer_id, COALESCE(v.nickname, '') AS nickname
		FROM lottery_winners w JOIN lotteries l ON l.id = w.lottery_id LEFT JOIN viewers v ON v.id = w.viewer_id
		WHERE w.tenant_id = ? AND l.session_id = ? AND l.status = 'drawn' AND l.drawn_at > ?
		ORDER BY w.lottery_id, w.place`, v.TenantID, v.SessionID, since); err != nil {
		return nil, fmt.Errorf("promo: viewer lottery winners: %w", err)
	}
	in := map[int64]bool{}
	for _, id := range entered {
		in[id] = true
	}
	for _, r := range rows {
		l := r.lottery(nil, nil)
		it := ViewerLotteryItem{ID: l.ID, SessionID: l.SessionID, Prize: l.Prize, WinnerCount: l.WinnerCount, Condition: l.Condition,
			MinWatchMinutes: l.MinWatchMinutes, Status: l.Status, Algorithm: l.Algorithm, Commitment: l.Commitment, Seed: l.Seed,
			DrawAt: l.DrawAt, DrawnAt: l.DrawnAt, CreatedAt: l.CreatedAt, EntrantCount: r.EntrantCount, Entered: in[r.ID],
			Winners: []Winner{}}
		for _, w := range winners {
			if w.LotteryID != r.ID {
				continue
			}
			it.Winners = append(it.Winners, Winner{ViewerID: w.ViewerID, Nickname: w.Nickname})
			if w.ViewerID == v.ID {
				it.MyPrizeID = w.PrizeID
			}
		}
		out = append(out, it)
	}
	return out, nil
}
