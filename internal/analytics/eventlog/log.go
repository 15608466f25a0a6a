package eventlog

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/siyu-live/siyu/internal/db"
)

// Options tune a Log; zero values take the defaults in brackets.
type Options struct {
	FlushEvery  time.Duration // how often the writer commits what is buffered [200 ms]
	BatchEvents int           // a flush starts early once this many events wait [50,000]
	// MaxBuffered bounds the events held in memory while the store is slow or down;
	// beyond it Add drops events (counted in Stats) rather than grow without limit or
	// block a room [2,000,000, about 130 MB].
	MaxBuffered int
	Now         func() time.Time // stamps segment rows [time.Now]
	Logger      *slog.Logger
}

// Log buffers events and writes them with one writer goroutine. It is safe for
// concurrent use; Start and Stop bracket the writer (without Start, Flush writes).
type Log struct {
	store *db.DB
	opt   Options
	log   *slog.Logger

	mu      sync.Mutex
	buf     []Event
	waiters []chan error // told once everything buffered with them is durable

	writeMu sync.Mutex // one write at a time: the writer goroutine or a direct Flush
	kick    chan struct{}
	quit    chan struct{}
	done    chan struct{}
	started atomic.Bool
	stopped atomic.Bool

	added, written, dropped, segments, failures atomic.Int64
}

// Stats are the log's counters since it was built, for /metrics, benches and tests.
type Stats struct {
	Added    int64 // events accepted by Add
	Written  int64 // events committed
	Dropped  int64 // events refused because MaxBuffered were waiting
	Segments int64 // segment rows committed
	Failures int64 // flushes the store refused (retried)
	Pending  int   // events waiting now
}

// New builds a log on store.
func New(store *db.DB, opt Options) *Log {
	if opt.FlushEvery <= 0 {
		opt.FlushEvery = 200 * time.Millisecond
	}
	if opt.BatchEvents <= 0 {
		opt.BatchEvents = 50_000
	}
	if opt.MaxBuffered <= 0 {
		opt.MaxBuffered = 2_000_000
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	return &Log{store: store, opt: opt, log: opt.Logger.With("component", "analytics.eventlog"),
		kick: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
}

// Stats returns the counters.
func (l *Log) Stats() Stats {
	l.mu.Lock()
	pending := len(l.buf)
	l.mu.Unlock()
	return Stats{Added: l.added.Load(), Written: l.written.Load(), Dropped: l.dropped.Load(),
		Segments: l.segments.Load(), Failures: l.failures.Load(), Pending: pending}
}

// Add buffers events for the next flush and returns at once; false means they were
// dropped because the buffer is full (the store has been failing for a while).
func (l *Log) Add(evs ...Event) bool {
	if len(evs) == 0 {
		return true
	}
	l.mu.Lock()
	if len(l.buf)+len(evs) > l.opt.MaxBuffered {
		l.mu.Unlock()
		l.dropped.Add(int64(len(evs)))
		return false
	}
	l.buf = append(l.buf, evs...)
	full := len(l.buf) >= l.opt.BatchEvents
	l.mu.Unlock()
	l.added.Add(int64(len(evs)))
	if full {
		l.nudge()
	}
	return true
}

// AddWait adds events and returns once they are durable, for callers that acknowledge
// them (the viewer event endpoint).
func (l *Log) AddWait(ctx context.Context, evs ...Event) error {
	if !l.Add(evs...) {
		return errors.New("eventlog: buffer full; the store is not keeping up")
	}
	return l.Flush(ctx)
}

// Flush returns once every event added before the call is committed.
func (l *Log) Flush(ctx context.Context) error {
	if !l.started.Load() || l.stopped.Load() {
		return l.writeBuffered(ctx)
	}
	w := make(chan error, 1)
	l.mu.Lock()
	l.waiters = append(l.waiters, w)
	l.mu.Unlock()
	l.nudge()
	select {
	case err := <-w:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *Log) nudge() {
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// Start runs the writer until Stop.
func (l *Log) Start() {
	if l.started.Swap(true) {
		return
	}
	go l.run()
}

// Stop writes everything buffered and stops the writer. Call it after every producer
// stopped (the rooms, the HTTP server) and before the store closes.
func (l *Log) Stop(ctx context.Context) error {
	if !l.started.Load() {
		return l.writeBuffered(ctx)
	}
	if l.stopped.Swap(true) {
		return nil
	}
	close(l.quit)
	select {
	case <-l.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	// Anything a straggler added after the writer's last round.
	return l.writeBuffered(ctx)
}

func (l *Log) run() {
	defer close(l.done)
	t := time.NewTicker(l.opt.FlushEvery)
	defer t.Stop()
	backoff := time.Duration(0)
	for {
		select {
		case <-t.C:
		case <-l.kick:
		case <-l.quit:
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			if err := l.writeBuffered(ctx); err != nil {
				l.log.Error("analytics events left unwritten at stop", "err", err, "events", l.Stats().Pending)
			}
			cancel()
			return
		}
		if err := l.writeBuffered(context.Background()); err != nil {
			backoff = min(max(2*backoff, 100*time.Millisecond), 5*time.Second)
			l.log.Warn("writing analytics events failed; retrying", "err", err, "in", backoff)
			select {
			case <-time.After(backoff):
			case <-l.quit:
			}
			l.nudge()
			continue
		}
		backoff = 0
	}
}

// writeBuffered takes what is buffered and commits it; on failure the events go back
// to the front of the buffer (waiters too), so nothing is lost or reordered.
func (l *Log) writeBuffered(ctx context.Context) error {
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	l.mu.Lock()
	batch, waiters := l.buf, l.waiters
	l.buf, l.waiters = nil, nil
	l.mu.Unlock()
	if len(batch) == 0 && len(waiters) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	n, err := writeSegments(ctx, l.store, batch, l.opt.Now().UnixMilli())
	if err != nil {
		l.failures.Add(1)
		l.mu.Lock()
		l.buf = append(batch, l.buf...)
		l.waiters = append(waiters, l.waiters...)
		l.mu.Unlock()
		return err
	}
	l.written.Add(int64(len(batch)))
	l.segments.Add(int64(n))
	for _, w := range waiters {
		w <- nil
	}
	return nil
}
