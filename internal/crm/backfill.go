package crm

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
)

// backfillPage is how many customers one backfill transaction evaluates.
const backfillPage = 500

type backfillPayload struct {
	TagID int64 `json:"tag_id"`
	After int64 `json:"after"` // customer id the next page starts after
}

// startBackfill evaluates a new rule tag for the customers that exist already: a
// durable job (in tx) that walks them in pages, or inline after commit without a queue.
func (s *Service) startBackfill(ctx context.Context, tx *db.Tx, tenantID, tagID int64) error {
	if s.queue == nil {
		tx.AfterCommit(func() {
			go func() {
				if err := s.backfillAll(context.WithoutCancel(ctx), tenantID); err != nil {
					s.log.Error("crm: rule backfill", "tenant", tenantID, "tag", tagID, "err", err)
				}
			}()
		})
		return nil
	}
	return s.enqueueBackfill(ctx, tx, tenantID, backfillPayload{TagID: tagID})
}

func (s *Service) enqueueBackfill(ctx context.Context, q db.Querier, tenantID int64, p backfillPayload) error {
	raw, _ := json.Marshal(p)
	_, err := s.queue.Enqueue(ctx, q, jobs.Job{TenantID: tenantID, Kind: jobBackfill, Payload: raw,
		UniqueKey: fmt.Sprintf("%s:%d:%d:%d", jobBackfill, tenantID, p.TagID, p.After)})
	if err != nil {
		return fmt.Errorf("crm: backfill job: %w", err)
	}
	return nil
}

// runBackfillJob evaluates one page and queues the next in the same transaction.
func (s *Service) runBackfillJob(ctx context.Context, j jobs.Job) error {
	var p backfillPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return jobs.Permanent(err)
	}
	s.rules.drop(j.TenantID) // this node may not have created the tag
	return s.write(ctx, func(ap *applier) error {
		last, err := ap.backfillPage(ctx, j.TenantID, p.After)
		if err != nil || last == 0 {
			return err
		}
		return s.enqueueBackfill(ctx, ap.tx, j.TenantID, backfillPayload{TagID: p.TagID, After: last})
	})
}

// backfillAll walks every page at once (no queue: tests and tools).
func (s *Service) backfillAll(ctx context.Context, tenantID int64) error {
	after := int64(0)
	for {
		var last int64
		err := s.write(ctx, func(ap *applier) error {
			var err error
			last, err = ap.backfillPage(ctx, tenantID, after)
			return err
		})
		if err != nil || last == 0 {
			return err
		}
		after = last
	}
}

// backfillPage evaluates the rule tags of one page of live customers, and sets the
// window timers of their orders still inside a window. It returns the page's last
// customer id, 0 when the page was not full (the walk is over).
func (ap *applier) backfillPage(ctx context.Context, tenantID, after int64) (int64, error) {
	var ids []int64
	if err := ap.tx.SelectContext(ctx, &ids, `SELECT id FROM customers WHERE tenant_id = ? AND id > ?
		AND merged_into IS NULL AND erased_at IS NULL ORDER BY id LIMIT ?`, tenantID, after, backfillPage); err != nil {
		return 0, fmt.Errorf("crm: backfill page: %w", err)
	}
	rules, err := ap.s.rules.get(ctx, ap.tx, tenantID)
	if err != nil {
		return 0, err
	}
	if err := ap.prefetchRows(ctx, tenantID, ids); err != nil {
		return 0, err
	}
	if len(rules.tags) > 0 {
		if err := ap.ensureRuleData(ctx, tenantID, ids, rules.windows); err != nil {
			return 0, err
		}
	}
	var writes []tagWrite
	for _, id := range ids {
		r, err := ap.row(ctx, tenantID, id)
		if err != nil {
			return 0, err
		}
		if len(rules.tags) > 0 {
			writes = append(writes, ap.decide(r, rules)...)
		}
	}
	ap.markWritten(writes)
	if err := ap.writeTags(ctx, writes, nil); err != nil {
		return 0, err
	}
	if len(ids) > 0 && len(rules.windows) > 0 && ap.s.queue != nil {
		longest := 0
		for _, w := range rules.windows {
			longest = max(longest, w)
		}
		var orders []struct {
			OrderID    int64 `db:"order_id"`
			CustomerID int64 `db:"customer_id"`
			PaidAt     int64 `db:"paid_at"`
		}
		if err := ap.tx.SelectContext(ctx, &orders, `SELECT order_id, customer_id, paid_at FROM customer_orders
			WHERE tenant_id = ? AND customer_id >= ? AND customer_id <= ? AND refunded_at = 0 AND paid_at > ?`,
			tenantID, ids[0], ids[len(ids)-1], ap.now-int64(longest)*day); err != nil {
			return 0, fmt.Errorf("crm: backfill orders: %w", err)
		}
		for _, o := range orders {
			for _, w := range rules.windows {
				po := paidOrder{tenantID: tenantID, customerID: o.CustomerID, orderID: o.OrderID, paidAt: o.PaidAt}
				if err := ap.s.windowTimer(ctx, ap.tx, po, w, ap.now); err != nil {
					return 0, err
				}
			}
		}
	}
	if len(ids) < backfillPage {
		return 0, nil
	}
	return ids[len(ids)-1], nil
}
