package promo_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/promo"
)

// record turns a published lottery into what the verifier reads, through JSON as a
// client would see it.
func record(t *testing.T, l promo.Lottery) promo.LotteryRecord {
	t.Helper()
	raw, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := promo.ParseLotteryRecord(raw)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestLotteryLaunchEnterDrawVerify(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		l, err := e.svc.CreateLottery(e.Ctx, e.Host, e.Session, promo.LotteryInput{Prize: "口红一支", Winners: 2, Condition: "none"})
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Commitment) != 64 || l.Seed != "" || l.Status != "open" || !l.DrawAt.Equal(e.Clock.Now().Add(time.Minute)) {
			t.Fatalf("launched lottery: %+v", l)
		}
		launch := e.Room.OfType("lottery")
		if len(launch) != 1 || !strings.Contains(launch[0].Raw, l.Commitment) || !strings.Contains(launch[0].Raw, `"winners":2`) {
			t.Fatalf("launch broadcast: %+v", launch)
		}
		var viewers []promo.Viewer
		for i := range 5 {
			v := e.ViewerOf(e.Session, "观众"+string(rune('A'+i)))
			viewers = append(viewers, v)
			entry, created, err := e.svc.EnterLottery(e.Ctx, v, l.ID, promo.EntryInput{})
			if err != nil || !created || entry.Position != i+1 {
				t.Fatalf("entry %d: %+v created=%v err=%v", i, entry, created, err)
			}
		}
		again, created, err := e.svc.EnterLottery(e.Ctx, viewers[2], l.ID, promo.EntryInput{})
		if err != nil || created || again.Position != 3 {
			t.Fatalf("entering twice: %+v created=%v err=%v", again, created, err)
		}
		open, err := e.svc.GetLottery(e.Ctx, e.Host, l.ID)
		if err != nil || open.EntrantCount != 5 || open.Seed != "" || len(open.Winners) != 0 {
			t.Fatalf("open lottery: %+v %v", open, err)
		}
		e.Clock.Add(59 * time.Second)
		if n := e.RunDue(); n != 0 {
			t.Fatalf("%d jobs before the draw time", n)
		}
		e.Clock.Add(time.Second)
		if n := e.RunDue(); n != 1 {
			t.Fatalf("%d jobs at the draw time, want 1", n)
		}
		drawn, err := e.svc.GetLottery(e.Ctx, e.Host, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		seed, _ := hex.DecodeString(drawn.Seed)
		if sum := sha256.Sum256(seed); hex.EncodeToString(sum[:]) != l.Commitment || drawn.Status != "drawn" || len(drawn.Winners) != 2 {
			t.Fatalf("drawn lottery: %+v", drawn)
		}
		if err := promo.VerifyLottery(record(t, drawn)); err != nil {
			t.Fatalf("the server's draw does not verify: %v", err)
		}
		for _, w := range drawn.Winners {
			if !slices.Contains(drawn.Entrants, w) {
				t.Fatalf("winner %d is not an entrant", w)
			}
		}
		_, _, err = e.svc.EnterLottery(e.Ctx, e.ViewerOf(e.Session, "late"), l.ID, promo.EntryInput{})
		code(t, "entry after the draw", err, "lottery_closed")
		if _, created, err := e.svc.EnterLottery(e.Ctx, viewers[0], l.ID, promo.EntryInput{}); err != nil || created {
			t.Fatalf("an entrant re-entering after the draw: created=%v %v", created, err)
		}
		drawnEv := e.Room.OfType("lottery_drawn")
		if len(drawnEv) != 1 || !strings.Contains(drawnEv[0].Raw, "观众") {
			t.Fatalf("drawn broadcast: %+v", drawnEv)
		}
		won := e.Room.OfType("lottery_won")
		if len(won) != 2 || !slices.Contains(drawn.Winners, won[0].Viewer) || !slices.Contains(drawn.Winners, won[1].Viewer) {
			t.Fatalf("private lottery_won events: %+v (winners %v)", won, drawn.Winners)
		}
		var notes int
		if err := store.GetContext(e.Ctx, &notes, `SELECT COUNT(*) FROM notifications WHERE kind = 'lottery_won' AND tenant_id = ?`,
			e.Owner.TenantID); err != nil || notes != 2 {
			t.Fatalf("%d in-app messages to winners (%v), want 2", notes, err)
		}
		if e.Events.Count(promo.EventLotteryDrawn) != 1 || e.Events.Count(promo.EventLotteryLaunched) != 1 {
			t.Fatal("lottery webhooks missing")
		}
		pub, err := e.svc.PublicLottery(e.Ctx, l.Commitment)
		if err != nil || pub.Seed != drawn.Seed {
			t.Fatalf("public read by commitment: %+v %v", pub, err)
		}
	})
}

