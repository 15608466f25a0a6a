package jobs_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
)

// fakeClock is the injected clock: tests move it instead of sleeping.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 6, 1, 20, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func newQueue(store *db.DB, clock *fakeClock) *jobs.Queue {
	return jobs.New(store, clock.Now, quietLogger())
}

func enqueue(t *testing.T, q *jobs.Queue, j jobs.Job) int64 {
	t.Helper()
	id, err := q.Enqueue(context.Background(), nil, j)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func runDue(t *testing.T, q *jobs.Queue, want int) {
	t.Helper()
	n, err := q.RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Fatalf("RunDue ran %d jobs, want %d", n, want)
	}
}

func get(t *testing.T, q *jobs.Queue, id int64) jobs.Job {
	t.Helper()
	j, err := q.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func wantStatus(t *testing.T, q *jobs.Queue, id int64, status string, attempts int) jobs.Job {
	t.Helper()
	j := get(t, q, id)
	if j.Status != status || j.Attempts != attempts {
		t.Fatalf("job %d: status %s attempts %d, want %s %d (last error %q)",
			id, j.Status, j.Attempts, status, attempts, j.LastError)
	}
	return j
}
