package promo

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

var errDuplicateEntry = errors.New("promo: duplicate entry")

// EnterLottery enters a viewer of the lottery's session. Entering is idempotent: a
// viewer already in gets their entry back with created=false (the API answers 200
// instead of 201), even after the draw. A new entry needs the lottery open and before
// its draw time (else 409 lottery_closed) and the conditions met (else 409
// condition_not_met naming the condition).
func (s *Service) EnterLottery(ctx context.Context, v Viewer, id int64, in EntryInput) (Entry, bool, error) {
	r, err := getLottery(ctx, s.store, v.TenantID, id)
	if err != nil {
		return Entry{}, false, err
	}
	if r.SessionID != v.SessionID {
		return Entry{}, false, siyu.Errorf(siyu.ENOTFOUND, "lottery %d not found", id)
	}
	if e, err := getEntry(ctx, s.store, v.TenantID, id, v.ID); err == nil {
		return e, false, nil
	} else if siyu.ErrorCode(err) != siyu.ENOTFOUND {
		return Entry{}, false, err
	}
	now := s.now().UnixMilli()
	if r.Status != LotteryOpen || now >= r.DrawAt {
		return Entry{}, false, siyu.Errorf("lottery_closed", "lottery %d is closed: entries ended at the draw", id)
	}
	if err := s.checkConditions(ctx, r, v, in); err != nil {
		return Entry{}, false, err
	}
	var e Entry
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		// Bumping the count takes the lottery's row lock, so the draw (which flips the
		// status under the same lock) never misses or includes an entry half-way.
		var pos int
		err := tx.WriteGetContext(ctx, &pos, `UPDATE lotteries SET entrant_count = entrant_count + 1
			WHERE id = ? AND tenant_id = ? AND status = 'open' AND draw_at > ? RETURNING entrant_count`, id, v.TenantID, now)
		if db.IsNoRows(err) {
			return siyu.Errorf("lottery_closed", "lottery %d is closed: entries ended at the draw", id)
		} else if err != nil {
			return fmt.Errorf("promo: enter lottery: %w", err)
		}
		var entryID int64
		err = tx.WriteGetContext(ctx, &entryID, `INSERT INTO lottery_entries (tenant_id, lottery_id, viewer_id, created_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (lottery_id, viewer_id) DO NOTHING RETURNING id`, v.TenantID, id, v.ID, now)
		if db.IsNoRows(err) {
			return errDuplicateEntry
		} else if err != nil {
			return fmt.Errorf("promo: enter lottery: %w", err)
		}
		e = Entry{LotteryID: id, ViewerID: v.ID, Position: pos, EnteredAt: msTime(now)}
		return nil
	})
	if errors.Is(err, errDuplicateEntry) {
		// A concurrent request of the same viewer got in first: answer its entry.
		e, err = getEntry(ctx, s.store, v.TenantID, id, v.ID)
		return e, false, err
	}
	return e, err == nil, err
}

// checkConditions enforces the lottery's participation condition and minimum watch time.
func (s *Service) checkConditions(ctx context.Context, r lotteryRow, v Viewer, in EntryInput) error {
	switch r.Condition {
	case ConditionPassword:
		// Compare digests in constant time: the answer must not leak how much of a guess
		// was right, and digests make the lengths equal.
		a, b := sha256.Sum256([]byte(strings.TrimSpace(in.Password))), sha256.Sum256([]byte(r.Password))
		if subtle.ConstantTimeCompare(a[:], b[:]) != 1 {
			return siyu.Errorf("condition_not_met", "condition password: the password is wrong; listen to the host for it")
		}
	case ConditionFollow:
		ok, err := s.isFollower(ctx, v)
		if err != nil {
			return err
		}
		if !ok {
			return siyu.Errorf("condition_not_met", "condition follow: follow the host to enter this lottery")
		}
	case ConditionShare:
		var n int
		if err := s.store.GetContext(ctx, &n, `SELECT COUNT(*) FROM room_events
			WHERE tenant_id = ? AND session_id = ? AND kind = 'share' AND viewer_id = ?`, v.TenantID, r.SessionID, v.ID); err != nil {
			return fmt.Errorf("promo: shares: %w", err)
		}
		if n == 0 {
			return siyu.Errorf("condition_not_met", "condition share: share this live first, then enter")
		}
	}
	if r.MinWatchMs > 0 {
		watched, err := s.watchedMs(ctx, v)
		if err != nil {
			return err
		}
		if watched < r.MinWatchMs {
			return siyu.Errorf("condition_not_met", "condition min_watch_minutes: watch this live for %d minutes to enter (%d so far)",
				r.MinWatchMs/60000, watched/60000)
		}
	}
	return nil
}

// watchedMs is the viewer's watch time in the session: what the room booked in
// room_presence.watch_ms plus the time since it last booked, capped at the booking
// period (the room books connected viewers every 30 s). It can overstate by up to
// that period for a viewer who left moments ago, and never understates.
func (s *Service) watchedMs(ctx context.Context, v Viewer) (int64, error) {
	var p struct {
		WatchMs  int64 `db:"watch_ms"`
		LastSeen int64 `db:"last_seen_at"`
	}
	err := s.store.GetContext(ctx, &p, `SELECT watch_ms, last_seen_at FROM room_presence
		WHERE tenant_id = ? AND session_id = ? AND viewer_id = ?`, v.TenantID, v.SessionID, v.ID)
	if db.IsNoRows(err) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("promo: watch time: %w", err)
	}
	unbooked := min(max(s.now().UnixMilli()-p.LastSeen, 0), s.slack.Milliseconds())
	return p.WatchMs + unbooked, nil
}
