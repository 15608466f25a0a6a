package segment_test

import (
	"context"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/bus"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
)

// TestOtherNodeLearnsChanges: two nodes share the store and the bus; a customer
// tagged, erased or given an order on node A is counted the same on node B, which
// heard nothing from its own CRM and reloads the customers A announced.
func TestOtherNodeLearnsChanges(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		b, err := bus.Open(context.Background(), bus.Options{DataDir: t.TempDir(), Name: t.Name()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = b.Close() })
		e := newEnv(t, store) // node A: its CRM tells e.Segments
		nodeA := segment.NewService(store, segment.Options{Now: e.Clock.Now, Bus: b})
		e.CRM.AddObserver(nodeA)
		nodeB := segment.NewService(store, segment.Options{Now: e.Clock.Now, Bus: b})
		for _, s := range []*segment.Service{nodeA, nodeB} {
			if err := s.Start(e.Ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Stop)
		}
		tenant := e.Owner.TenantID
		x := e.customer("甲", "13800000001", "vip")
		y := e.customer("乙", "13800000002")
		if _, err := nodeB.Count(e.Ctx, tenant, "tag:vip"); err != nil { // B loads now
			t.Fatal(err)
		}
		if _, err := e.CRM.AddTags(e.Ctx, e.Owner, y.ID, crm.TagsInput{Tags: []string{"vip", "新客"}}); err != nil {
			t.Fatal(err)
		}
		if err := e.CRM.Apply(e.Ctx, crm.Signal{Kind: crm.SignalPaid, TenantID: tenant, CustomerID: y.ID, OrderID: 1, Amount: 100,
			At: e.Clock.Now()}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.CRM.Erase(e.Ctx, e.Owner, x.ID); err != nil {
			t.Fatal(err)
		}
		for rule, want := range map[string]int64{"tag:vip": 1, "tag:新客 AND orders>=1": 1, "NOT tag:vip": 0} {
			eventually(t, func() bool {
				r, err := nodeB.Count(e.Ctx, tenant, rule)
				return err == nil && r.Count == want
			}, "node B counts %q as %d", rule, want)
		}
	})
}

// eventually waits for another node's message (wall time: delivery, not business time).
func eventually(t *testing.T, ok func() bool, format string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Errorf("never: "+format, args...)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}
