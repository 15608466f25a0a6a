package promo_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/promotest"
)

func TestEnvelopeInputIsChecked(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		ok := promo.EnvelopeInput{Total: 1000, Count: 10, Mode: "random"}
		for _, c := range []struct {
			name  string
			in    promo.EnvelopeInput
			field string
		}{
			{"no total", promo.EnvelopeInput{Count: 1, Mode: "fixed"}, "total"},
			{"too much", promo.EnvelopeInput{Total: promo.MaxEnvelopeTotal + 1, Count: 1, Mode: "fixed"}, "total"},
			{"no count", promo.EnvelopeInput{Total: 10, Mode: "fixed"}, "count"},
			{"too many", promo.EnvelopeInput{Total: 1e6, Count: promo.MaxEnvelopeShares + 1, Mode: "fixed"}, "count"},
			{"total < count", promo.EnvelopeInput{Total: 9, Count: 10, Mode: "random"}, "total"},
			{"mode", promo.EnvelopeInput{Total: 10, Count: 1, Mode: "lucky"}, "mode"},
			{"condition", promo.EnvelopeInput{Total: 10, Count: 1, Mode: "fixed", Condition: "share"}, "condition"},
			{"expiry", promo.EnvelopeInput{Total: 10, Count: 1, Mode: "fixed", ExpiresInSeconds: 59}, "expires_in_seconds"},
			{"message", promo.EnvelopeInput{Total: 10, Count: 1, Mode: "fixed", Message: strings.Repeat("红", 61)}, "message"},
		} {
			_, err := e.svc.CreateEnvelope(e.Ctx, e.Host, e.Session, c.in)
			code(t, c.name, err, "invalid", c.field)
		}
		agent, err := e.Org.CreateStaff(e.Ctx, e.Owner, org.StaffInput{Email: "agent" + time.Now().Format("150405.000000000") + "@x.io",
			Name: "客服", Role: org.RoleAgent, Password: "password-123"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.CreateEnvelope(e.Ctx, promotest.Principal(agent), e.Session, ok)
		code(t, "agent", err, "forbidden")
		other := e.Signup("Other Brand")
		_, err = e.svc.CreateEnvelope(e.Ctx, other, e.Session, ok)
		code(t, "other tenant's session", err, "not_found")
		e.exec(`UPDATE live_sessions SET status = 'scheduled' WHERE id = ?`, e.Session)
		_, err = e.svc.CreateEnvelope(e.Ctx, e.Host, e.Session, ok)
		code(t, "not live", err, "session_not_live")
	})
}

// TestConcurrentGrabs: 1,000 viewers grab one envelope of 100 shares at once. Exactly
// 100 win, the amounts add up to the total, nobody wins twice, and the store agrees.
func TestConcurrentGrabs(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		env, err := e.svc.CreateEnvelope(e.Ctx, e.Host, e.Session, promo.EnvelopeInput{Total: 88_888, Count: 100, Mode: "random",
			Message: "大吉大利"})
		if err != nil {
			t.Fatal(err)
		}
		viewers := make([]promo.Viewer, 1000)
		for i := range viewers {
			viewers[i] = e.ViewerOf(e.Session, "观众")
		}
		var mu sync.Mutex
		won, empty := map[int64]int64{}, 0
		var wg sync.WaitGroup
		for _, v := range viewers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := e.svc.Grab(e.Ctx, v, env.ID)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					if _, dup := won[v.ID]; dup {
						t.Errorf("viewer %d won twice", v.ID)
					}
					won[v.ID] = res.Amount
				case codeOf(err) == "empty":
					empty++
				default:
					t.Errorf("grab: %v", err)
				}
			}()
		}
		wg.Wait()
		if len(won) != 100 || empty != 900 {
			t.Fatalf("%d won and %d were told empty, want 100 and 900", len(won), empty)
		}
		sum := int64(0)
		for _, a := range won {
			if a < 1 {
				t.Fatalf("a share of %d fen", a)
			}
			sum += a
		}
		if sum != 88_888 {
			t.Fatalf("acknowledged amounts add up to %d, want 88888", sum)
		}
		got, err := e.svc.GetEnvelope(e.Ctx, e.Host, env.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != "empty" || got.Remaining != 0 || got.Grabbed != 88_888 || len(got.Grabs) != 100 {
			t.Fatalf("stored envelope: status %s remaining %d grabbed %d grabs %d", got.Status, got.Remaining, got.Grabbed, len(got.Grabs))
		}
		for _, g := range got.Grabs {
			if won[g.ViewerID] != g.Amount {
				t.Fatalf("stored grab of viewer %d is %d, acknowledged %d", g.ViewerID, g.Amount, won[g.ViewerID])
			}
		}
		if n := len(e.Room.OfType("red_envelope")); n != 1 {
			t.Errorf("%d red_envelope broadcasts, want 1", n)
		}
		waitFor(t, func() bool { return len(e.Room.OfType("red_envelope_empty")) == 1 })
		if e.Events.Count(promo.EventEnvelopeCreated) != 1 {
			t.Error("no red_envelope.created webhook")
		}
	})
}

