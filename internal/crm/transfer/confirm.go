package transfer

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/org"
)

// Confirm applies a dry run: the rows without errors go through the CRM (in the
// background when a queue is wired), the rows with errors are skipped. It reports
// whether this call started applying; confirming an import already confirmed changes
// nothing and answers its current state.
func (s *Service) Confirm(ctx context.Context, p org.Principal, id int64) (Import, bool, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return Import{}, false, err
	}
	started := false
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		r, err := getImport(ctx, tx, p.TenantID, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE customer_imports SET status = ?, confirmed_by = ?, confirmed_by_email = ?,
			confirmed_at = ? WHERE tenant_id = ? AND id = ? AND status = ?`, ImportApplying, p.UserID, p.Email,
			s.now().UnixMilli(), p.TenantID, id, ImportReady)
		if err != nil {
			return fmt.Errorf("transfer: confirm: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if r.Status == ImportChecking {
				return siyu.Errorf(siyu.ECONFLICT, "customer import %d was not fully checked; upload the file again", id)
			}
			return nil // confirmed before: nothing happens twice
		}
		started = true
		if _, err := tx.ExecContext(ctx, `UPDATE customer_import_rows SET result = ? WHERE tenant_id = ? AND import_id = ? AND status = ?`,
			ResultSkipped, p.TenantID, id, StatusError); err != nil {
			return fmt.Errorf("transfer: confirm: %w", err)
		}
		if err := audit.Record(ctx, tx, s.now(), audit.Entry{TenantID: p.TenantID, UserID: p.UserID, Actor: p.Email,
			Action: AuditImport, Target: fmt.Sprintf("customer_import:%d", id),
			Detail: fmt.Sprintf("file=%q rows=%d new=%d merge=%d skipped=%d", r.Filename, r.Total, r.New, r.Merge, r.Errors)}); err != nil {
			return err
		}
		if s.opt.Queue == nil {
			return nil
		}
		return s.enqueue(ctx, tx, p, id, 0)
	})
	if err != nil {
		return Import{}, false, err
	}
	if started && s.opt.Queue == nil {
		for more := true; more; {
			if more, err = s.applySome(ctx, p, id); err != nil {
				return Import{}, true, err
			}
		}
	}
	im, err := s.Get(ctx, p, id)
	return im, started, err
}

// jobPayload says whose import a job applies: the confirming staff member acts.
type jobPayload struct {
	ImportID int64    `json:"import_id"`
	UserID   int64    `json:"user_id"`
	Email    string   `json:"email"`
	Role     org.Role `json:"role"`
}

// enqueue schedules the job that applies rows after row number from; its key makes a
// repeated hand-on a no-op.
func (s *Service) enqueue(ctx context.Context, q db.Querier, p org.Principal, id, from int64) error {
	raw, err := json.Marshal(jobPayload{ImportID: id, UserID: p.UserID, Email: p.Email, Role: p.Role})
	if err != nil {
		return err
	}
	_, err = s.opt.Queue.Enqueue(ctx, q, jobs.Job{TenantID: p.TenantID, Kind: jobKind, Payload: raw,
		UniqueKey: fmt.Sprintf("%s:%d:%d", jobKind, id, from)})
	return err
}

// runJob applies up to RowsPerJob rows of an import and hands the rest to a new job.
func (s *Service) runJob(ctx context.Context, job jobs.Job) error {
	var pl jobPayload
	if err := json.Unmarshal(job.Payload, &pl); err != nil {
		return jobs.Permanent(fmt.Errorf("transfer: job payload: %w", err))
	}
	p := org.Principal{TenantID: job.TenantID, UserID: pl.UserID, Email: pl.Email, Role: pl.Role}
	more, err := s.applySome(ctx, p, pl.ImportID)
	if err != nil {
		if job.Attempts >= job.MaxAttempts || jobs.IsPermanent(err) {
			s.fail(p.TenantID, pl.ImportID, err)
		}
		return err
	}
	if !more {
		return nil
	}
	r, err := getImport(ctx, s.store, p.TenantID, pl.ImportID)
	if err != nil {
		return err
	}
	return s.enqueue(ctx, s.store, p, pl.ImportID, r.Through)
}

// fail marks an import that cannot go on, keeping what was applied.
func (s *Service) fail(tenantID, id int64, cause error) {
	s.log.Error("customer import failed", "tenant", tenantID, "import", id, "err", cause)
	_, err := s.store.ExecContext(context.Background(), `UPDATE customer_imports SET status = ?, error = ?, finished_at = ?
		WHERE tenant_id = ? AND id = ? AND status = ?`, ImportFailed, "internal error while applying rows; the rows applied so far stay",
		s.now().UnixMilli(), tenantID, id, ImportApplying)
	if err != nil {
		s.log.Error("customer import: mark failed", "import", id, "err", err)
	}
}

// applySome applies batches of pending rows, up to RowsPerJob, and reports whether rows
// remain. An import that is not applying (done, failed) has nothing to do.
func (s *Service) applySome(ctx context.Context, p org.Principal, id int64) (bool, error) {
	for done := 0; done < s.opt.RowsPerJob; {
		r, err := getImport(ctx, s.store, p.TenantID, id)
		if siyu.ErrorCode(err) == siyu.ENOTFOUND {
			return false, jobs.Permanent(err)
		} else if err != nil {
			return false, err
		}
		if r.Status != ImportApplying {
			return false, nil
		}
		var recs []rowRec
		if err := s.store.SelectContext(ctx, &recs, `SELECT `+rowCols+` FROM customer_import_rows
			WHERE tenant_id = ? AND import_id = ? AND row_no > ? AND status <> ? ORDER BY row_no LIMIT ?`,
			p.TenantID, id, r.Through, StatusError, s.opt.Batch); err != nil {
			return false, fmt.Errorf("transfer: pending rows: %w", err)
		}
		if len(recs) == 0 {
			_, err := s.store.ExecContext(ctx, `UPDATE customer_imports SET status = ?, finished_at = ? WHERE tenant_id = ? AND id = ?
				AND status = ?`, ImportDone, s.now().UnixMilli(), p.TenantID, id, ImportApplying)
			return false, err
		}
		if err := s.applyBatch(ctx, p, id, recs); err != nil {
			return false, err
		}
		done += len(recs)
	}
	return true, nil
}

// applyBatch creates (or merges) the customers of some rows through the CRM, then
// records their results and the progress in one transaction.
func (s *Service) applyBatch(ctx context.Context, p org.Principal, id int64, recs []rowRec) error {
	plans := make([]*plan, len(recs))
	var nameless []identity
	for i, r := range recs {
		plans[i] = r.plan()
		if plans[i].Name == "" {
			nameless = append(nameless, plans[i].identities()...)
		}
	}
	names, err := owners(ctx, s.store, p.TenantID, nameless)
	if err != nil {
		return err
	}
	var created, merged, failed int64
	for _, pl := range plans {
		name := pl.Name
		if name == "" {
			name = placeholderName(pl)
			for _, id := range pl.identities() {
				if o, ok := names[id]; ok && o.Name != "" {
					name = o.Name
					break
				}
			}
		}
		c, err := s.crm.Create(ctx, p, crm.CustomerInput{Name: name, Phone: pl.Phone, WechatOpenID: pl.OpenID,
			WechatUnionID: pl.UnionID, Remark: pl.Remark, Source: pl.Source, Tags: pl.Tags})
		switch {
		case err == nil && c.Merged:
			pl.Result, pl.Created = ResultMerged, c.ID
			merged++
		case err == nil:
			pl.Result, pl.Created = ResultCreated, c.ID
			created++
		case siyu.ErrorCode(err) != siyu.EINTERNAL:
			pl.Result = ResultFailed
			pl.add("", LevelError, IssueApplyFailed, "", "not imported: %s", siyu.ErrorMessage(err))
			failed++
		default:
			return err // retried: the rows of this batch applied so far are idempotent (see the package comment)
		}
	}
	return s.store.Tx(ctx, func(tx *db.Tx) error {
		for _, pl := range plans {
			r := pl.rec(p.TenantID, id)
			if _, err := tx.ExecContext(ctx, `UPDATE customer_import_rows SET result = ?, customer_id = ?, issues = ?
				WHERE tenant_id = ? AND import_id = ? AND row_no = ?`, r.Result, r.CustomerID, r.Issues, p.TenantID, id, r.Row); err != nil {
				return fmt.Errorf("transfer: row result: %w", err)
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE customer_imports SET applied_through = ?, applied_rows = applied_rows + ?,
			created_count = created_count + ?, merged_count = merged_count + ?, failed_count = failed_count + ?
			WHERE tenant_id = ? AND id = ?`, plans[len(plans)-1].Line, len(plans), created, merged, failed, p.TenantID, id)
		if err != nil {
			return fmt.Errorf("transfer: progress: %w", err)
		}
		return nil
	})
}
