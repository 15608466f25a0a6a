package promo_test

import (
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/promotest"
	"github.com/siyu-live/siyu/internal/room"
)

// env is one tenant with an owner and a host, a live session, and the promo service on
// a fresh store with a fake clock (see promotest.Env).
type env struct {
	*promotest.Env
	svc *promo.Service
}

func newEnv(t *testing.T, store *db.DB) *env {
	t.Helper()
	e := &env{Env: promotest.New(t, store, "Promo Brand", "直播间")}
	e.build()
	return e
}

// build makes a new promo Service and Queue on the same store, as a restarted node
// would; the previous service is stopped first.
func (e *env) build() {
	if e.svc != nil {
		e.svc.Stop()
	}
	e.Queue = e.NewQueue()
	e.svc = promo.NewService(e.Store, promo.Options{Now: e.Clock.Now, Org: e.Org, Queue: e.Queue, Events: e.Events,
		Follows: e.Live.Directory(), Notifier: e.Room, Logger: promotest.Quiet})
	e.svc.Start(e.Ctx)
	svc := e.svc
	e.T.Cleanup(svc.Stop)
}

func (e *env) follow(v promo.Viewer) {
	e.T.Helper()
	if _, err := e.Live.Directory().Follow(e.Ctx, room.Member{TenantID: v.TenantID, SessionID: v.SessionID,
		Role: room.RoleViewer, ViewerID: v.ID}); err != nil {
		e.T.Fatal(err)
	}
}

func (e *env) exec(q string, args ...any) {
	e.T.Helper()
	if _, err := e.Store.ExecContext(e.Ctx, q, args...); err != nil {
		e.T.Fatal(err)
	}
}

// code asserts err's code (and field, when given).
var code = promotest.Code

func codeOf(err error) string { return siyu.ErrorCode(err) }
