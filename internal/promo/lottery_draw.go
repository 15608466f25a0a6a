package promo

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/notify"
)

// DrawnData is the data of the lottery.drawn webhook: enough to verify the draw.
type DrawnData struct {
	Lottery
	WinnerDetails []Winner `json:"winner_details"`
}

func (s *Service) drawJob(ctx context.Context, j jobs.Job) error {
	var p drawPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.LotteryID <= 0 {
		return jobs.Permanent(fmt.Errorf("promo: draw job payload %s: %v", j.Payload, err))
	}
	r, err := getLottery(ctx, s.store, 0, p.LotteryID)
	if siyu.ErrorCode(err) == siyu.ENOTFOUND {
		return jobs.Permanent(err)
	} else if err != nil {
		return err
	}
	if wait := time.UnixMilli(r.DrawAt).Sub(s.now()); wait > 0 && r.Status == LotteryOpen {
		// Another node's clock ran ahead: draw at the promised time, not before.
		return jobs.RetryAfter(fmt.Errorf("promo: lottery %d draws at %s", r.ID, msTime(r.DrawAt)), wait)
	}
	_, err = s.Draw(ctx, p.LotteryID)
	return err
}

// PrizeFormPath is the viewer page where a winner fills in delivery details.
func PrizeFormPath(prizeID int64) string { return "/live/prizes/" + strconv.FormatInt(prizeID, 10) }

// Draw draws a lottery exactly once: the transaction that flips it from open to drawn
// (guarded by status = 'open') reads the entrant list, computes the winners with
// DrawWinners, stores them, sends each winner an in-app message (deduplicated) and
// queues the webhook. A second call — a retried job, a restarted node — finds it drawn
// and changes nothing (drawn=false). The room hears the result after the commit.
func (s *Service) Draw(ctx context.Context, id int64) (drawn bool, err error) {
	var r lotteryRow
	var entrants, winners []int64
	var details []Winner
	prizeIDs := map[int64]int64{}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		now := s.now().UnixMilli()
		err := tx.WriteGetContext(ctx, &r, `UPDATE lotteries SET status = 'drawn', drawn_at = ?
			WHERE id = ? AND status = 'open' RETURNING `+lotteryCols, now, id)
		if db.IsNoRows(err) {
			return nil // already drawn
		} else if err != nil {
			return fmt.Errorf("promo: draw lottery %d: %w", id, err)
		}
		seed, err := r.seedBytes()
		if err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &entrants, `SELECT viewer_id FROM lottery_entries WHERE tenant_id = ? AND lottery_id = ?
			ORDER BY id`, r.TenantID, id); err != nil {
			return fmt.Errorf("promo: draw entrants: %w", err)
		}
		winners = DrawWinners(seed, entrants, r.WinnerCount)
		for i, w := range winners {
			prizeID, err := db.Insert(ctx, tx, `INSERT INTO lottery_winners (tenant_id, lottery_id, viewer_id, place, created_at)
				VALUES (?, ?, ?, ?, ?)`, r.TenantID, id, w, i+1, now)
			if err != nil {
				return fmt.Errorf("promo: store winner: %w", err)
			}
			prizeIDs[w] = prizeID
			if _, err := s.inApp.Send(ctx, tx, notify.Message{TenantID: r.TenantID, ViewerID: w, Kind: "lottery_won",
				Title: "恭喜中奖：" + r.Prize, Body: "你在直播抽奖中抽中了「" + r.Prize + "」，请填写收货信息，我们会尽快寄出。",
				Link: PrizeFormPath(prizeID), DedupeKey: fmt.Sprintf("lottery_won:%d:%d", id, w)}); err != nil {
				return err
			}
		}
		if details, err = nicknames(ctx, tx, r.TenantID, winners); err != nil {
			return err
		}
		drawn = true
		return s.event(ctx, tx, r.TenantID, EventLotteryDrawn, DrawnData{Lottery: r.lottery(entrants, winners), WinnerDetails: details})
	})
	if err != nil || !drawn {
		return false, err
	}
	s.broadcast(r.SessionID, DrawnEvent{Type: "lottery_drawn", ID: r.ID, Prize: r.Prize, Winners: details, Seed: r.Seed})
	for i, w := range winners {
		s.sendTo(r.SessionID, w, WonEvent{Type: "lottery_won", ID: r.ID, Prize: r.Prize, PrizeID: prizeIDs[w], Place: i + 1,
			FormURL: PrizeFormPath(prizeIDs[w]), FormAPI: "/api/v1/viewer/prizes/" + strconv.FormatInt(prizeIDs[w], 10) + "/delivery",
			SessionID: r.SessionID})
	}
	return true, nil
}

// nicknames returns the winners with their nicknames, in draw order.
func nicknames(ctx context.Context, q db.Querier, tenantID int64, ids []int64) ([]Winner, error) {
	out := make([]Winner, len(ids))
	for i, id := range ids {
		out[i].ViewerID = id
		if err := q.GetContext(ctx, &out[i].Nickname, `SELECT nickname FROM viewers WHERE tenant_id = ? AND id = ?`,
			tenantID, id); err != nil && !db.IsNoRows(err) {
			return nil, fmt.Errorf("promo: winner nickname: %w", err)
		}
	}
	return out, nil
}
