package analytics

import (
	"context"
	"fmt"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/analytics/eventlog"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/live"
)

// Viewer event types the viewer page posts.
const (
	ViewerProductView  = "product_view"  // a product was opened (the buy sheet)
	ViewerProductLeave = "product_leave" // it was closed after ms
	ViewerCheckout     = "checkout"      // buy was pressed
)

// MaxViewerEvents bounds one post.
const MaxViewerEvents = 20

// maxLeaveMs bounds the time on a product one post may claim.
const maxLeaveMs = 30 * 60_000

// ViewerEvent is one thing a viewer did with a product.
type ViewerEvent struct {
	Type      string `json:"type"`
	ProductID int64  `json:"product_id"`
	Ms        int64  `json:"ms,omitempty"` // product_leave: time spent on it
}

// ViewerEventsInput is the body of POST /api/v1/viewer/events.
type ViewerEventsInput struct {
	Events []ViewerEvent `json:"events"`
}

// ViewerEventsResult answers it once the events are durable.
type ViewerEventsResult struct {
	Recorded int `json:"recorded"`
}

// productInfo is a product's price and stock as a viewer sees them now (cached for a
// second: the card of a pinned product is opened by thousands at once).
type productInfo struct {
	exists       bool
	price, stock int64
	at           time.Time
}

type productKey struct{ tenant, product int64 }

// RecordViewerEvents records the calling viewer's product views, times on a product
// and checkouts in their session, with the price and stock the product had (for the
// report's reasons for no purchase), and answers once they are durable. A product of
// another brand is not found.
func (s *Service) RecordViewerEvents(ctx context.Context, v live.Viewer, in ViewerEventsInput) (ViewerEventsResult, error) {
	if len(in.Events) == 0 || len(in.Events) > MaxViewerEvents {
		return ViewerEventsResult{}, siyu.Invalid("events", "give 1–%d events", MaxViewerEvents)
	}
	now := s.now().UnixMilli()
	evs := make([]eventlog.Event, 0, len(in.Events))
	for i, e := range in.Events {
		field := fmt.Sprintf("events[%d]", i)
		if e.ProductID <= 0 {
			return ViewerEventsResult{}, siyu.Invalid(field+".product_id", "%s.product_id must be a product id", field)
		}
		ev := eventlog.Event{TenantID: v.TenantID, SessionID: v.SessionID, ViewerID: v.ID, EntryLinkID: v.EntryLinkID,
			RefID: e.ProductID, At: now}
		switch e.Type {
		case ViewerProductView, ViewerCheckout:
			p, err := s.productInfo(ctx, v.TenantID, e.ProductID)
			if err != nil {
				return ViewerEventsResult{}, err
			}
			ev.Kind, ev.Amount, ev.Aux = eventlog.KindView, p.price, p.stock
			if e.Type == ViewerCheckout {
				ev.Kind, ev.Aux = eventlog.KindCheckout, 0
			}
		case ViewerProductLeave:
			if e.Ms < 0 || e.Ms > maxLeaveMs {
				return ViewerEventsResult{}, siyu.Invalid(field+".ms", "%s.ms must be 0–%d", field, maxLeaveMs)
			}
			if _, err := s.productInfo(ctx, v.TenantID, e.ProductID); err != nil {
				return ViewerEventsResult{}, err
			}
			ev.Kind, ev.Amount = eventlog.KindLeave, e.Ms
		default:
			return ViewerEventsResult{}, siyu.Invalid(field+".type", "%s.type must be %s, %s or %s", field,
				ViewerProductView, ViewerProductLeave, ViewerCheckout)
		}
		evs = append(evs, ev)
	}
	s.Record(evs...)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second) // the store is down: answer rather than hang
	defer cancel()
	if err := s.events.Flush(ctx); err != nil {
		return ViewerEventsResult{}, fmt.Errorf("analytics: record viewer events: %w", err)
	}
	return ViewerEventsResult{Recorded: len(evs)}, nil
}

// productInfo reads a product's lowest price and stock left (cached for a second).
func (s *Service) productInfo(ctx context.Context, tenant, id int64) (productInfo, error) {
	k := productKey{tenant, id}
	now := s.now()
	if c, ok := s.prices.Load(k); ok && now.Sub(c.(productInfo).at) < time.Second {
		if !c.(productInfo).exists {
			return productInfo{}, siyu.Errorf(siyu.ENOTFOUND, "product %d not found", id)
		}
		return c.(productInfo), nil
	}
	var row struct {
		N     int64 `db:"n"`
		Price int64 `db:"price"`
		Stock int64 `db:"stock"`
	}
	err := s.store.GetContext(ctx, &row, `SELECT COUNT(*) AS n, COALESCE(MIN(k.price_fen), 0) AS price, COALESCE(SUM(k.stock), 0) AS stock
		FROM products p LEFT JOIN product_skus k ON k.product_id = p.id AND k.tenant_id = p.tenant_id
		WHERE p.tenant_id = ? AND p.id = ?`, tenant, id)
	if err != nil && !db.IsNoRows(err) {
		return productInfo{}, fmt.Errorf("analytics: product %d: %w", id, err)
	}
	p := productInfo{exists: row.N > 0, price: row.Price, stock: row.Stock, at: now}
	s.prices.Store(k, p)
	if !p.exists {
		return p, siyu.Errorf(siyu.ENOTFOUND, "product %d not found", id)
	}
	return p, nil
}