// TestDrawExactlyOnceAcrossRestart: the draw job survives a restart, runs once, and a
// repeated draw changes nothing.
func TestDrawExactlyOnceAcrossRestart(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		l, err := e.svc.CreateLottery(e.Ctx, e.Host, e.Session, promo.LotteryInput{Prize: "抱枕", Winners: 3, DrawAfterSeconds: 30})
		if err != nil {
			t.Fatal(err)
		}
		for range 10 {
			if _, _, err := e.svc.EnterLottery(e.Ctx, e.ViewerOf(e.Session, "v"), l.ID, promo.EntryInput{}); err != nil {
				t.Fatal(err)
			}
		}
		e.build() // the node restarts before the draw
		e.Clock.Add(30 * time.Second)
		if n := e.RunDue(); n != 1 {
			t.Fatalf("%d jobs ran after the restart, want 1", n)
		}
		first, _ := e.svc.GetLottery(e.Ctx, e.Host, l.ID)
		if did, err := e.svc.Draw(e.Ctx, l.ID); err != nil || did {
			t.Fatalf("second draw: did=%v err=%v", did, err)
		}
		e.build()
		e.Clock.Add(time.Hour)
		if n := e.RunDue(); n != 0 {
			t.Fatalf("%d jobs ran after the draw, want 0", n)
		}
		again, _ := e.svc.GetLottery(e.Ctx, e.Host, l.ID)
		if !slices.Equal(first.Winners, again.Winners) || len(again.Winners) != 3 {
			t.Fatalf("winners changed: %v then %v", first.Winners, again.Winners)
		}
		var rows, notes int
		_ = store.GetContext(e.Ctx, &rows, `SELECT COUNT(*) FROM lottery_winners WHERE lottery_id = ?`, l.ID)
		_ = store.GetContext(e.Ctx, &notes, `SELECT COUNT(*) FROM notifications WHERE kind = 'lottery_won'`)
		if rows != 3 || notes != 3 || e.Events.Count(promo.EventLotteryDrawn) != 1 {
			t.Fatalf("%d winner rows, %d messages, %d webhooks; want 3, 3, 1", rows, notes, e.Events.Count(promo.EventLotteryDrawn))
		}
	})
}

