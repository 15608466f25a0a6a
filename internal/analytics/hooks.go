package analytics

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/siyu-live/siyu/internal/analytics/eventlog"
	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/room"
)

var (
	_ room.ActivityWatcher = (*Service)(nil)
	_ live.PeopleWatcher   = (*Service)(nil)
)

// OnActivity implements room.ActivityWatcher: a committed room batch becomes events
// (joins, watch time, likes, comments, gifts, shares, follows per viewer). It runs on
// the room's goroutine and only buffers.
func (s *Service) OnActivity(a room.Activity) {
	evs := make([]eventlog.Event, 0, 2*len(a.Viewers))
	for _, v := range a.Viewers {
		base := eventlog.Event{TenantID: a.TenantID, SessionID: a.SessionID, ViewerID: v.ViewerID, At: v.LastSeen}
		add := func(k eventlog.Kind, amount, aux int64) {
			if amount == 0 {
				return
			}
			e := base
			e.Kind, e.Amount, e.Aux = k, amount, aux
			evs = append(evs, e)
		}
		if v.Joins > 0 {
			e := base
			e.Kind, e.Amount, e.EntryLinkID = eventlog.KindJoin, int64(v.Joins), v.EntryLinkID
			if v.FirstJoin {
				e.Aux = 1
			}
			evs = append(evs, e)
		}
		add(eventlog.KindWatch, v.WatchMs, 0)
		add(eventlog.KindLike, v.Likes, 0)
		add(eventlog.KindComment, int64(v.Comments), 0)
		if v.Gifts > 0 || v.GiftFen > 0 {
			e := base
			e.Kind, e.Amount, e.Aux = eventlog.KindGift, v.GiftFen, int64(max(v.Gifts, 1))
			evs = append(evs, e)
		}
		add(eventlog.KindShare, int64(v.Shares), 0)
		add(eventlog.KindFollow, int64(v.Follows), 0)
	}
	s.Record(evs...)
}

// PhoneVerified implements live.PeopleWatcher; a verified phone is the CRM's business.
func (s *Service) PhoneVerified(context.Context, *db.Tx, live.Viewer) error { return nil }

// Reserved implements live.PeopleWatcher: a reservation is recorded once it commits.
func (s *Service) Reserved(_ context.Context, tx *db.Tx, tenantID, sessionID, viewerID int64) error {
	at := s.now().UnixMilli()
	tx.AfterCommit(func() {
		s.Record(eventlog.Event{TenantID: tenantID, SessionID: sessionID, ViewerID: viewerID, Kind: eventlog.KindReserve, At: at})
	})
	return nil
}

// ReportJobKind is the durable job that computes and stores a session's report after
// it ended.
const ReportJobKind = "analytics.report"

type reportPayload struct {
	SessionID int64 `json:"session_id"`
}

// SessionEnded implements live.PeopleWatcher: the report job is queued in the end's
// transaction, so a report is made for every ended session even if the node stops
// right after; it runs Settle later, once every node's last events are in the log.
func (s *Service) SessionEnded(ctx context.Context, tx *db.Tx, tenantID, sessionID int64) error {
	if s.opt.Queue == nil {
		return nil
	}
	payload, _ := json.Marshal(reportPayload{SessionID: sessionID})
	_, err := s.opt.Queue.Enqueue(ctx, tx, jobs.Job{TenantID: tenantID, Kind: ReportJobKind, Payload: payload,
		RunAt: s.now().Add(s.opt.Settle), UniqueKey: "analytics.report:" + strconv.FormatInt(sessionID, 10)})
	return err
}

// WireCommerce registers the order hooks (every source): created, paid, cancelled and
// refunded orders of a session are recorded once their transaction commits.
func (s *Service) WireCommerce(c *commerce.Service) {
	hook := func(kind func(o commerce.Order) (eventlog.Kind, time.Time)) commerce.Hook {
		return func(_ context.Context, tx *db.Tx, o commerce.Order) error {
			if o.SessionID == 0 {
				return nil
			}
			k, at := kind(o)
			if at.IsZero() {
				at = s.now()
			}
			e := eventlog.Event{TenantID: o.TenantID, SessionID: o.SessionID, ViewerID: o.ViewerID, Kind: k, RefID: o.ID,
				Amount: o.Total, At: at.UnixMilli()}
			if len(o.Lines) > 0 {
				e.Aux = o.Lines[0].ProductID
			}
			tx.AfterCommit(func() { s.Record(e) })
			return nil
		}
	}
	c.OnAnyCreated(hook(func(o commerce.Order) (eventlog.Kind, time.Time) { return eventlog.KindOrder, o.CreatedAt }))
	c.OnAnyPaid(hook(func(o commerce.Order) (eventlog.Kind, time.Time) { return eventlog.KindPaid, o.PaidAt }))
	c.OnAnyRelease(hook(func(o commerce.Order) (eventlog.Kind, time.Time) {
		if o.Status == commerce.StatusRefunded {
			return eventlog.KindRefunded, o.RefundedAt
		}
		return eventlog.KindCancelled, o.CancelledAt
	}))
}
