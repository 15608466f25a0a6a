// Package jobs is Siyu's durable timer and job queue: "run this at T" for live-start
// reminders, lottery draws a minute after launch, unpaid-order expiry, scheduled sends
// and webhook retries. A job due at T runs once at or after T, also when the process
// was stopped and restarted in between, because the job is a row in the `jobs` table
// written in the caller's own transaction.
//
// We keep our own small queue instead of River because it needs one schema on SQLite
// and PostgreSQL kept in our own goose migrations, it takes the injected clock every
// time rule is tested with (no sleeping in tests), it needs no extra database driver
// or pool, and River's SQLite driver is still young.
//
// Delivery guarantee: a job whose handler returns is run exactly once (success, or
// retries until success or failure). A process killed while a handler runs leaves the
// job 'running' with a lease; after the lease expires another worker runs it again. So
// handlers must be idempotent: at-least-once in the face of a crash mid-handler,
// exactly once otherwise.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Job statuses as stored in jobs.status; exported so tests and the console can read
// Job.Status and Stats without repeating literals.
const (
	StatusPending   = "pending"
	StatusRunning   = "running"
	StatusDone      = "done"
	StatusFailed    = "failed"
	StatusCancelled = "cancelled"
)

// DefaultMaxAttempts is used when Job.MaxAttempts is zero; it matches the column
// default so rows written by hand behave the same.
const DefaultMaxAttempts = 10

// Job is one unit of deferred work. Callers fill TenantID, Kind, Payload, RunAt,
// MaxAttempts and UniqueKey when enqueueing; the queue fills the rest when it hands the
// job to a handler or answers Get.
type Job struct {
	ID       int64
	TenantID int64 // 0 for platform work; kept so handlers can scope their queries
	Kind     string
	Payload  json.RawMessage
	// RunAt is when the job becomes due; the zero time means now.
	RunAt time.Time
	// Attempts counts runs started so far, including the current one inside a handler,
	// so a handler can tell its last try (Attempts == MaxAttempts).
	Attempts    int
	MaxAttempts int
	// UniqueKey, when set, makes a second Enqueue with the same key a no-op, so a
	// "draw lottery 42" timer cannot be scheduled twice by a retried request.
	UniqueKey string

	// Read-only, filled by Get and for handlers.
	Status     string
	LastError  string
	CreatedAt  time.Time
	FinishedAt time.Time
}

// Handler runs one job. Returning nil marks it done; returning an error retries it
// with backoff until MaxAttempts; Permanent(err) fails it at once. Handlers must be
// idempotent (see the package comment) and should honour ctx, which ends when the
// job's lease does.
type Handler func(ctx context.Context, job Job) error

// permanentError marks an error that retrying cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent wraps err so the queue fails the job at once instead of retrying it, for
// errors no retry can fix (a payload that does not decode, a deleted target).
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err was wrapped by Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// retryError carries a handler-chosen delay before the next attempt.
type retryError struct {
	err   error
	after time.Duration
}

func (e *retryError) Error() string { return e.err.Error() }
func (e *retryError) Unwrap() error { return e.err }

// RetryAfter wraps err so the next attempt (if any remain) is scheduled d from now
// instead of by the default exponential backoff; webhooks use it to spread retries
// over hours, because a receiver that is down for ten minutes should not lose events.
func RetryAfter(err error, d time.Duration) error {
	if err == nil {
		return nil
	}
	return &retryError{err: err, after: d}
}

// Backoff is the default delay before attempt n+1 after n failed attempts:
// exponential from 1 s, capped at 1 h. Jitter is added by the queue. Exported so
// callers can reason about (and tests can advance past) the schedule.
func Backoff(attempts int) time.Duration {
	if attempts < 1 {
		attempts = 1
	}
	if attempts > 13 { // 2^12 s > 1 h already
		return time.Hour
	}
	return min(time.Second<<(attempts-1), time.Hour)
}
