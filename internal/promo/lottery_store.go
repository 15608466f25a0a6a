package promo

import (
	"context"
	"encoding/hex"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

type lotteryRow struct {
	ID           int64  `db:"id"`
	TenantID     int64  `db:"tenant_id"`
	SessionID    int64  `db:"session_id"`
	CreatedBy    int64  `db:"created_by"`
	Prize        string `db:"prize"`
	WinnerCount  int    `db:"winner_count"`
	Condition    string `db:"condition"`
	Password     string `db:"password"`
	MinWatchMs   int64  `db:"min_watch_ms"`
	Seed         string `db:"seed"`
	Commitment   string `db:"commitment"`
	Status       string `db:"status"`
	EntrantCount int    `db:"entrant_count"`
	DrawAt       int64  `db:"draw_at"`
	DrawnAt      int64  `db:"drawn_at"`
	CreatedAt    int64  `db:"created_at"`
}

const lotteryCols = `id, tenant_id, session_id, created_by, prize, winner_count, condition, password, min_watch_ms, seed,
	commitment, status, entrant_count, draw_at, drawn_at, created_at`

// seedBytes decodes the stored seed.
func (r lotteryRow) seedBytes() ([]byte, error) {
	b, err := hex.DecodeString(r.Seed)
	if err != nil || len(b) != SeedBytes {
		return nil, fmt.Errorf("promo: lottery %d has a corrupt seed", r.ID)
	}
	return b, nil
}

// lottery is the published view; the seed only once drawn, the password never.
func (r lotteryRow) lottery(entrants, winners []int64) Lottery {
	l := Lottery{ID: r.ID, SessionID: r.SessionID, Prize: r.Prize, WinnerCount: r.WinnerCount, Condition: r.Condition,
		MinWatchMinutes: int(r.MinWatchMs / 60000), Status: r.Status, Algorithm: LotteryAlgorithm, Commitment: r.Commitment,
		DrawAt: msTime(r.DrawAt), DrawnAt: msTime(r.DrawnAt), CreatedAt: msTime(r.CreatedAt), EntrantCount: len(entrants),
		Entrants: entrants, Winners: winners}
	if r.Status == LotteryDrawn {
		l.Seed = r.Seed
	}
	if l.Entrants == nil {
		l.Entrants = []int64{}
	}
	if l.Winners == nil {
		l.Winners = []int64{}
	}
	return l
}

// getLottery reads a tenant's lottery (tenantID 0: any tenant, for the draw job).
func getLottery(ctx context.Context, q db.Querier, tenantID, id int64) (lotteryRow, error) {
	var r lotteryRow
	query, args := `SELECT `+lotteryCols+` FROM lotteries WHERE id = ?`, []any{id}
	if tenantID != 0 {
		query, args = query+` AND tenant_id = ?`, append(args, tenantID)
	}
	err := q.GetContext(ctx, &r, query, args...)
	if db.IsNoRows(err) {
		return r, siyu.Errorf(siyu.ENOTFOUND, "lottery %d not found", id)
	} else if err != nil {
		return r, fmt.Errorf("promo: get lottery: %w", err)
	}
	return r, nil
}

// lotteryLists reads the published entrant list (entry order) and winners (draw order).
func lotteryLists(ctx context.Context, q db.Querier, r lotteryRow) (entrants, winners []int64, err error) {
	if err := q.SelectContext(ctx, &entrants, `SELECT viewer_id FROM lottery_entries WHERE tenant_id = ? AND lottery_id = ?
		ORDER BY id`, r.TenantID, r.ID); err != nil {
		return nil, nil, fmt.Errorf("promo: lottery entrants: %w", err)
	}
	if r.Status == LotteryDrawn {
		if err := q.SelectContext(ctx, &winners, `SELECT viewer_id FROM lottery_winners WHERE tenant_id = ? AND lottery_id = ?
			ORDER BY place`, r.TenantID, r.ID); err != nil {
			return nil, nil, fmt.Errorf("promo: lottery winners: %w", err)
		}
	}
	return entrants, winners, nil
}

func (s *Service) published(ctx context.Context, r lotteryRow) (Lottery, error) {
	entrants, winners, err := lotteryLists(ctx, s.store, r)
	if err != nil {
		return Lottery{}, err
	}
	return r.lottery(entrants, winners), nil
}

// getEntry returns a viewer's entry and its 1-based position, or not found.
func getEntry(ctx context.Context, q db.Querier, tenantID, lotteryID, viewerID int64) (Entry, error) {
	var row struct {
		ID        int64 `db:"id"`
		CreatedAt int64 `db:"created_at"`
	}
	err := q.GetContext(ctx, &row, `SELECT id, created_at FROM lottery_entries WHERE tenant_id = ? AND lottery_id = ? AND viewer_id = ?`,
		tenantID, lotteryID, viewerID)
	if db.IsNoRows(err) {
		return Entry{}, siyu.Errorf(siyu.ENOTFOUND, "no entry")
	} else if err != nil {
		return Entry{}, fmt.Errorf("promo: get entry: %w", err)
	}
	var pos int
	if err := q.GetContext(ctx, &pos, `SELECT COUNT(*) FROM lottery_entries WHERE lottery_id = ? AND id <= ?`, lotteryID, row.ID); err != nil {
		return Entry{}, fmt.Errorf("promo: entry position: %w", err)
	}
	return Entry{LotteryID: lotteryID, ViewerID: viewerID, Position: pos, EnteredAt: msTime(row.CreatedAt)}, nil
}

// monthKey is the calendar month (yyyymm) of ms in China time, for the monthly limit.
func (s *Service) monthKey(ms int64) int {
	t := msTime(ms).In(s.loc)
	return t.Year()*100 + int(t.Month())
}
