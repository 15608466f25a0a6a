package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
)

// jobColumns is the column list every read of a whole job uses, so row scans stay in
// step with jobRow.
const jobColumns = `id, tenant_id, kind, payload, unique_key, run_at, status, attempts,
	max_attempts, last_error, locked_until, created_at, finished_at`

// jobRow mirrors the jobs table.
type jobRow struct {
	ID          int64          `db:"id"`
	TenantID    int64          `db:"tenant_id"`
	Kind        string         `db:"kind"`
	Payload     string         `db:"payload"`
	UniqueKey   sql.NullString `db:"unique_key"`
	RunAt       int64          `db:"run_at"`
	Status      string         `db:"status"`
	Attempts    int            `db:"attempts"`
	MaxAttempts int            `db:"max_attempts"`
	LastError   string         `db:"last_error"`
	LockedUntil int64          `db:"locked_until"`
	CreatedAt   int64          `db:"created_at"`
	FinishedAt  int64          `db:"finished_at"`
}

func (r jobRow) job() Job {
	j := Job{
		ID:          r.ID,
		TenantID:    r.TenantID,
		Kind:        r.Kind,
		Payload:     json.RawMessage(r.Payload),
		RunAt:       time.UnixMilli(r.RunAt),
		Attempts:    r.Attempts,
		MaxAttempts: r.MaxAttempts,
		UniqueKey:   r.UniqueKey.String,
		Status:      r.Status,
		LastError:   r.LastError,
		CreatedAt:   time.UnixMilli(r.CreatedAt),
	}
	if r.FinishedAt != 0 {
		j.FinishedAt = time.UnixMilli(r.FinishedAt)
	}
	return j
}

// insertJob writes a pending job; with a unique key already taken it writes nothing
// and returns the id of the job holding the key.
func insertJob(ctx context.Context, q db.Querier, j Job, now int64) (int64, error) {
	var key sql.NullString
	if j.UniqueKey != "" {
		key = sql.NullString{String: j.UniqueKey, Valid: true}
	}
	var id int64
	err := q.WriteGetContext(ctx, &id, `INSERT INTO jobs
		(tenant_id, kind, payload, unique_key, run_at, status, attempts, max_attempts, created_at)
		VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)
		ON CONFLICT (unique_key) DO NOTHING RETURNING id`,
		j.TenantID, j.Kind, string(j.Payload), key, j.RunAt.UnixMilli(), j.MaxAttempts, now)
	if err == nil {
		return id, nil
	}
	if !db.IsNoRows(err) || !key.Valid {
		return 0, fmt.Errorf("jobs: enqueue %s: %w", j.Kind, err)
	}
	// The key is taken: answer the job that holds it. WriteGetContext reads on the
	// writer, which on SQLite sees the row even when it was written a moment ago.
	if err := q.WriteGetContext(ctx, &id, `SELECT id FROM jobs WHERE unique_key = ?`, key); err != nil {
		return 0, fmt.Errorf("jobs: enqueue %s: find key %q: %w", j.Kind, j.UniqueKey, err)
	}
	return id, nil
}

// cancelJob cancels the pending job holding key and frees the key so the same timer
// can be scheduled again (a rescheduled live session gets a fresh reminder).
func cancelJob(ctx context.Context, q db.Querier, key string, now int64) error {
	_, err := q.ExecContext(ctx, `UPDATE jobs SET status = 'cancelled', unique_key = NULL,
		finished_at = ?, locked_until = 0
		WHERE unique_key = ? AND (status = 'pending' OR (status = 'running' AND locked_until < ?))`,
		now, key, now)
	if err != nil {
		return fmt.Errorf("jobs: cancel %q: %w", key, err)
	}
	return nil
}

// dueIDs lists up to limit jobs that are due at now: pending and past run_at, or
// running with an expired lease (their worker died).
func dueIDs(ctx context.Context, q db.Querier, now int64, limit int) ([]int64, error) {
	var ids []int64
	err := q.SelectContext(ctx, &ids, `SELECT id FROM jobs
		WHERE (status = 'pending' AND run_at <= ?) OR (status = 'running' AND locked_until < ?)
		ORDER BY run_at, id LIMIT ?`, now, now, limit)
	if err != nil {
		return nil, fmt.Errorf("jobs: list due: %w", err)
	}
	return ids, nil
}

// claimJob takes job id for this worker until lockedUntil. The WHERE clause re-checks
// that the job is still due, and only one UPDATE can match, so several workers (or
// nodes on one PostgreSQL) racing for the same job run it once: the row comes back
// only to the one whose UPDATE affected it (RowsAffected == 1).
func claimJob(ctx context.Context, q db.Querier, id, now, lockedUntil int64) (Job, bool, error) {
	var r jobRow
	err := q.WriteGetContext(ctx, &r, `UPDATE jobs
		SET status = 'running', locked_until = ?, attempts = attempts + 1
		WHERE id = ? AND ((status = 'pending' AND run_at <= ?) OR (status = 'running' AND locked_until < ?))
		RETURNING `+jobColumns, lockedUntil, id, now, now)
	if db.IsNoRows(err) {
		return Job{}, false, nil
	}
	if err != nil {
		return Job{}, false, fmt.Errorf("jobs: claim %d: %w", id, err)
	}
	return r.job(), true, nil
}

// finishJob records the outcome of attempt number `attempts`. It only touches the row
// while that attempt still owns it, so a worker that overran its lease cannot
// overwrite the outcome of the worker that took the job over.
func finishJob(ctx context.Context, q db.Querier, id int64, attempts int, status string, runAt, finishedAt int64, lastErr string) error {
	var err error
	if status == StatusPending {
		_, err = q.ExecContext(ctx, `UPDATE jobs SET status = 'pending', run_at = ?, locked_until = 0,
			last_error = ? WHERE id = ? AND status = 'running' AND attempts = ?`,
			runAt, lastErr, id, attempts)
	} else {
		_, err = q.ExecContext(ctx, `UPDATE jobs SET status = ?, finished_at = ?, locked_until = 0,
			last_error = ? WHERE id = ? AND status = 'running' AND attempts = ?`,
			status, finishedAt, lastErr, id, attempts)
	}
	if err != nil {
		return fmt.Errorf("jobs: finish %d as %s: %w", id, status, err)
	}
	return nil
}

// getJob reads one job by id.
func getJob(ctx context.Context, q db.Querier, id int64) (Job, error) {
	var r jobRow
	err := q.GetContext(ctx, &r, `SELECT `+jobColumns+` FROM jobs WHERE id = ?`, id)
	if db.IsNoRows(err) {
		return Job{}, siyu.Errorf(siyu.ENOTFOUND, "job %d not found", id)
	}
	if err != nil {
		return Job{}, fmt.Errorf("jobs: get %d: %w", id, err)
	}
	return r.job(), nil
}

// countByStatus counts jobs per status.
func countByStatus(ctx context.Context, q db.Querier) (map[string]int, error) {
	var rows []struct {
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	if err := q.SelectContext(ctx, &rows, `SELECT status, COUNT(*) AS n FROM jobs GROUP BY status`); err != nil {
		return nil, fmt.Errorf("jobs: stats: %w", err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// pruneJobs deletes finished jobs that finished before cutoff.
func pruneJobs(ctx context.Context, q db.Querier, cutoff int64) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM jobs
		WHERE status IN ('done', 'failed', 'cancelled') AND finished_at < ?`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("jobs: prune: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("jobs: prune: %w", err)
	}
	return n, nil
}