func TestGrabRules(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		env, err := e.svc.CreateEnvelope(e.Ctx, e.Host, e.Session, promo.EnvelopeInput{Total: 100, Count: 3, Mode: "fixed"})
		if err != nil {
			t.Fatal(err)
		}
		a := e.ViewerOf(e.Session, "甲")
		res, err := e.svc.Grab(e.Ctx, a, env.ID)
		if err != nil || res.Amount != 34 {
			t.Fatalf("first fixed share: %+v %v, want 34 fen", res, err)
		}
		_, err = e.svc.Grab(e.Ctx, a, env.ID)
		code(t, "second grab", err, "already_grabbed")
		other := e.LiveSession(e.Host, "直播间")
		_, err = e.svc.Grab(e.Ctx, e.ViewerOf(other, "别的直播间"), env.ID)
		code(t, "viewer of another session", err, "not_found")
		_, err = e.svc.Grab(e.Ctx, a, env.ID+1000)
		code(t, "unknown envelope", err, "not_found")
		ob := e.Signup("Brand B")
		_, err = e.svc.Grab(e.Ctx, e.ViewerOf(e.LiveSession(ob, "直播间"), "B观众"), env.ID)
		code(t, "viewer of another tenant", err, "not_found")
		_, err = e.svc.GetEnvelope(e.Ctx, ob, env.ID)
		code(t, "staff of another tenant", err, "not_found")

		// Followers only.
		fo, err := e.svc.CreateEnvelope(e.Ctx, e.Host, e.Session, promo.EnvelopeInput{Total: 10, Count: 2, Mode: "fixed", Condition: "follow"})
		if err != nil {
			t.Fatal(err)
		}
		b := e.ViewerOf(e.Session, "乙")
		_, err = e.svc.Grab(e.Ctx, b, fo.ID)
		code(t, "not a follower", err, "condition_not_met")
		e.follow(b)
		if res, err := e.svc.Grab(e.Ctx, b, fo.ID); err != nil || res.Amount != 5 {
			t.Fatalf("follower grab: %+v %v", res, err)
		}
		mine, err := e.svc.ViewerEnvelope(e.Ctx, b, fo.ID)
		if err != nil || mine.MyAmount != 5 || len(mine.Grabs) != 1 || mine.Grabs[0].Nickname != "乙" {
			t.Fatalf("viewer's read: %+v %v", mine, err)
		}
		_, err = e.svc.ViewerEnvelope(e.Ctx, e.ViewerOf(other, "x"), fo.ID)
		code(t, "viewer read of another session", err, "not_found")
	})
}

