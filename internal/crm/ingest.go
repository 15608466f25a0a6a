package crm

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/room"
)

// The hooks: room activity is queued in memory (the room must never wait), the rest is
// written to crm_inbox inside the transaction that records it (never lost).
var (
	_ room.ActivityWatcher = (*Service)(nil)
	_ live.PeopleWatcher   = (*Service)(nil)
)

// activity is a viewer's room activity not yet applied, summed over room batches.
type activity struct {
	session   int64
	joins     int
	firstJoin bool
	link      int64
	watch     int64
	comments  int64
	gifts     int64
	lastSeen  int64
}

// OnActivity implements room.ActivityWatcher: it adds the batch to the per-viewer
// totals waiting for the worker and returns at once.
func (s *Service) OnActivity(a room.Activity) {
	s.inMu.Lock()
	for _, v := range a.Viewers {
		k := viewerKey{a.TenantID, v.ViewerID}
		p := s.activity[k]
		if p == nil {
			p = &activity{session: a.SessionID}
			s.activity[k] = p
		}
		p.joins += v.Joins
		p.firstJoin = p.firstJoin || v.FirstJoin
		if v.Joins > 0 {
			p.link = v.EntryLinkID
		}
		p.watch += v.WatchMs
		p.comments += int64(v.Comments)
		p.gifts += v.GiftFen
		p.lastSeen = max(p.lastSeen, v.LastSeen)
	}
	s.inMu.Unlock()
	s.nudge()
}

// takeActivity hands the waiting activity to the caller as signals.
func (s *Service) takeActivity() map[viewerKey]*activity {
	s.inMu.Lock()
	defer s.inMu.Unlock()
	if len(s.activity) == 0 {
		return nil
	}
	out := s.activity
	s.activity = map[viewerKey]*activity{}
	return out
}

// putBack returns activity a failed transaction did not apply, merged with what came
// meanwhile, so nothing is lost.
func (s *Service) putBack(acts map[viewerKey]*activity) {
	if len(acts) == 0 {
		return
	}
	s.inMu.Lock()
	defer s.inMu.Unlock()
	for k, a := range acts {
		p := s.activity[k]
		if p == nil {
			s.activity[k] = a
			continue
		}
		p.joins += a.joins
		p.firstJoin = p.firstJoin || a.firstJoin
		if p.link == 0 {
			p.link = a.link
		}
		p.watch += a.watch
		p.comments += a.comments
		p.gifts += a.gifts
		p.lastSeen = max(p.lastSeen, a.lastSeen)
	}
}

func (s *Service) nudge() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// inbox writes a durable signal in the caller's transaction; the worker is nudged once
// it commits.
func (s *Service) inbox(ctx context.Context, tx *db.Tx, sig Signal) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO crm_inbox (tenant_id, kind, viewer_id, session_id, ref_id, amount, text, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, sig.TenantID, sig.Kind, sig.ViewerID, sig.SessionID, sig.OrderID, sig.Amount,
		sig.Phone, sig.At.UnixMilli())
	if err != nil {
		return fmt.Errorf("crm: inbox %s: %w", sig.Kind, err)
	}
	tx.AfterCommit(s.nudge)
	return nil
}

// PhoneVerified implements live.PeopleWatcher.
func (s *Service) PhoneVerified(ctx context.Context, tx *db.Tx, v live.Viewer) error {
	return s.inbox(ctx, tx, Signal{Kind: SignalPhone, TenantID: v.TenantID, ViewerID: v.ID, Phone: v.Phone, At: s.now()})
}

// Reserved implements live.PeopleWatcher.
func (s *Service) Reserved(ctx context.Context, tx *db.Tx, tenantID, sessionID, viewerID int64) error {
	return s.inbox(ctx, tx, Signal{Kind: SignalReserved, TenantID: tenantID, ViewerID: viewerID, SessionID: sessionID, At: s.now()})
}

// SessionEnded implements live.PeopleWatcher.
func (s *Service) SessionEnded(ctx context.Context, tx *db.Tx, tenantID, sessionID int64) error {
	return s.inbox(ctx, tx, Signal{Kind: SignalEnded, TenantID: tenantID, SessionID: sessionID, At: s.now()})
}

