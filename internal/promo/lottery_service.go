package promo

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/org"
)

// DrawJobKind is the durable job that draws a lottery at its draw time.
const DrawJobKind = "promo.lottery.draw"

func drawKey(id int64) string { return DrawJobKind + ":" + strconv.FormatInt(id, 10) }

type drawPayload struct {
	LotteryID int64 `json:"lottery_id"`
}

// CreateLottery launches a lottery in a live session: a fresh 32-byte seed from
// crypto/rand is stored and only its commitment published; the draw job is queued for
// launch + delay (unique per lottery). Personal-plan tenants may launch
// Settings.PersonalLotteriesPerMonth lotteries per calendar month (China time):
// beyond that the answer is 409 lottery_limit_reached. Enterprise is unlimited.
func (s *Service) CreateLottery(ctx context.Context, p org.Principal, sessionID int64, in LotteryInput) (Lottery, error) {
	if err := need(p, org.PermPromoManage); err != nil {
		return Lottery{}, err
	}
	set, err := s.settings(ctx, p.TenantID)
	if err != nil {
		return Lottery{}, err
	}
	if err := in.check(set.LotteryDrawDelaySeconds); err != nil {
		return Lottery{}, err
	}
	if _, err := liveSession(ctx, s.store, p.TenantID, sessionID); err != nil {
		return Lottery{}, err
	}
	seed := make([]byte, SeedBytes)
	if _, err := io.ReadFull(s.random, seed); err != nil {
		return Lottery{}, fmt.Errorf("promo: lottery seed: %w", err)
	}
	now := s.now()
	drawAt := now.Add(time.Duration(in.DrawAfterSeconds) * time.Second)
	r := lotteryRow{TenantID: p.TenantID, SessionID: sessionID, CreatedBy: p.UserID, Prize: in.Prize, WinnerCount: in.Winners,
		Condition: in.Condition, Password: in.Password, MinWatchMs: int64(in.MinWatchMinutes) * 60000,
		Seed: hex.EncodeToString(seed), Commitment: Commitment(seed), Status: LotteryOpen, DrawAt: drawAt.UnixMilli(),
		CreatedAt: now.UnixMilli()}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := s.countLaunch(ctx, tx, p.TenantID, r.CreatedAt, set.PersonalLotteriesPerMonth); err != nil {
			return err
		}
		id, err := db.Insert(ctx, tx, `INSERT INTO lotteries (tenant_id, session_id, created_by, prize, winner_count, condition,
			password, min_watch_ms, seed, commitment, draw_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.TenantID, r.SessionID, r.CreatedBy, r.Prize, r.WinnerCount, r.Condition, r.Password, r.MinWatchMs, r.Seed,
			r.Commitment, r.DrawAt, r.CreatedAt)
		if err != nil {
			return fmt.Errorf("promo: create lottery: %w", err)
		}
		r.ID = id
		if s.queue != nil {
			payload, _ := json.Marshal(drawPayload{LotteryID: id})
			if _, err := s.queue.Enqueue(ctx, tx, jobs.Job{TenantID: p.TenantID, Kind: DrawJobKind, Payload: payload,
				RunAt: drawAt, UniqueKey: drawKey(id)}); err != nil {
				return fmt.Errorf("promo: queue draw: %w", err)
			}
		}
		if err := s.event(ctx, tx, p.TenantID, EventLotteryLaunched, r.lottery(nil, nil)); err != nil {
			return err
		}
		return s.audit(ctx, tx, p, "promo.lottery.create", "lottery:"+strconv.FormatInt(id, 10),
			fmt.Sprintf("%d × %s, condition %s", r.WinnerCount, r.Prize, r.Condition))
	})
	if err != nil {
		return Lottery{}, err
	}
	l := r.lottery(nil, nil)
	s.broadcast(sessionID, LotteryEvent{Type: "lottery", ID: l.ID, Prize: l.Prize, Winners: l.WinnerCount, DrawAt: l.DrawAt,
		Commitment: l.Commitment, Condition: l.Condition, MinWatchMinutes: l.MinWatchMinutes})
	return l, nil
}

// countLaunch enforces the personal plan's monthly limit with an atomic upsert, so two
// launches racing on PostgreSQL cannot both take the last one.
func (s *Service) countLaunch(ctx context.Context, tx *db.Tx, tenantID, at int64, limit int) error {
	var plan string
	if err := tx.GetContext(ctx, &plan, `SELECT plan FROM tenants WHERE id = ?`, tenantID); err != nil {
		return fmt.Errorf("promo: tenant plan: %w", err)
	}
	if org.Plan(plan) == org.PlanEnterprise {
		return nil
	}
	month := s.monthKey(at)
	var launched int
	if err := tx.WriteGetContext(ctx, &launched, `INSERT INTO lottery_month_counts (tenant_id, month, launched) VALUES (?, ?, 1)
		ON CONFLICT (tenant_id, month) DO UPDATE SET launched = lottery_month_counts.launched + 1 RETURNING launched`,
		tenantID, month); err != nil {
		return fmt.Errorf("promo: count lotteries: %w", err)
	}
	if launched > limit {
		return siyu.Errorf("lottery_limit_reached", "personal accounts may run %d lottery(ies) a month and this month's are used; "+
			"enterprise accounts are unrestricted", limit)
	}
	return nil
}

// GetLottery returns a tenant's lottery as published (staff).
func (s *Service) GetLottery(ctx context.Context, p org.Principal, id int64) (Lottery, error) {
	r, err := getLottery(ctx, s.store, p.TenantID, id)
	if err != nil {
		return Lottery{}, err
	}
	return s.published(ctx, r)
}

// ViewerLottery returns a lottery of the viewer's own session, saying whether they are in.
func (s *Service) ViewerLottery(ctx context.Context, v Viewer, id int64) (Lottery, error) {
	r, err := getLottery(ctx, s.store, v.TenantID, id)
	if err != nil {
		return Lottery{}, err
	}
	if r.SessionID != v.SessionID {
		return Lottery{}, siyu.Errorf(siyu.ENOTFOUND, "lottery %d not found", id)
	}
	l, err := s.published(ctx, r)
	if err != nil {
		return Lottery{}, err
	}
	in := false
	for _, e := range l.Entrants {
		in = in || e == v.ID
	}
	l.Entered = &in
	return l, nil
}

// PublicLottery returns a lottery by its commitment, for anyone who saw the commitment
// in the room and wants to verify the draw: the commitment is an unguessable handle,
// and the published data holds viewer ids only.
func (s *Service) PublicLottery(ctx context.Context, commitment string) (Lottery, error) {
	if len(commitment) != 64 {
		return Lottery{}, siyu.Errorf(siyu.ENOTFOUND, "lottery not found")
	}
	var r lotteryRow
	err := s.store.GetContext(ctx, &r, `SELECT `+lotteryCols+` FROM lotteries WHERE commitment = ?`, commitment)
	if db.IsNoRows(err) {
		return Lottery{}, siyu.Errorf(siyu.ENOTFOUND, "lottery not found")
	} else if err != nil {
		return Lottery{}, fmt.Errorf("promo: public lottery: %w", err)
	}
	return s.published(ctx, r)
}

// ListLotteries lists a session's lotteries, newest first (staff).
func (s *Service) ListLotteries(ctx context.Context, p org.Principal, sessionID int64) ([]Lottery, error) {
	var one int
	err := s.store.GetContext(ctx, &one, `SELECT 1 FROM live_sessions WHERE tenant_id = ? AND id = ?`, p.TenantID, sessionID)
	if db.IsNoRows(err) {
		return nil, siyu.Errorf(siyu.ENOTFOUND, "session %d not found", sessionID)
	} else if err != nil {
		return nil, fmt.Errorf("promo: session: %w", err)
	}
	var rows []lotteryRow
	if err := s.store.SelectContext(ctx, &rows, `SELECT `+lotteryCols+` FROM lotteries WHERE tenant_id = ? AND session_id = ?
		ORDER BY id DESC LIMIT 50`, p.TenantID, sessionID); err != nil {
		return nil, fmt.Errorf("promo: list lotteries: %w", err)
	}
	out := make([]Lottery, 0, len(rows))
	for _, r := range rows {
		l, err := s.published(ctx, r)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}
