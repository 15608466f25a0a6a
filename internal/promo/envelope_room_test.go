package promo_test

import (
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/room"
)

// answer is what a GrabInRoom reply said.
type answer struct {
	viewer, amount int64
	err            error
	stored         bool // the grab was in the store when the reply came
}

// answers collects GrabInRoom replies, counting each call's replies.
type answers struct {
	mu  sync.Mutex
	all []answer
	wg  sync.WaitGroup
}

// grab sends one grab as the room would and expects exactly one reply. With check, the
// reply looks the grab up in the store at once, to prove it was committed first.
func (a *answers) grab(t *testing.T, e *env, v promo.Viewer, id int64, check bool) {
	a.wg.Add(1)
	var once sync.Once
	m := room.Member{TenantID: v.TenantID, SessionID: v.SessionID, Role: room.RoleViewer, ViewerID: v.ID, Nickname: v.Nickname}
	e.svc.GrabInRoom(m, id, func(amount int64, err error) {
		ans := answer{viewer: v.ID, amount: amount, err: err}
		if check && err == nil {
			var n int
			_ = e.Store.GetContext(e.Ctx, &n, `SELECT COUNT(*) FROM red_envelope_grabs WHERE envelope_id = ? AND viewer_id = ? AND amount = ?`,
				id, v.ID, amount)
			ans.stored = n == 1
		}
		a.mu.Lock()
		a.all = append(a.all, ans)
		a.mu.Unlock()
		called := false
		once.Do(func() { called = true })
		if !called {
			t.Errorf("viewer %d was answered twice", v.ID)
			return
		}
		a.wg.Done()
	})
}

func (a *answers) wait(t *testing.T) []answer {
	t.Helper()
	done := make(chan struct{})
	go func() { a.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("some grabs were never answered")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]answer(nil), a.all...)
}

// TestGrabInRoom: grabs from the room's socket (GrabInRoom) follow the same rules as
// HTTP grabs: 300 viewers (every third twice at once) on 100 shares get exactly 100
// shares adding up to the total, each answered only once it is stored; the duplicates
// are already_grabbed; the rest empty.
func TestGrabInRoom(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		env, err := e.svc.CreateEnvelope(e.Ctx, e.Host, e.Session, promo.EnvelopeInput{Total: 9_999, Count: 100, Mode: "random"})
		if err != nil {
			t.Fatal(err)
		}
		viewers := make([]promo.Viewer, 300)
		for i := range viewers {
			viewers[i] = e.ViewerOf(e.Session, "观众")
		}
		var a answers
		for i, v := range viewers {
			a.grab(t, e, v, env.ID, true)
			if i%3 == 0 {
				a.grab(t, e, v, env.ID, true)
			}
		}
		won, sum, codes := map[int64]int64{}, int64(0), map[string]int{}
		for _, ans := range a.wait(t) {
			if ans.err != nil {
				codes[codeOf(ans.err)]++
				continue
			}
			if _, dup := won[ans.viewer]; dup {
				t.Errorf("viewer %d won twice", ans.viewer)
			}
			if !ans.stored {
				t.Errorf("viewer %d was answered %d fen before the grab was stored", ans.viewer, ans.amount)
			}
			won[ans.viewer], sum = ans.amount, sum+ans.amount
		}
		if len(won) != 100 || sum != 9_999 || codes["empty"]+codes["already_grabbed"] != 300 || codes["already_grabbed"] < 1 ||
			len(codes) > 2 {
			t.Fatalf("%d won (%d fen), refusals %v; want 100 winners of 9999 fen and 300 refusals", len(won), sum, codes)
		}
		got, err := e.svc.GetEnvelope(e.Ctx, e.Host, env.ID)
		if err != nil || got.Grabbed != 9_999 || len(got.Grabs) != 100 || got.Status != "empty" {
			t.Fatalf("stored: %+v %v", got.EnvelopeSummary, err)
		}
	})
}

// TestGrabInRoomRefusals: an owner not yet in memory (after a restart) is rebuilt off
// the caller's goroutine, and the refusals are those of HTTP: another session's
// envelope is not found, staff may not grab, the follow condition is checked.
func TestGrabInRoomRefusals(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		env, err := e.svc.CreateEnvelope(e.Ctx, e.Host, e.Session, promo.EnvelopeInput{Total: 30, Count: 3, Mode: "fixed"})
		if err != nil {
			t.Fatal(err)
		}
		fo, err := e.svc.CreateEnvelope(e.Ctx, e.Host, e.Session, promo.EnvelopeInput{Total: 10, Count: 2, Mode: "fixed", Condition: "follow"})
		if err != nil {
			t.Fatal(err)
		}
		v := e.ViewerOf(e.Session, "甲")
		if _, err := e.svc.Grab(e.Ctx, v, env.ID); err != nil {
			t.Fatal(err)
		}
		e.build() // a restarted node: no owner in memory
		one := func(v promo.Viewer, id int64, role room.Role) answer {
			t.Helper()
			var a answers
			a.wg.Add(1)
			m := room.Member{TenantID: v.TenantID, SessionID: v.SessionID, Role: role, ViewerID: v.ID}
			e.svc.GrabInRoom(m, id, func(amount int64, err error) {
				a.mu.Lock()
				a.all = append(a.all, answer{viewer: v.ID, amount: amount, err: err})
				a.mu.Unlock()
				a.wg.Done()
			})
			return a.wait(t)[0]
		}
		code(t, "again after restart", one(v, env.ID, room.RoleViewer).err, "already_grabbed")
		if ans := one(e.ViewerOf(e.Session, "乙"), env.ID, room.RoleViewer); ans.err != nil || ans.amount != 10 {
			t.Fatalf("grab after restart: %+v", ans)
		}
		code(t, "another session's viewer", one(e.ViewerOf(e.LiveSession(e.Host, "直播间"), "丙"), env.ID, room.RoleViewer).err, "not_found")
		code(t, "unknown envelope", one(v, env.ID+1000, room.RoleViewer).err, "not_found")
		code(t, "staff", one(promo.Viewer{TenantID: v.TenantID, SessionID: v.SessionID}, env.ID, room.RoleHost).err, "forbidden")
		b := e.ViewerOf(e.Session, "丁")
		code(t, "not a follower", one(b, fo.ID, room.RoleViewer).err, "condition_not_met")
		e.follow(b)
		if ans := one(b, fo.ID, room.RoleViewer); ans.err != nil || ans.amount != 5 {
			t.Fatalf("follower: %+v", ans)
		}
	})
}