// WireCommerce registers the CRM's order hooks (every source) on c; call it while
// wiring, before serving.
func (s *Service) WireCommerce(c *commerce.Service) {
	c.OnAnyPaid(func(ctx context.Context, tx *db.Tx, o commerce.Order) error {
		at := o.PaidAt
		if at.IsZero() {
			at = s.now()
		}
		return s.inbox(ctx, tx, Signal{Kind: SignalPaid, TenantID: o.TenantID, ViewerID: o.ViewerID, SessionID: o.SessionID,
			OrderID: o.ID, Amount: o.Total, At: at})
	})
	c.OnAnyRelease(func(ctx context.Context, tx *db.Tx, o commerce.Order) error {
		if o.Status != commerce.StatusRefunded {
			return nil // a cancelled order was never paid
		}
		return s.inbox(ctx, tx, Signal{Kind: SignalRefunded, TenantID: o.TenantID, ViewerID: o.ViewerID, OrderID: o.ID, At: s.now()})
	})
}

type inboxRow struct {
	ID        int64  `db:"id"`
	TenantID  int64  `db:"tenant_id"`
	Kind      string `db:"kind"`
	ViewerID  int64  `db:"viewer_id"`
	SessionID int64  `db:"session_id"`
	RefID     int64  `db:"ref_id"`
	Amount    int64  `db:"amount"`
	Text      string `db:"text"`
	At        int64  `db:"at"`
}

// work is the event worker: it applies what is queued whenever nudged, and polls the
// inbox for what other nodes committed.
func (s *Service) work(ctx context.Context) {
	defer close(s.done)
	t := time.NewTicker(s.opt.Poll)
	defer t.Stop()
	backoff := time.Duration(0)
	for {
		select {
		case <-s.wake:
		case <-t.C:
		case <-s.quit:
			if err := s.Flush(ctx); err != nil {
				s.log.Error("crm: events left unapplied at stop", "err", err)
			}
			return
		}
		if err := s.Flush(ctx); err != nil {
			backoff = min(max(2*backoff, 100*time.Millisecond), 10*time.Second)
			s.log.Warn("crm: applying events failed; retrying", "err", err, "in", backoff)
			select {
			case <-time.After(backoff):
				s.nudge()
			case <-s.quit:
				s.nudge()
			}
			continue
		}
		backoff = 0
	}
}

// Flush applies every event queued before the call (room activity and the inbox), in
// batches, and returns once they are committed.
func (s *Service) Flush(ctx context.Context) error {
	for {
		n, err := s.round(ctx)
		if err != nil || n == 0 {
			return err
		}
	}
}

// round applies the waiting room activity and one batch of the inbox in one
// transaction; the inbox rows are claimed (deleted) by that same transaction.
func (s *Service) round(ctx context.Context) (int, error) {
	acts := s.takeActivity()
	n := 0
	err := s.write(ctx, func(ap *applier) error {
		ap.ruleData = true
		claim := `DELETE FROM crm_inbox WHERE id IN (SELECT id FROM crm_inbox ORDER BY id LIMIT ?)
			RETURNING id, tenant_id, kind, viewer_id, session_id, ref_id, amount, text, at`
		if ap.tx.Dialect() == db.Postgres {
			claim = strings.Replace(claim, "LIMIT ?)", "LIMIT ? FOR UPDATE SKIP LOCKED)", 1)
		}
		var rows []inboxRow
		if err := ap.tx.SelectContext(ctx, &rows, claim, s.opt.BatchMax); err != nil {
			return fmt.Errorf("crm: claim inbox: %w", err)
		}
		n = len(acts) + len(rows)
		byTenant := map[int64][]int64{}
		for k := range acts {
			byTenant[k.tenant] = append(byTenant[k.tenant], k.viewer)
		}
		for t, viewers := range byTenant {
			if err := ap.prefetchViewers(ctx, t, viewers); err != nil {
				return err
			}
		}
		for k, a := range acts {
			sig := Signal{Kind: SignalActivity, TenantID: k.tenant, ViewerID: k.viewer, SessionID: a.session, Joins: a.joins,
				FirstJoin: a.firstJoin, EntryLinkID: a.link, WatchMS: a.watch, Comments: a.comments, GiftFen: a.gifts,
				At: time.UnixMilli(a.lastSeen)}
			if err := ap.apply(ctx, sig); err != nil {
				return err
			}
		}
		sortInbox(rows)
		for _, r := range rows {
			sig := Signal{Kind: r.Kind, TenantID: r.TenantID, ViewerID: r.ViewerID, SessionID: r.SessionID, OrderID: r.RefID,
				Amount: r.Amount, Phone: r.Text, At: time.UnixMilli(r.At)}
			if err := ap.apply(ctx, sig); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.putBack(acts)
		return 0, err
	}
	return n, nil
}

// sortInbox puts claimed rows in insertion order (RETURNING promises none).
func sortInbox(rows []inboxRow) {
	slices.SortFunc(rows, func(a, b inboxRow) int { return cmp.Compare(a.ID, b.ID) })
}
