package crm_test

import (
	"slices"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
)

// An event reads the customer's rule data (tags carried, windowed sums) with the row:
// a rule tag comes off on an event that changes no order, the window sums follow the
// clock, and an order paid in the same transaction as an earlier event of the same
// customer counts (the data read with the row is stale by then).
func TestRuleTagsFollowEventsInOneTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		quiet := e.ruleTag("沉默", "watch_minutes >= 1 AND comments = 0")
		e.ruleTag("月消费500", "spent_30d >= 500元")
		c, err := e.CRM.Create(e.Ctx, e.Owner, crm.CustomerInput{Name: "老王"})
		if err != nil {
			t.Fatal(err)
		}
		apply := func(sigs ...crm.Signal) crm.Customer {
			t.Helper()
			for i := range sigs {
				sigs[i].TenantID, sigs[i].CustomerID, sigs[i].At = e.Owner.TenantID, c.ID, e.Clock.Now()
			}
			if err := e.CRM.Apply(e.Ctx, sigs...); err != nil {
				t.Fatal(err)
			}
			return e.get(c.ID).Customer
		}
		if got := apply(crm.Signal{Kind: crm.SignalActivity, WatchMS: 60_000}); !slices.Equal(tagNames(got), []string{"沉默"}) {
			t.Fatalf("after a minute of watching: %v", tagNames(got))
		}
		got := apply(crm.Signal{Kind: crm.SignalActivity, Comments: 1})
		if hasTag(got, "沉默") {
			t.Fatalf("still 沉默 after a comment: %v", tagNames(got))
		}
		if _, removed := e.obs.tags(c.ID); !slices.Contains(removed, quiet.ID) {
			t.Fatalf("observers not told the removal: %v", removed)
		}
		// Activity, then an order, in one transaction: the order counts.
		got = apply(crm.Signal{Kind: crm.SignalActivity, WatchMS: 1000},
			crm.Signal{Kind: crm.SignalPaid, OrderID: 9001, Amount: 60000})
		if !hasTag(got, "月消费500") || got.SpentFen != 60000 {
			t.Fatalf("order paid after activity in one transaction: %+v", got)
		}
		// Read with the row, the 30-day sum keeps the tag on a later event…
		e.Clock.Add(20 * 24 * time.Hour)
		if got = apply(crm.Signal{Kind: crm.SignalActivity, WatchMS: 1000}); !hasTag(got, "月消费500") {
			t.Fatalf("lost 月消费500 within the window: %v", tagNames(got))
		}
		// …and drops it once the order is older than 30 days.
		e.Clock.Add(11 * 24 * time.Hour)
		if got = apply(crm.Signal{Kind: crm.SignalActivity, WatchMS: 1000}); hasTag(got, "月消费500") {
			t.Fatalf("still 月消费500 after the window: %v", tagNames(got))
		}
	})
}

// On PostgreSQL an event may wait for the row lock of another node's transaction that
// changes the customer's rule tags; the rule data read with the row is then older than
// the row, and the event must not decide on it: here the other transaction puts the
// rule tag on (and writes the row, as every such transaction does), and the event, which
// takes the customer past the rule, has to take it off again.
func TestRuleDataReadAfterALockWait(t *testing.T) {
	store := dbtest.Postgres(t)
	e := newEnv(t, store)
	tag := e.ruleTag("新人", "watch_minutes < 10")
	c, err := e.CRM.Create(e.Ctx, e.Owner, crm.CustomerInput{Name: "小李"})
	if err != nil {
		t.Fatal(err)
	}
	if got := e.get(c.ID).Customer; !hasTag(got, "新人") {
		t.Fatalf("new customer not tagged: %v", tagNames(got))
	}
	tenant := e.Owner.TenantID
	if _, err := store.ExecContext(e.Ctx, `DELETE FROM customer_tags WHERE tenant_id = ? AND customer_id = ?`, tenant, c.ID); err != nil {
		t.Fatal(err)
	}
	locked, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- store.Tx(e.Ctx, func(tx *db.Tx) error {
			var id int64
			if err := tx.GetContext(e.Ctx, &id, `SELECT id FROM customers WHERE tenant_id = ? AND id = ? FOR UPDATE`, tenant, c.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(e.Ctx, `INSERT INTO customer_tags (tenant_id, customer_id, tag_id, source, created_at)
				VALUES (?, ?, ?, 'rule', 0)`, tenant, c.ID, tag.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(e.Ctx, `UPDATE customers SET updated_at = updated_at WHERE tenant_id = ? AND id = ?`, tenant, c.ID); err != nil {
				return err
			}
			close(locked)
			<-release
			return nil
		})
	}()
	<-locked
	applied := make(chan error, 1)
	go func() {
		applied <- e.CRM.Apply(e.Ctx, crm.Signal{Kind: crm.SignalActivity, TenantID: tenant, CustomerID: c.ID, WatchMS: 10 * 60_000,
			At: e.Clock.Now()})
	}()
	time.Sleep(300 * time.Millisecond) // the event is waiting for the row lock
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := <-applied; err != nil {
		t.Fatal(err)
	}
	if got := e.get(c.ID).Customer; hasTag(got, "新人") || got.WatchMS != 10*60_000 {
		t.Fatalf("after ten minutes: %+v", got)
	}
}
