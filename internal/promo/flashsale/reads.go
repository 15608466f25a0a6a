package flashsale

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo"
)

// Get returns one of the tenant's sales (any staff member may read).
func (s *Service) Get(ctx context.Context, p org.Principal, id int64) (FlashSale, error) {
	r, err := getSale(ctx, s.store, p.TenantID, id)
	if err != nil {
		return FlashSale{}, err
	}
	return r.sale(s.now().UnixMilli()), nil
}

// List returns a session's sales, newest first, ended ones included (staff).
func (s *Service) List(ctx context.Context, p org.Principal, sessionID int64) ([]FlashSale, error) {
	var one int
	err := s.store.GetContext(ctx, &one, `SELECT 1 FROM live_sessions WHERE tenant_id = ? AND id = ?`, p.TenantID, sessionID)
	if db.IsNoRows(err) {
		return nil, siyu.Errorf(siyu.ENOTFOUND, "session %d not found", sessionID)
	} else if err != nil {
		return nil, fmt.Errorf("flashsale: session: %w", err)
	}
	return s.list(ctx, p.TenantID, sessionID, false)
}

func (s *Service) list(ctx context.Context, tenantID, sessionID int64, open bool) ([]FlashSale, error) {
	rows, err := listSales(ctx, s.store, tenantID, sessionID, open)
	if err != nil {
		return nil, err
	}
	now := s.now().UnixMilli()
	out := make([]FlashSale, 0, len(rows))
	for _, r := range rows {
		if f := r.sale(now); !open || f.Status != StatusEnded {
			out = append(out, f)
		}
	}
	return out, nil
}

// ViewerSales lists the scheduled, running and sold-out sales of the viewer's session,
// newest first, for the room's flash-sale card.
func (s *Service) ViewerSales(ctx context.Context, v promo.Viewer) ([]FlashSale, error) {
	return s.list(ctx, v.TenantID, v.SessionID, true)
}

// ViewerSale returns a sale of the viewer's own session with the units the viewer
// holds in live orders and their place on the waitlist (0 = not waiting).
func (s *Service) ViewerSale(ctx context.Context, v promo.Viewer, id int64) (ViewerSale, error) {
	r, err := s.viewerSale(ctx, v, id)
	if err != nil {
		return ViewerSale{}, err
	}
	out := ViewerSale{FlashSale: r.sale(s.now().UnixMilli())}
	if out.MyQuantity, err = myQuantity(ctx, s.store, id, v.ID); err != nil {
		return ViewerSale{}, err
	}
	if out.MyWaitlistPosition, err = waitlistPosition(ctx, s.store, id, v.ID); err != nil {
		return ViewerSale{}, err
	}
	return out, nil
}

// viewerSale reads a sale of the viewer's session; others are not found.
func (s *Service) viewerSale(ctx context.Context, v promo.Viewer, id int64) (saleRow, error) {
	r, err := getSale(ctx, s.store, v.TenantID, id)
	if err != nil {
		return r, err
	}
	if r.SessionID != v.SessionID {
		return r, notFound(id)
	}
	return r, nil
}
