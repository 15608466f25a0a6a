package broadcast

import (
	"context"
	"fmt"
	"sync"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/notify"
)

// planned is one recipient's message on its chosen channel.
type planned struct {
	rc  pendingRow
	msg notify.Message
}

// round is what one delivery round does with a batch of pending recipients.
type round struct {
	inApp       []planned
	hook        []planned
	unreachable map[string][]int64 // reason → recipient ids
}

// channelError is a channel's refusal (a webhook receiver down): the recipients stay
// pending and are tried again later, unlike a store error, which ends the run.
type channelError struct{ err error }

func (e *channelError) Error() string { return e.err.Error() }
func (e *channelError) Unwrap() error { return e.err }

// plan reads the batch's contacts and picks each recipient's channel and message.
func (s *Service) plan(ctx context.Context, tenantID int64, st settings, v values, sd senders, rows []pendingRow) (round, error) {
	ids := make([]int64, len(rows))
	for i, rc := range rows {
		ids[i] = rc.CustomerID
	}
	contacts, err := loadContacts(ctx, s.store, tenantID, ids)
	if err != nil {
		return round{}, err
	}
	rd := round{unreachable: map[string][]int64{}}
	for _, rc := range rows {
		c := contacts[rc.CustomerID]
		ch, why := choose(c, sd.names)
		switch ch {
		case notify.ChannelInApp:
			rd.inApp = append(rd.inApp, planned{rc, s.message(tenantID, st, v, c, rc)})
		case notify.ChannelWebhook:
			rd.hook = append(rd.hook, planned{rc, s.message(tenantID, st, v, c, rc)})
		default:
			rd.unreachable[why] = append(rd.unreachable[why], rc.ID)
		}
	}
	return rd, nil
}

// sendRound hands the round's messages over and records the outcome: webhook batches
// are POSTed first (in parallel, outside any transaction) and recorded with the
// unreachable ones; in-app messages are written in the transaction that records them,
// so each exists exactly once.
func (s *Service) sendRound(ctx context.Context, tenantID int64, sd senders, rd round) error {
	var ok []int64
	failed := map[string][]int64{}
	var firstErr error
	if len(rd.hook) > 0 {
		var mu sync.Mutex
		var wg sync.WaitGroup
		sem := make(chan struct{}, s.opt.WebhookParallel)
		for start := 0; start < len(rd.hook); start += s.opt.WebhookBatch {
			chunk := rd.hook[start:min(start+s.opt.WebhookBatch, len(rd.hook))]
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				msgs := make([]notify.Message, len(chunk))
				ids := make([]int64, len(chunk))
				for i, p := range chunk {
					msgs[i], ids[i] = p.msg, p.rc.ID
				}
				err := sd.webhook.SendBatch(ctx, msgs)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					failed[reasonText(err)] = append(failed[reasonText(err)], ids...)
					if firstErr == nil {
						firstErr = err
					}
					return
				}
				ok = append(ok, ids...)
			}()
		}
		wg.Wait()
	}
	now := s.now().UnixMilli()
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		for start := 0; start < len(ok); start += insertRows {
			in, args := inList(ok[start:min(start+insertRows, len(ok))])
			if _, err := tx.ExecContext(ctx, `UPDATE broadcast_recipients SET status = 'delivered', channel = 'webhook', reason = '',
				delivered_at = ?, attempts = attempts + 1 WHERE tenant_id = ? AND status = 'pending' AND id IN (`+in+`)`,
				append([]any{now, tenantID}, args...)...); err != nil {
				return fmt.Errorf("broadcast: record delivered: %w", err)
			}
		}
		for reason, ids := range failed {
			in, args := inList(ids)
			if _, err := tx.ExecContext(ctx, `UPDATE broadcast_recipients SET channel = 'webhook', reason = ?, attempts = attempts + 1,
				status = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE status END WHERE tenant_id = ? AND status = 'pending' AND id IN (`+in+`)`,
				append([]any{reason, maxRecipientAttempts, tenantID}, args...)...); err != nil {
				return fmt.Errorf("broadcast: record failed: %w", err)
			}
		}
		for reason, ids := range rd.unreachable {
			in, args := inList(ids)
			if _, err := tx.ExecContext(ctx, `UPDATE broadcast_recipients SET status = 'unreachable', reason = ?
				WHERE tenant_id = ? AND status = 'pending' AND id IN (`+in+`)`, append([]any{reason, tenantID}, args...)...); err != nil {
				return fmt.Errorf("broadcast: record unreachable: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(rd.inApp) > 0 {
		err := s.store.Tx(ctx, func(tx *db.Tx) error {
			for _, p := range rd.inApp {
				// sent=false: an earlier run wrote it (crash before this record); delivered all the same.
				if _, err := sd.inApp.Send(ctx, tx, p.msg); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE broadcast_recipients SET status = 'delivered', channel = 'in_app', reason = '',
					viewer_id = ?, delivered_at = ?, attempts = attempts + 1 WHERE tenant_id = ? AND id = ? AND status = 'pending'`,
					p.msg.ViewerID, now, tenantID, p.rc.ID); err != nil {
					return fmt.Errorf("broadcast: record in-app: %w", err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if firstErr != nil {
		return &channelError{firstErr}
	}
	return nil
}

// reasonText bounds a channel error for the recipient's reason column.
func reasonText(err error) string {
	s := err.Error()
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
