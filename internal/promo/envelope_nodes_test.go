package promo_test

import (
	"log/slog"
	"sync"
	"testing"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/promo"
)

// TestTwoOwnersNeverOverspend: owners are meant to be one per envelope, but if two
// nodes each run one for the same envelope, the store's unique indexes and the writer's
// correction keep the money exact: conflicting grabs are refused ("grab again"), the
// refused node reloads, and in the end the acknowledged grabs are exactly the stored
// ones and add up to the total.
func TestTwoOwnersNeverOverspend(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		other := promo.NewService(store, promo.Options{Now: e.Clock.Now, Org: e.Org, Logger: slog.New(slog.DiscardHandler)})
		other.Start(e.Ctx)
		t.Cleanup(other.Stop)
		env, err := e.svc.CreateEnvelope(e.Ctx, e.Host, e.Session, promo.EnvelopeInput{Total: 5000, Count: 40, Mode: "random"})
		if err != nil {
			t.Fatal(err)
		}
		nodes := []*promo.Service{e.svc, other}
		var mu sync.Mutex
		acked := map[int64]int64{}
		var wg sync.WaitGroup
		for i := range 120 {
			v := e.ViewerOf(e.Session, "v")
			wg.Add(1)
			go func() {
				defer wg.Done()
				for attempt := 0; attempt < 20; attempt++ {
					res, err := nodes[(i+attempt)%2].Grab(e.Ctx, v, env.ID)
					switch codeOf(err) {
					case "":
						mu.Lock()
						if _, dup := acked[v.ID]; dup {
							t.Errorf("viewer %d acknowledged twice", v.ID)
						}
						acked[v.ID] = res.Amount
						mu.Unlock()
						return
					case "conflict":
						continue // the other node took that share: grab again
					case "empty", "already_grabbed":
						return
					default:
						t.Errorf("grab: %v", err)
						return
					}
				}
			}()
		}
		wg.Wait()
		got, err := e.svc.GetEnvelope(e.Ctx, e.Host, env.ID)
		if err != nil {
			t.Fatal(err)
		}
		stored, sum := map[int64]int64{}, int64(0)
		for _, g := range got.Grabs {
			stored[g.ViewerID] = g.Amount
			sum += g.Amount
		}
		if len(stored) != len(acked) || got.Grabbed != sum || got.GrabbedCount != int64(len(stored)) {
			t.Fatalf("%d acknowledged, %d stored, totals %d/%d vs sum %d", len(acked), len(stored), got.Grabbed, got.GrabbedCount, sum)
		}
		for v, a := range acked {
			if stored[v] != a {
				t.Fatalf("viewer %d: acknowledged %d, stored %d", v, a, stored[v])
			}
		}
		if sum+got.Remaining != 5000 {
			t.Fatalf("grabbed %d + remaining %d != 5000", sum, got.Remaining)
		}
		if len(stored) != 40 {
			t.Fatalf("%d of 40 shares went out with 120 viewers retrying", len(stored))
		}
	})
}

// TestFailedCommitGivesTheShareBack: when a group commit fails, its grabbers get an
// error (not a 200) and the owner reloads from the store, so the shares are not lost
// and the viewers may grab again.
func TestFailedCommitGivesTheShareBack(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		env, err := e.svc.CreateEnvelope(e.Ctx, e.Host, e.Session, promo.EnvelopeInput{Total: 300, Count: 3, Mode: "fixed"})
		if err != nil {
			t.Fatal(err)
		}
		a, b := e.ViewerOf(e.Session, "a"), e.ViewerOf(e.Session, "b")
		e.exec(`ALTER TABLE red_envelope_grabs RENAME TO red_envelope_grabs_away`)
		if _, err := e.svc.Grab(e.Ctx, a, env.ID); err == nil || codeOf(err) != "internal" {
			t.Fatalf("grab while the store fails: %v, want an internal error", err)
		}
		e.exec(`ALTER TABLE red_envelope_grabs_away RENAME TO red_envelope_grabs`)
		sum := int64(0)
		for _, v := range []promo.Viewer{a, b, e.ViewerOf(e.Session, "c")} {
			res, err := e.svc.Grab(e.Ctx, v, env.ID)
			if err != nil {
				t.Fatalf("grab after the failure: %v", err)
			}
			sum += res.Amount
		}
		_, err = e.svc.Grab(e.Ctx, e.ViewerOf(e.Session, "d"), env.ID)
		code(t, "fourth grab", err, "empty")
		got, _ := e.svc.GetEnvelope(e.Ctx, e.Host, env.ID)
		if sum != 300 || got.Grabbed != 300 || got.GrabbedCount != 3 || len(got.Grabs) != 3 {
			t.Fatalf("after a failed commit: acknowledged %d, stored %+v", sum, got.EnvelopeSummary)
		}
	})
}
