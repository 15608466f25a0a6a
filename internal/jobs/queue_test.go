package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/jobs"
)

func TestDueJobRunsOnceAtT(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		clock := newClock()
		q := newQueue(store, clock)
		var calls atomic.Int32
		var got jobs.Job
		q.Register("lottery.draw", func(ctx context.Context, j jobs.Job) error {
			calls.Add(1)
			got = j
			return nil
		})
		at := clock.Now().Add(time.Minute)
		id := enqueue(t, q, jobs.Job{TenantID: 7, Kind: "lottery.draw", Payload: json.RawMessage(`{"lottery":42}`), RunAt: at})

		clock.Set(at.Add(-time.Millisecond))
		runDue(t, q, 0)
		clock.Set(at)
		runDue(t, q, 1)
		runDue(t, q, 0)
		clock.Add(time.Hour)
		runDue(t, q, 0)
		if calls.Load() != 1 {
			t.Fatalf("handler ran %d times, want 1", calls.Load())
		}
		if got.ID != id || got.TenantID != 7 || string(got.Payload) != `{"lottery":42}` || got.Attempts != 1 || !got.RunAt.Equal(at) {
			t.Fatalf("handler got %+v", got)
		}
		j := wantStatus(t, q, id, jobs.StatusDone, 1)
		if !j.FinishedAt.Equal(at) {
			t.Fatalf("finished at %v, want %v", j.FinishedAt, at)
		}

		// Prune removes finished jobs older than the cutoff, and only those.
		pending := enqueue(t, q, jobs.Job{Kind: "lottery.draw", RunAt: clock.Now().Add(time.Hour)})
		if n, err := q.Prune(context.Background(), at); err != nil || n != 0 {
			t.Fatalf("prune at the finish time removed %d, %v", n, err)
		}
		if n, err := q.Prune(context.Background(), clock.Now().Add(24*time.Hour)); err != nil || n != 1 {
			t.Fatalf("prune removed %d, %v; want 1", n, err)
		}
		if _, err := q.Get(context.Background(), id); siyu.ErrorCode(err) != siyu.ENOTFOUND {
			t.Fatalf("pruned job: %v", err)
		}
		wantStatus(t, q, pending, jobs.StatusPending, 0)
	})
}

func TestEnqueueValidates(t *testing.T) {
	t.Parallel()
	q := newQueue(dbtest.SQLite(t), newClock())
	_, err := q.Enqueue(context.Background(), nil, jobs.Job{})
	if siyu.ErrorCode(err) != siyu.EINVALID || siyu.ErrorField(err) != "kind" {
		t.Fatalf("empty kind: %v", err)
	}
	_, err = q.Enqueue(context.Background(), nil, jobs.Job{Kind: "x", Payload: json.RawMessage("{")})
	if siyu.ErrorCode(err) != siyu.EINVALID || siyu.ErrorField(err) != "payload" {
		t.Fatalf("bad payload: %v", err)
	}
}

func TestJobSurvivesRestart(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		clock := newClock()
		first := newQueue(store, clock)
		first.Register("reminder", func(context.Context, jobs.Job) error {
			t.Error("the first process must not run the job before T")
			return nil
		})
		first.Start(context.Background())
		at := clock.Now().Add(10 * time.Minute)
		id := enqueue(t, first, jobs.Job{Kind: "reminder", RunAt: at})
		first.Stop()

		// A new process: on SQLite a new handle on the same file, later in time.
		store2 := store
		if path := store.Path(); path != "" {
			var err error
			store2, err = db.Open(context.Background(), path, "")
			if err != nil {
				t.Fatal(err)
			}
			defer store2.Close()
		}
		clock.Set(at.Add(3 * time.Hour))
		second := newQueue(store2, clock)
		var calls atomic.Int32
		second.Register("reminder", func(context.Context, jobs.Job) error { calls.Add(1); return nil })
		runDue(t, second, 1)
		runDue(t, second, 0)
		if calls.Load() != 1 {
			t.Fatalf("ran %d times after restart, want 1", calls.Load())
		}
		wantStatus(t, second, id, jobs.StatusDone, 1)
	})
}

// crash makes job id look like a worker claimed it and died mid-handler.
func crash(t *testing.T, store *db.DB, id int64, attempts int, lockedUntil time.Time) {
	t.Helper()
	_, err := store.ExecContext(context.Background(),
		`UPDATE jobs SET status = 'running', attempts = ?, locked_until = ? WHERE id = ?`,
		attempts, lockedUntil.UnixMilli(), id)
	if err != nil {
		t.Fatal(err)
	}
}

