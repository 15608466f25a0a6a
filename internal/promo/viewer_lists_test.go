package promo_test

import (
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/promo"
)

// TestViewerListsForLateJoiners: a viewer opening the room sees the envelopes still
// worth tapping (with what they grabbed) and the open lotteries (entered or not); an
// emptied or expired envelope leaves the list; a drawn lottery stays for a while with
// its winners and the winner's prize, then leaves; another session's tools never show.
func TestViewerListsForLateJoiners(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		amy, bob := e.ViewerOf(e.Session, "Amy"), e.ViewerOf(e.Session, "Bob")
		other := e.ViewerOf(e.LiveSession(e.Host, "直播间"), "别场")

		big, err := e.svc.CreateEnvelope(e.Ctx, e.Host, e.Session, promo.EnvelopeInput{Total: 1000, Count: 10, Mode: "random"})
		if err != nil {
			t.Fatal(err)
		}
		one, err := e.svc.CreateEnvelope(e.Ctx, e.Host, e.Session, promo.EnvelopeInput{Total: 50, Count: 1, Mode: "fixed",
			ExpiresInSeconds: 3600})
		if err != nil {
			t.Fatal(err)
		}
		short, err := e.svc.CreateEnvelope(e.Ctx, e.Host, e.Session, promo.EnvelopeInput{Total: 60, Count: 3, Mode: "fixed",
			ExpiresInSeconds: 60})
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.svc.Grab(e.Ctx, amy, big.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Grab(e.Ctx, bob, one.ID); err != nil {
			t.Fatal(err)
		}
		envs := func(v promo.Viewer) map[int64]int64 {
			t.Helper()
			list, err := e.svc.ViewerEnvelopes(e.Ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64]int64{}
			for _, it := range list {
				out[it.ID] = it.MyAmount
			}
			return out
		}
		if m := envs(amy); len(m) != 2 || m[big.ID] != got.Amount || m[short.ID] != 0 {
			t.Fatalf("Amy's envelopes %v, want %d (grabbed %d) and %d (not grabbed); %d is empty", m, big.ID, got.Amount, short.ID, one.ID)
		}
		if m := envs(other); len(m) != 0 {
			t.Fatalf("a viewer of another session sees %v", m)
		}
		e.Clock.Add(61 * time.Second) // short expired, even before its job runs
		if m := envs(bob); len(m) != 1 || m[big.ID] != 0 {
			t.Fatalf("after expiry Bob sees %v, want only %d", m, big.ID)
		}

		l, err := e.svc.CreateLottery(e.Ctx, e.Host, e.Session, promo.LotteryInput{Prize: "围巾", Winners: 1, Condition: "none",
			DrawAfterSeconds: 30})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.svc.EnterLottery(e.Ctx, amy, l.ID, promo.EntryInput{}); err != nil {
			t.Fatal(err)
		}
		lots := func(v promo.Viewer) []promo.ViewerLotteryItem {
			t.Helper()
			list, err := e.svc.ViewerLotteries(e.Ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			return list
		}
		if a, b := lots(amy), lots(bob); len(a) != 1 || !a[0].Entered || a[0].EntrantCount != 1 || a[0].Status != "open" || a[0].Seed != "" ||
			len(b) != 1 || b[0].Entered || len(lots(other)) != 0 {
			t.Fatalf("open lottery: Amy %+v, Bob %+v", a, b)
		}
		e.Clock.Add(31 * time.Second)
		e.RunDue()
		a, b := lots(amy), lots(bob)
		if len(a) != 1 || a[0].Status != "drawn" || a[0].Seed == "" || len(a[0].Winners) != 1 || a[0].Winners[0].Nickname != "Amy" ||
			a[0].MyPrizeID == 0 || len(b) != 1 || b[0].MyPrizeID != 0 || len(b[0].Winners) != 1 {
			t.Fatalf("drawn lottery: Amy %+v, Bob %+v", a, b)
		}
		prizes, err := e.svc.ViewerPrizes(e.Ctx, amy)
		if err != nil || len(prizes) != 1 || prizes[0].ID != a[0].MyPrizeID {
			t.Fatalf("Amy's prize %d is not her prize list %+v (%v)", a[0].MyPrizeID, prizes, err)
		}
		e.Clock.Add(promo.RecentDrawWindow)
		if len(lots(amy)) != 0 {
			t.Fatalf("a draw %s ago is still listed", promo.RecentDrawWindow)
		}
	})
}