// TestGrabsSurviveRestart: a new service on the same store (a restarted node) rebuilds
// the owner from the rows: earlier grabbers are refused, the rest of the shares go out
// and the total reconciles to the fen.
func TestGrabsSurviveRestart(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		env, err := e.svc.CreateEnvelope(e.Ctx, e.Host, e.Session, promo.EnvelopeInput{Total: 1001, Count: 10, Mode: "random"})
		if err != nil {
			t.Fatal(err)
		}
		var viewers []promo.Viewer
		sum := int64(0)
		for i := range 10 {
			v := e.ViewerOf(e.Session, "观众")
			viewers = append(viewers, v)
			if i == 4 {
				e.build() // restart half-way
			}
			res, err := e.svc.Grab(e.Ctx, v, env.ID)
			if err != nil {
				t.Fatalf("grab %d: %v", i, err)
			}
			sum += res.Amount
		}
		e.build()
		_, err = e.svc.Grab(e.Ctx, viewers[0], env.ID)
		code(t, "grab again after restart", err, "already_grabbed")
		_, err = e.svc.Grab(e.Ctx, e.ViewerOf(e.Session, "late"), env.ID)
		code(t, "late grab", err, "empty")
		if sum != 1001 {
			t.Fatalf("amounts add up to %d across restarts, want 1001", sum)
		}
	})
}

// TestExpiryRefundsExactlyOnce: at expiry what is left is refunded once, however often
// the job or Expire runs, and later grabs are refused.
func TestExpiryRefundsExactlyOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		env, err := e.svc.CreateEnvelope(e.Ctx, e.Host, e.Session, promo.EnvelopeInput{Total: 1000, Count: 4, Mode: "fixed",
			ExpiresInSeconds: 600})
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := e.svc.Grab(e.Ctx, e.ViewerOf(e.Session, "v"), env.ID); err != nil {
				t.Fatal(err)
			}
		}
		if n := e.RunDue(); n != 0 {
			t.Fatalf("%d jobs ran before the expiry", n)
		}
		e.Clock.Add(10 * time.Minute)
		_, err = e.svc.Grab(e.Ctx, e.ViewerOf(e.Session, "late"), env.ID)
		code(t, "grab at expiry", err, "expired")
		e.build() // the job runs on a restarted node
		if n := e.RunDue(); n != 1 {
			t.Fatalf("%d jobs ran at the expiry, want 1", n)
		}
		got, err := e.svc.GetEnvelope(e.Ctx, e.Host, env.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != "expired" || got.Refunded != 250 || got.Grabbed != 750 || got.Remaining != 0 || got.ClosedAt.IsZero() {
			t.Fatalf("after expiry: %+v", got)
		}
		if did, err := e.svc.Expire(e.Ctx, env.ID); err != nil || did {
			t.Fatalf("second expiry: refunded=%v err=%v", did, err)
		}
		if n := e.Events.Count(promo.EventEnvelopeRefunded); n != 1 {
			t.Fatalf("%d red_envelope.refunded webhooks, want 1", n)
		}
		_, err = e.svc.Grab(e.Ctx, e.ViewerOf(e.Session, "later"), env.ID)
		code(t, "grab after expiry", err, "expired")

		// An emptied envelope has nothing to refund.
		full, err := e.svc.CreateEnvelope(e.Ctx, e.Host, e.Session, promo.EnvelopeInput{Total: 5, Count: 1, Mode: "fixed",
			ExpiresInSeconds: 60})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Grab(e.Ctx, e.ViewerOf(e.Session, "w"), full.ID); err != nil {
			t.Fatal(err)
		}
		e.Clock.Add(time.Minute)
		e.RunDue()
		got, _ = e.svc.GetEnvelope(e.Ctx, e.Host, full.ID)
		if got.Status != "empty" || got.Refunded != 0 || got.Grabbed != 5 {
			t.Fatalf("emptied envelope after expiry: %+v", got)
		}
		if n := e.Events.Count(promo.EventEnvelopeRefunded); n != 1 {
			t.Fatalf("an empty envelope sent a refund webhook (%d in all)", n)
		}
	})
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
