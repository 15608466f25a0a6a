package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/jobs"
)

func TestUniqueKeyAndCancel(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		clock := newClock()
		q := newQueue(store, clock)
		var calls atomic.Int32
		q.Register("live.remind", func(context.Context, jobs.Job) error { calls.Add(1); return nil })
		at := clock.Now().Add(time.Hour)
		job := jobs.Job{Kind: "live.remind", RunAt: at, UniqueKey: "live.remind:session:9"}
		id := enqueue(t, q, job)
		if again := enqueue(t, q, job); again != id {
			t.Fatalf("second enqueue with the same key got id %d, want %d", again, id)
		}
		// Inside a transaction the duplicate is found too.
		if err := store.Tx(ctx, func(tx *db.Tx) error {
			again, err := q.Enqueue(ctx, tx, job)
			if err == nil && again != id {
				err = fmt.Errorf("in tx: id %d, want %d", again, id)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		stats, err := q.Stats(ctx)
		if err != nil || stats[jobs.StatusPending] != 1 || len(stats) != 1 {
			t.Fatalf("stats %v, %v; want one pending job", stats, err)
		}

		// Cancel: the timer never fires, and the key can be used again.
		if err := q.Cancel(ctx, nil, job.UniqueKey); err != nil {
			t.Fatal(err)
		}
		if err := q.Cancel(ctx, nil, "no.such.key"); err != nil {
			t.Fatalf("cancel of an unknown key: %v", err)
		}
		clock.Set(at)
		runDue(t, q, 0)
		wantStatus(t, q, id, jobs.StatusCancelled, 0)

		job.RunAt = at.Add(time.Hour)
		fresh := enqueue(t, q, job)
		if fresh == id {
			t.Fatal("re-enqueue after cancel returned the cancelled job")
		}
		clock.Set(job.RunAt)
		runDue(t, q, 1)
		// A done job keeps its key: the same timer is not scheduled twice.
		if again := enqueue(t, q, job); again != fresh {
			t.Fatalf("enqueue after done got %d, want %d", again, fresh)
		}
		runDue(t, q, 0)
		if calls.Load() != 1 {
			t.Fatalf("handler ran %d times, want 1", calls.Load())
		}
	})
}

func TestEnqueueInRolledBackTx(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		q := newQueue(store, newClock())
		q.Register("x", func(context.Context, jobs.Job) error { return nil })
		boom := errors.New("order rejected")
		err := store.Tx(ctx, func(tx *db.Tx) error {
			if _, err := q.Enqueue(ctx, tx, jobs.Job{Kind: "x", UniqueKey: "k"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("tx error %v", err)
		}
		runDue(t, q, 0)
		if stats, err := q.Stats(ctx); err != nil || len(stats) != 0 {
			t.Fatalf("rolled-back enqueue left jobs: %v %v", stats, err)
		}
	})
}

func TestTwoQueuesRunEachJobOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		const n = 60
		clock := newClock()
		var counts [n]atomic.Int32
		handler := func(_ context.Context, j jobs.Job) error {
			var p struct{ N int }
			if err := json.Unmarshal(j.Payload, &p); err != nil {
				return jobs.Permanent(err)
			}
			counts[p.N].Add(1)
			return nil
		}
		a, b := newQueue(store, clock), newQueue(store, clock)
		a.Register("count", handler)
		b.Register("count", handler)
		for i := range n {
			enqueue(t, a, jobs.Job{Kind: "count", Payload: json.RawMessage(fmt.Sprintf(`{"N":%d}`, i))})
		}
		var wg sync.WaitGroup
		var total atomic.Int32
		for _, q := range []*jobs.Queue{a, b, a, b} {
			wg.Go(func() {
				ran, err := q.RunDue(context.Background())
				if err != nil {
					t.Error(err)
				}
				total.Add(int32(ran))
			})
		}
		wg.Wait()
		if total.Load() != n {
			t.Fatalf("RunDue calls ran %d jobs in total, want %d", total.Load(), n)
		}
		for i := range counts {
			if c := counts[i].Load(); c != 1 {
				t.Fatalf("job %d ran %d times", i, c)
			}
		}
	})
}

func TestStartStopRealClock(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		q := jobs.New(store, time.Now, quietLogger())
		q.PollInterval = time.Hour // only the wake-up on Enqueue can start the job in time
		ran := make(chan int64, 1)
		release := make(chan struct{})
		q.Register("ping", func(_ context.Context, j jobs.Job) error {
			ran <- j.ID
			<-release
			return nil
		})
		q.Start(ctx)
		var id int64
		if err := store.Tx(ctx, func(tx *db.Tx) error {
			var err error
			id, err = q.Enqueue(ctx, tx, jobs.Job{Kind: "ping"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-ran:
			if got != id {
				t.Fatalf("ran job %d, want %d", got, id)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("due-now job did not run within 5 s")
		}
		// Stop waits for the running handler and its recorded outcome.
		stopped := make(chan struct{})
		go func() { q.Stop(); close(stopped) }()
		select {
		case <-stopped:
			t.Fatal("Stop returned while a handler was still running")
		case <-time.After(100 * time.Millisecond):
		}
		close(release)
		select {
		case <-stopped:
		case <-time.After(5 * time.Second):
			t.Fatal("Stop did not return after the handler finished")
		}
		wantStatus(t, q, id, jobs.StatusDone, 1)
	})
}

func TestStartPollsForLaterJobs(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		q := jobs.New(store, time.Now, quietLogger())
		q.PollInterval = 20 * time.Millisecond
		ran := make(chan struct{}, 1)
		q.Register("later", func(context.Context, jobs.Job) error { ran <- struct{}{}; return nil })
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		q.Start(ctx)
		defer q.Stop()
		enqueue(t, q, jobs.Job{Kind: "later", RunAt: time.Now().Add(100 * time.Millisecond)})
		select {
		case <-ran:
		case <-time.After(5 * time.Second):
			t.Fatal("job due in 100 ms did not run within 5 s")
		}
	})
}