func TestLotteryConditions(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		e.exec(`UPDATE tenants SET plan = 'enterprise' WHERE id = ?`, e.Owner.TenantID)
		launch := func(in promo.LotteryInput) promo.Lottery {
			t.Helper()
			in.Prize, in.Winners = "奖品", 1
			l, err := e.svc.CreateLottery(e.Ctx, e.Host, e.Session, in)
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		enter := func(v promo.Viewer, l promo.Lottery, pw string) error {
			_, _, err := e.svc.EnterLottery(e.Ctx, v, l.ID, promo.EntryInput{Password: pw})
			return err
		}
		v := e.ViewerOf(e.Session, "甲")

		follow := launch(promo.LotteryInput{Condition: "follow"})
		code(t, "not following", enter(v, follow, ""), "condition_not_met")
		e.follow(v)
		if err := enter(v, follow, ""); err != nil {
			t.Fatalf("follower: %v", err)
		}

		share := launch(promo.LotteryInput{Condition: "share"})
		err := enter(v, share, "")
		code(t, "not shared", err, "condition_not_met")
		if !strings.Contains(err.Error(), "share") {
			t.Errorf("the message does not name the condition: %v", err)
		}
		e.exec(`INSERT INTO room_events (tenant_id, session_id, viewer_id, kind, created_at) VALUES (?, ?, ?, 'share', 1)`,
			v.TenantID, e.Session, v.ID)
		if err := enter(v, share, ""); err != nil {
			t.Fatalf("sharer: %v", err)
		}

		pw := launch(promo.LotteryInput{Condition: "password", Password: "666"})
		code(t, "wrong password", enter(v, pw, "667"), "condition_not_met")
		code(t, "no password", enter(v, pw, ""), "condition_not_met")
		if err := enter(v, pw, " 666 "); err != nil {
			t.Fatalf("right password: %v", err)
		}

		watch := launch(promo.LotteryInput{MinWatchMinutes: 5})
		code(t, "never watched", enter(v, watch, ""), "condition_not_met")
		now := e.Clock.Now().UnixMilli()
		e.exec(`INSERT INTO room_presence (tenant_id, session_id, viewer_id, first_joined_at, last_seen_at, watch_ms)
			VALUES (?, ?, ?, ?, ?, ?)`, v.TenantID, e.Session, v.ID, now-300_000, now-20_000, 270_000)
		code(t, "4.5 min booked, left 20 s ago... 4 min 50 s", enter(v, watch, ""), "condition_not_met")
		e.Clock.Add(10 * time.Second) // booked 4.5 min + 30 s unbooked (capped) = 5 min
		if err := enter(v, watch, ""); err != nil {
			t.Fatalf("watched 5 minutes: %v", err)
		}
	})
}

func TestLotteryMonthlyLimitForPersonalAccounts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		in := promo.LotteryInput{Prize: "红包封面", Winners: 1}
		if _, err := e.svc.CreateLottery(e.Ctx, e.Host, e.Session, in); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.CreateLottery(e.Ctx, e.Host, e.Session, in)
		code(t, "second lottery this month", err, "lottery_limit_reached")
		// 2030-03-31 16:30 UTC is already April 1st in Shanghai: a new month.
		e.Clock.Add(time.Date(2030, 3, 31, 16, 30, 0, 0, time.UTC).Sub(e.Clock.Now()))
		if _, err := e.svc.CreateLottery(e.Ctx, e.Host, e.Session, in); err != nil {
			t.Fatalf("first lottery of April (China time): %v", err)
		}
		e.exec(`UPDATE tenants SET plan = 'enterprise' WHERE id = ?`, e.Owner.TenantID)
		for range 3 {
			if _, err := e.svc.CreateLottery(e.Ctx, e.Host, e.Session, in); err != nil {
				t.Fatalf("enterprise lottery: %v", err)
			}
		}
	})
}

func TestLotteryInputIsChecked(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dbtest.SQLite(t))
	for _, c := range []struct {
		in    promo.LotteryInput
		field string
	}{
		{promo.LotteryInput{Winners: 1}, "prize"},
		{promo.LotteryInput{Prize: "x", Winners: 0}, "winners"},
		{promo.LotteryInput{Prize: "x", Winners: promo.MaxLotteryWinners + 1}, "winners"},
		{promo.LotteryInput{Prize: "x", Winners: 1, Condition: "like"}, "condition"},
		{promo.LotteryInput{Prize: "x", Winners: 1, Condition: "password"}, "password"},
		{promo.LotteryInput{Prize: "x", Winners: 1, Password: "1"}, "password"},
		{promo.LotteryInput{Prize: "x", Winners: 1, DrawAfterSeconds: -1}, "draw_after_seconds"},
		{promo.LotteryInput{Prize: "x", Winners: 1, DrawAfterSeconds: 86401}, "draw_after_seconds"},
		{promo.LotteryInput{Prize: "x", Winners: 1, MinWatchMinutes: -1}, "min_watch_minutes"},
	} {
		_, err := e.svc.CreateLottery(e.Ctx, e.Host, e.Session, c.in)
		code(t, c.field, err, "invalid", c.field)
	}
	_, err := e.svc.CreateLottery(e.Ctx, e.Signup("B"), e.Session, promo.LotteryInput{Prize: "x", Winners: 1})
	code(t, "other tenant's session", err, "not_found")
}
