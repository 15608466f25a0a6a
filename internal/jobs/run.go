package jobs

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// runDueBatch is how many due ids one RunDue pass looks at; passes repeat until one
// claims nothing.
const runDueBatch = 100

// maxErrorLen bounds last_error so a handler returning a megabyte of HTML cannot bloat
// the jobs table.
const maxErrorLen = 2000

// RunDue runs every job due at q.now() and returns how many it ran; it waits for them
// to finish. The poll loop uses the same claiming code, and tests call RunDue after
// moving the fake clock, so no test sleeps. Jobs claimed by another Queue (or node)
// are left to it.
func (q *Queue) RunDue(ctx context.Context) (ran int, err error) {
	for {
		var wg sync.WaitGroup
		n, err := q.dispatch(ctx, ctx, &wg)
		wg.Wait()
		ran += n
		if err != nil || n == 0 {
			return ran, err
		}
	}
}

func (q *Queue) slots() chan struct{} {
	q.semOnce.Do(func() {
		n := q.Concurrency
		if n <= 0 {
			n = DefaultConcurrency
		}
		q.sem = make(chan struct{}, n)
	})
	return q.sem
}

func (q *Queue) lease() time.Duration {
	if q.Lease <= 0 {
		return DefaultLease
	}
	return q.Lease
}

// dispatch claims due jobs and starts each in its own goroutine, holding one of the
// Concurrency slots. With track == nil (the poll loop) it claims only as many jobs as
// slots are free and returns; a finishing handler wakes the loop for the next one.
// With track set (RunDue) it waits for free slots and adds every started job to track.
func (q *Queue) dispatch(ctx, hctx context.Context, track *sync.WaitGroup) (started int, err error) {
	sem := q.slots()
	limit := runDueBatch
	if track == nil {
		limit = cap(sem) - len(sem)
		if limit <= 0 {
			return 0, nil
		}
	}
	ids, err := dueIDs(ctx, q.store, q.now().UnixMilli(), limit)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if track == nil {
			select {
			case sem <- struct{}{}:
			default:
				return started, nil
			}
		} else {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return started, ctx.Err()
			}
		}
		now := q.now()
		job, ok, err := claimJob(ctx, q.store, id, now.UnixMilli(), now.Add(q.lease()).UnixMilli())
		if err != nil || !ok {
			<-sem
			if err != nil {
				return started, err
			}
			continue // another worker took it
		}
		started++
		q.wg.Add(1)
		if track != nil {
			track.Add(1)
		}
		go func() {
			defer func() {
				<-sem
				q.wg.Done()
				if track != nil {
					track.Done()
				} else {
					q.Wake() // a slot is free: look for the next due job now
				}
			}()
			q.execute(hctx, job)
		}()
	}
	return started, nil
}

// execute runs one claimed job and records its outcome.
func (q *Queue) execute(ctx context.Context, j Job) {
	hctx, cancel := context.WithTimeout(ctx, q.lease())
	defer cancel()
	var err error
	if j.Attempts > j.MaxAttempts {
		// Only a job orphaned on its final attempt gets here: do not run it past its
		// budget, or a job that kills the process would loop forever.
		err = Permanent(errors.New("lease expired during the final attempt (worker crashed or overran); not run again"))
	} else if h := q.handler(j.Kind); h == nil {
		err = Permanent(fmt.Errorf("no handler registered for job kind %q", j.Kind))
	} else {
		err = q.call(hctx, h, j)
	}
	q.record(ctx, j, err)
}

// call runs h, turning a panic into an error so one bad job cannot take the process
// (and every other job) down.
func (q *Queue) call(ctx context.Context, h Handler, j Job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			q.logger.Error("job handler panicked", "job", j.ID, "kind", j.Kind, "panic", r,
				"stack", string(debug.Stack()))
			err = fmt.Errorf("handler panicked: %v", r)
		}
	}()
	return h(ctx, j)
}

// record stores the outcome of attempt j.Attempts: done, retry later, or failed.
func (q *Queue) record(ctx context.Context, j Job, runErr error) {
	// The outcome must be saved even when the caller's ctx has ended meanwhile.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	now := q.now()
	status, runAt, msg := StatusDone, int64(0), ""
	switch {
	case runErr == nil:
	case IsPermanent(runErr) || j.Attempts >= j.MaxAttempts:
		status, msg = StatusFailed, errorText(runErr)
	default:
		status, msg = StatusPending, errorText(runErr)
		runAt = now.Add(retryDelay(runErr, j.Attempts)).UnixMilli()
	}
	if err := finishJob(ctx, q.store, j.ID, j.Attempts, status, runAt, now.UnixMilli(), msg); err != nil {
		// The job stays 'running' and is retried after its lease.
		q.logger.Error("record job outcome", "job", j.ID, "kind", j.Kind, "err", err)
		return
	}
	switch status {
	case StatusFailed:
		q.logger.Error("job failed", "job", j.ID, "kind", j.Kind, "attempts", j.Attempts, "err", msg)
	case StatusPending:
		q.logger.Warn("job will retry", "job", j.ID, "kind", j.Kind, "attempts", j.Attempts,
			"run_at", time.UnixMilli(runAt), "err", msg)
	}
}

// retryDelay is the handler's RetryAfter delay or the default backoff plus up to 10 %
// jitter, so jobs that failed together do not all retry in the same millisecond.
func retryDelay(err error, attempts int) time.Duration {
	var r *retryError
	if errors.As(err, &r) && r.after > 0 {
		return r.after
	}
	d := Backoff(attempts)
	return d + rand.N(d/10+1)
}

// errorText makes err safe to store: bounded, valid UTF-8 and without NUL bytes
// (PostgreSQL rejects both in TEXT, and a receiver's error page may contain anything).
func errorText(err error) string {
	s := err.Error()
	if len(s) > maxErrorLen {
		s = s[:maxErrorLen] + "…"
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "�"), "\x00", "")
}