// TestGrabInRoomAcrossStop: grabs handed over while the service stops are each answered
// exactly once — committed and stored, or "grab again" — and nothing answered is lost.
func TestGrabInRoomAcrossStop(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		env, err := e.svc.CreateEnvelope(e.Ctx, e.Host, e.Session, promo.EnvelopeInput{Total: 5_000, Count: 2_000, Mode: "random"})
		if err != nil {
			t.Fatal(err)
		}
		var a answers
		var senders sync.WaitGroup
		for w := range 4 {
			senders.Add(1)
			go func() {
				defer senders.Done()
				for i := range 500 {
					v := promo.Viewer{ID: int64(1_000_000 + w*1000 + i), TenantID: e.Host.TenantID, SessionID: e.Session}
					a.grab(t, e, v, env.ID, false)
				}
			}()
		}
		time.Sleep(time.Millisecond) // let some grabs through before the stop
		e.svc.Stop()
		senders.Wait()
		all := a.wait(t)
		if len(all) != 2000 {
			t.Fatalf("%d answers for 2000 grabs", len(all))
		}
		got, err := e.svc.GetEnvelope(e.Ctx, e.Host, env.ID)
		if err != nil {
			t.Fatal(err)
		}
		stored := map[int64]int64{}
		for _, g := range got.Grabs {
			stored[g.ViewerID] = g.Amount
		}
		ok := 0
		for _, ans := range all {
			switch {
			case ans.err == nil:
				ok++
				if stored[ans.viewer] != ans.amount {
					t.Errorf("viewer %d was answered %d fen, stored %d", ans.viewer, ans.amount, stored[ans.viewer])
				}
			case codeOf(ans.err) != "conflict":
				t.Errorf("viewer %d: %v", ans.viewer, ans.err)
			}
		}
		if ok != len(stored) {
			t.Fatalf("%d answered grabs, %d stored", ok, len(stored))
		}
		t.Logf("%d of 2000 grabs committed before the stop", ok)
	})
}

// TestGrabInRoomWhileTheOwnerWaits: while the owner is held up (an expiry waiting for a
// commit that another transaction blocks), thousands of grabs arrive from the room. The
// owner's queue overflows, yet the caller never blocks and every grab is answered
// exactly once: the ones decided before the expiry with their committed amount, the
// rest expired; and the refund is exactly what nobody was told they got.
func TestGrabInRoomWhileTheOwnerWaits(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		env, err := e.svc.CreateEnvelope(e.Ctx, e.Host, e.Session, promo.EnvelopeInput{Total: 10_000, Count: 5_000, Mode: "random"})
		if err != nil {
			t.Fatal(err)
		}
		held, release, holder := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		go func() {
			holder <- store.Tx(e.Ctx, func(tx *db.Tx) error {
				if _, err := tx.ExecContext(e.Ctx, `UPDATE red_envelopes SET message = message WHERE id = ?`, env.ID); err != nil {
					return err
				}
				close(held)
				<-release
				return nil
			})
		}()
		<-held
		var a answers
		viewer := func(i int) promo.Viewer {
			return promo.Viewer{ID: int64(2_000_000 + i), TenantID: e.Host.TenantID, SessionID: e.Session}
		}
		for i := range 10 {
			a.grab(t, e, viewer(i), env.ID, false) // decided; their commit waits
		}
		expired := make(chan error, 1)
		go func() {
			_, err := e.svc.Expire(e.Ctx, env.ID)
			expired <- err
		}()
		start := time.Now()
		for i := 10; i < 4000; i++ {
			a.grab(t, e, viewer(i), env.ID, false)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("handing over 3,990 grabs took %s: the caller was blocked", d)
		}
		close(release)
		if err := <-holder; err != nil {
			t.Fatal(err)
		}
		if err := <-expired; err != nil {
			t.Fatal(err)
		}
		all := a.wait(t)
		if len(all) != 4000 {
			t.Fatalf("%d answers for 4000 grabs", len(all))
		}
		got, err := e.svc.GetEnvelope(e.Ctx, e.Host, env.ID)
		if err != nil {
			t.Fatal(err)
		}
		stored := map[int64]int64{}
		for _, g := range got.Grabs {
			stored[g.ViewerID] = g.Amount
		}
		told := int64(0)
		for _, ans := range all {
			switch {
			case ans.err == nil:
				told += ans.amount
				if stored[ans.viewer] != ans.amount {
					t.Errorf("viewer %d was answered %d fen, stored %d", ans.viewer, ans.amount, stored[ans.viewer])
				}
			case codeOf(ans.err) != "expired":
				t.Errorf("viewer %d: %v", ans.viewer, ans.err)
			}
		}
		if got.Status != "expired" || told != got.Grabbed || got.Grabbed+got.Refunded != 10_000 || len(stored) < 10 {
			t.Fatalf("after expiry: status %s, told %d, grabbed %d (%d grabs), refunded %d", got.Status, told, got.Grabbed,
				len(stored), got.Refunded)
		}
	})
}