func TestCrashedJobRerunsAfterLease(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		clock := newClock()
		q := newQueue(store, clock)
		var calls atomic.Int32
		q.Register("order.expire", func(context.Context, jobs.Job) error { calls.Add(1); return nil })
		id := enqueue(t, q, jobs.Job{Kind: "order.expire"})
		lease := clock.Now().Add(jobs.DefaultLease)
		crash(t, store, id, 1, lease)

		clock.Set(lease)
		runDue(t, q, 0) // lease not yet expired
		clock.Set(lease.Add(time.Millisecond))
		runDue(t, q, 1)
		runDue(t, q, 0)
		if calls.Load() != 1 {
			t.Fatalf("handler ran %d times, want 1", calls.Load())
		}
		wantStatus(t, q, id, jobs.StatusDone, 2)

		// A job orphaned on its final attempt is failed, not run past its budget.
		last := enqueue(t, q, jobs.Job{Kind: "order.expire", MaxAttempts: 1})
		crash(t, store, last, 1, clock.Now())
		clock.Add(time.Millisecond)
		runDue(t, q, 1)
		j := wantStatus(t, q, last, jobs.StatusFailed, 2)
		if calls.Load() != 1 || !strings.Contains(j.LastError, "lease expired") {
			t.Fatalf("calls %d, last error %q", calls.Load(), j.LastError)
		}
	})
}

func TestRetryWithBackoffThenSuccess(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		clock := newClock()
		q := newQueue(store, clock)
		var calls atomic.Int32
		q.Register("send", func(context.Context, jobs.Job) error {
			if calls.Add(1) < 3 {
				return errors.New("gateway timeout")
			}
			return nil
		})
		start := clock.Now()
		id := enqueue(t, q, jobs.Job{Kind: "send"})
		runDue(t, q, 1)
		j := wantStatus(t, q, id, jobs.StatusPending, 1)
		if j.LastError != "gateway timeout" {
			t.Fatalf("last error %q", j.LastError)
		}
		if d := j.RunAt.Sub(start); d < time.Second || d > 1100*time.Millisecond {
			t.Fatalf("first retry in %v, want 1s plus up to 10%% jitter", d)
		}
		runDue(t, q, 0) // not yet due
		clock.Set(j.RunAt)
		runDue(t, q, 1)
		j = wantStatus(t, q, id, jobs.StatusPending, 2)
		if d := j.RunAt.Sub(clock.Now()); d < 2*time.Second || d > 2200*time.Millisecond {
			t.Fatalf("second retry in %v, want 2s plus jitter", d)
		}
		clock.Set(j.RunAt)
		runDue(t, q, 1)
		wantStatus(t, q, id, jobs.StatusDone, 3)
	})
}

func TestFailures(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		clock := newClock()
		q := newQueue(store, clock)
		var calls atomic.Int32
		q.Register("flaky", func(context.Context, jobs.Job) error { calls.Add(1); return errors.New("down") })
		q.Register("bad", func(context.Context, jobs.Job) error {
			calls.Add(1)
			return jobs.Permanent(errors.New("payload does not decode"))
		})
		q.Register("boom", func(context.Context, jobs.Job) error { panic("nil map") })

		flaky := enqueue(t, q, jobs.Job{Kind: "flaky", MaxAttempts: 3})
		for range 3 {
			runDue(t, q, 1)
			clock.Add(2 * time.Hour) // past the 1 h backoff cap
		}
		runDue(t, q, 0)
		if j := wantStatus(t, q, flaky, jobs.StatusFailed, 3); j.LastError != "down" || j.FinishedAt.IsZero() {
			t.Fatalf("failed job: %+v", j)
		}

		calls.Store(0)
		bad := enqueue(t, q, jobs.Job{Kind: "bad"})
		runDue(t, q, 1)
		clock.Add(2 * time.Hour)
		runDue(t, q, 0)
		wantStatus(t, q, bad, jobs.StatusFailed, 1)
		if calls.Load() != 1 {
			t.Fatalf("permanent error retried: %d calls", calls.Load())
		}

		boom := enqueue(t, q, jobs.Job{Kind: "boom"})
		runDue(t, q, 1)
		if j := wantStatus(t, q, boom, jobs.StatusPending, 1); !strings.Contains(j.LastError, "panicked: nil map") {
			t.Fatalf("panic recorded as %q", j.LastError)
		}

		unknown := enqueue(t, q, jobs.Job{Kind: "nobody.handles.this"})
		runDue(t, q, 1)
		if j := wantStatus(t, q, unknown, jobs.StatusFailed, 1); !strings.Contains(j.LastError, `no handler registered for job kind "nobody.handles.this"`) {
			t.Fatalf("unknown kind recorded as %q", j.LastError)
		}
	})
}
