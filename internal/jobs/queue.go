package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

// Defaults for the Queue's tunables.
const (
	DefaultPollInterval = 250 * time.Millisecond
	DefaultLease        = 5 * time.Minute
	DefaultConcurrency  = 8
)

// Queue runs durable jobs from the jobs table. One Queue per process; several
// processes (nodes) may share one PostgreSQL, and each job still runs once.
type Queue struct {
	// PollInterval is how often Start looks for due jobs; Enqueue of a due-now job in
	// this process wakes it sooner. Set before Start.
	PollInterval time.Duration
	// Lease is how long a claimed job is reserved for its worker. A job still
	// 'running' after its lease is presumed orphaned by a crash and runs again, so the
	// lease must exceed any handler's run time; handlers' ctx ends with it.
	Lease time.Duration
	// Concurrency bounds the handlers running at once in this process, so a slow
	// webhook receiver cannot starve a lottery draw. Set before Start.
	Concurrency int

	store  *db.DB
	now    func() time.Time
	logger *slog.Logger

	mu       sync.RWMutex
	handlers map[string]Handler
	sem      chan struct{} // created lazily from Concurrency
	semOnce  sync.Once

	wake     chan struct{}
	wg       sync.WaitGroup // running handlers
	runMu    sync.Mutex     // guards cancel, loopDone
	cancel   context.CancelFunc
	loopDone chan struct{}
}

// New builds a Queue on store. now is the injected clock that decides what is due,
// so tests move time instead of sleeping; logger receives handler failures (nil
// means slog.Default()).
func New(store *db.DB, now func() time.Time, logger *slog.Logger) *Queue {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &Queue{
		PollInterval: DefaultPollInterval,
		Lease:        DefaultLease,
		Concurrency:  DefaultConcurrency,
		store:        store,
		now:          now,
		logger:       logger.With("component", "jobs"),
		handlers:     make(map[string]Handler),
		wake:         make(chan struct{}, 1),
	}
}

// Register sets the handler for kind, normally before Start while wiring the server.
// Every node must register every kind it may claim: a due job of an unregistered kind
// fails at once. Registering one kind twice is a wiring bug and panics at startup.
func (q *Queue) Register(kind string, h Handler) {
	if kind == "" || h == nil {
		panic("jobs: Register needs a kind and a handler")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, dup := q.handlers[kind]; dup {
		panic(fmt.Sprintf("jobs: kind %q registered twice", kind))
	}
	q.handlers[kind] = h
}

func (q *Queue) handler(kind string) Handler {
	q.mu.RLock()
	defer q.mu.RUnlock()
	return q.handlers[kind]
}

// Enqueue schedules j and returns its id. Pass the caller's *db.Tx as qr so the job
// exists only if the business change commits (a nil qr uses the store directly). With
// UniqueKey set, a second Enqueue with the same key writes nothing and returns the id
// of the job already holding it, whatever that job's state; only Cancel frees a key.
func (q *Queue) Enqueue(ctx context.Context, qr db.Querier, j Job) (int64, error) {
	if qr == nil {
		qr = q.store
	}
	if j.Kind == "" {
		return 0, siyu.Invalid("kind", "job kind is required")
	}
	if len(j.Payload) == 0 {
		j.Payload = json.RawMessage("{}")
	} else if !json.Valid(j.Payload) {
		return 0, siyu.Invalid("payload", "job payload for %s is not valid JSON", j.Kind)
	}
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = DefaultMaxAttempts
	}
	now := q.now()
	if j.RunAt.IsZero() {
		j.RunAt = now
	}
	id, err := insertJob(ctx, qr, j, now.UnixMilli())
	if err != nil {
		return 0, err
	}
	if !j.RunAt.After(now) {
		if tx, ok := qr.(*db.Tx); ok {
			tx.AfterCommit(q.Wake)
		} else {
			q.Wake()
		}
	}
	return id, nil
}

// Cancel cancels the pending job holding uniqueKey and frees the key, so a
// rescheduled timer can be enqueued again under the same key. It is a no-op when no
// pending job holds the key (already run, already cancelled, or running right now),
// so callers can cancel without first checking.
func (q *Queue) Cancel(ctx context.Context, qr db.Querier, uniqueKey string) error {
	if qr == nil {
		qr = q.store
	}
	if uniqueKey == "" {
		return siyu.Invalid("unique_key", "a unique key is required to cancel a job")
	}
	return cancelJob(ctx, qr, uniqueKey, q.now().UnixMilli())
}

// Get returns one job by id, for tests and the operator console. Jobs are platform
// rows, so this is not for tenant-facing handlers (they look at their own tables).
func (q *Queue) Get(ctx context.Context, id int64) (Job, error) {
	return getJob(ctx, q.store, id)
}

// Stats counts jobs by status, for the operator console and metrics.
func (q *Queue) Stats(ctx context.Context) (map[string]int, error) {
	return countByStatus(ctx, q.store)
}

// Prune deletes finished jobs (done, failed, cancelled) that finished before cutoff
// and returns how many, so the table does not grow with every webhook ever sent. A
// pruned job's unique key becomes free again, so keep cutoff well behind any window
// in which a duplicate enqueue could still arrive.
func (q *Queue) Prune(ctx context.Context, cutoff time.Time) (int64, error) {
	return pruneJobs(ctx, q.store, cutoff.UnixMilli())
}

// Wake asks a started Queue to look for due jobs now instead of at the next poll. It
// never blocks; Enqueue calls it for due-now jobs (after commit when in a Tx).
func (q *Queue) Wake() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Start runs the poll loop in a goroutine and returns at once. The loop stops when ctx
// ends or Stop is called; handlers already running are not interrupted by either.
// Calling Start on a started Queue does nothing.
func (q *Queue) Start(ctx context.Context) {
	q.runMu.Lock()
	defer q.runMu.Unlock()
	if q.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	q.cancel = cancel
	q.loopDone = make(chan struct{})
	go q.loop(ctx, q.loopDone)
}

// Stop ends the poll loop and waits for running handlers to finish, for graceful
// shutdown: a handler is never cut off half-way by a deploy. Safe to call twice or
// without Start.
func (q *Queue) Stop() {
	q.runMu.Lock()
	cancel, done := q.cancel, q.loopDone
	q.cancel, q.loopDone = nil, nil
	q.runMu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
	q.wg.Wait()
}

func (q *Queue) loop(ctx context.Context, done chan struct{}) {
	defer close(done)
	interval := q.PollInterval
	if interval <= 0 {
		interval = DefaultPollInterval
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	// Handlers outlive the loop's ctx so shutdown waits for them instead of cancelling.
	hctx := context.WithoutCancel(ctx)
	for {
		if _, err := q.dispatch(ctx, hctx, nil); err != nil && ctx.Err() == nil {
			q.logger.Error("poll for due jobs", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		case <-q.wake:
		}
	}
}
