package eventlog_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/analytics/eventlog"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
)

func scanAll(t *testing.T, store *db.DB, tenant, session int64) []eventlog.Event {
	t.Helper()
	var out []eventlog.Event
	if _, err := eventlog.Scan(context.Background(), store, tenant, session, 0, func(evs []eventlog.Event) error {
		out = append(out, evs...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// Events added from many goroutines are all durable after Flush, each session's in
// its own segments and in time order, and a later Scan from the watermark sees only
// what came after.
func TestLogWritesEverySessionInBatches(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		l := eventlog.New(store, eventlog.Options{FlushEvery: 10 * time.Millisecond, BatchEvents: 500})
		l.Start()
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 2500 {
					// Times go backwards within a goroutine: the writer sorts.
					l.Add(eventlog.Event{TenantID: 1, SessionID: int64(1 + g%2), At: int64(100000 - i), Kind: eventlog.KindComment,
						ViewerID: int64(g*10000 + i), Amount: 1})
				}
			}()
		}
		wg.Wait()
		if err := l.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		mark, err := eventlog.LastSegment(ctx, store, 1, 1)
		if err != nil || mark == 0 {
			t.Fatalf("last segment %d %v", mark, err)
		}
		for s := int64(1); s <= 2; s++ {
			evs := scanAll(t, store, 1, s)
			if len(evs) != 5000 {
				t.Fatalf("session %d: %d events, want 5000", s, len(evs))
			}
			if evs[0].SessionID != s || evs[0].TenantID != 1 {
				t.Fatalf("scan does not fill tenant and session: %+v", evs[0])
			}
		}
		if got := scanAll(t, store, 2, 1); len(got) != 0 {
			t.Fatalf("another tenant's scan found %d events", len(got))
		}
		l.Add(eventlog.Event{TenantID: 1, SessionID: 1, At: 5, Kind: eventlog.KindLike, Amount: 7})
		if err := l.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		var later []eventlog.Event
		if _, err := eventlog.Scan(ctx, store, 1, 1, mark, func(evs []eventlog.Event) error {
			later = append(later, evs...)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(later) != 1 || later[0].Amount != 7 {
			t.Fatalf("Stop must write what was added last; after the watermark: %+v", later)
		}
		st := l.Stats()
		if st.Added != 10001 || st.Written != 10001 || st.Pending != 0 || st.Dropped != 0 {
			t.Fatalf("stats %+v", st)
		}
	})
}

// While the store refuses writes, events stay buffered (not lost, not reordered) and
// an acknowledged AddWait waits; once the store is back everything is written.
func TestLogKeepsEventsWhileTheStoreFails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		l := eventlog.New(store, eventlog.Options{})
		for i := range 10 {
			l.Add(eventlog.Event{TenantID: 3, SessionID: 4, At: int64(i), Kind: eventlog.KindView, RefID: int64(i)})
		}
		if _, err := store.ExecContext(ctx, `ALTER TABLE analytics_segments RENAME TO analytics_segments_away`); err != nil {
			t.Fatal(err)
		}
		if err := l.Flush(ctx); err == nil {
			t.Fatal("flush into a missing table succeeded")
		}
		if st := l.Stats(); st.Pending != 10 || st.Failures != 1 {
			t.Fatalf("after a failed flush: %+v", st)
		}
		if _, err := store.ExecContext(ctx, `ALTER TABLE analytics_segments_away RENAME TO analytics_segments`); err != nil {
			t.Fatal(err)
		}
		if err := l.AddWait(ctx, eventlog.Event{TenantID: 3, SessionID: 4, At: 10, Kind: eventlog.KindView, RefID: 10}); err != nil {
			t.Fatal(err)
		}
		evs := scanAll(t, store, 3, 4)
		if len(evs) != 11 {
			t.Fatalf("%d events after recovery, want 11", len(evs))
		}
		for i, e := range evs {
			if e.RefID != int64(i) {
				t.Fatalf("event %d out of order: %+v", i, e)
			}
		}
	})
}

// A full buffer drops (and counts) instead of growing or blocking the caller.
func TestLogDropsBeyondMaxBuffered(t *testing.T) {
	t.Parallel()
	l := eventlog.New(dbtest.SQLite(t), eventlog.Options{MaxBuffered: 3})
	if !l.Add(make([]eventlog.Event, 3)...) {
		t.Fatal("three events fit")
	}
	if l.Add(eventlog.Event{}) {
		t.Fatal("a fourth event was accepted beyond MaxBuffered")
	}
	if st := l.Stats(); st.Dropped != 1 || st.Pending != 3 {
		t.Fatalf("stats %+v", st)
	}
}
