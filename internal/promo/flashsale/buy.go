package flashsale

import (
	"context"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/promo"
)

// Buy is a viewer of the sale's session buying qty units at the sale price. The sale's
// owner decides in memory; an accepted purchase is answered only once its order is
// committed (an unpaid order the viewer pays through the order routes). Refusals, all
// 409: not_started, sale_ended, limit_reached (the viewer's live orders would exceed
// per_user_limit), sold_out. Another session's or tenant's sale is not found.
func (s *Service) Buy(ctx context.Context, v promo.Viewer, id, qty int64) (BuyResult, error) {
	if qty < 1 || qty > MaxPerUserLimit {
		return BuyResult{}, siyu.Invalid("quantity", "quantity must be between 1 and %d", MaxPerUserLimit)
	}
	o, err := s.viewerOwner(ctx, v, id)
	if err != nil {
		return BuyResult{}, err
	}
	orderID, err := o.buy(ctx, v.ID, qty)
	if err != nil {
		return BuyResult{}, err
	}
	return BuyResult{OrderID: orderID, Quantity: qty, Total: qty * o.price}, nil
}

// viewerOwner is the owner of a sale of the viewer's own session.
func (s *Service) viewerOwner(ctx context.Context, v promo.Viewer, id int64) (*owner, error) {
	o, err := s.ownerFor(ctx, id)
	if err != nil {
		return nil, err
	}
	if o.tenant != v.TenantID || o.session != v.SessionID {
		return nil, notFound(id)
	}
	return o, nil
}

// ownerFor returns the sale's owner, rebuilding it from the store on first use after
// start-up (so a restart after kill -9 resumes from exactly what was committed).
func (s *Service) ownerFor(ctx context.Context, id int64) (*owner, error) {
	// A read first: an unknown id costs no write transaction.
	exists := func() error {
		_, err := getSale(ctx, s.store, 0, id)
		return err
	}
	return s.owners.For(id, exists, func() (*owner, error) {
		st, err := loadState(ctx, s.store, id)
		if err != nil {
			return nil, err
		}
		return newOwner(s, st), nil
	})
}

// adopt starts the owner of a sale launched on this node.
func (s *Service) adopt(st saleState) {
	s.owners.Adopt(st.row.ID, func() *owner { return newOwner(s, st) })
}
