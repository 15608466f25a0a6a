package assist

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo/offer"
)

// Launch starts an assist offer in a live session on one SKU of an active product,
// snapshotting its name, picture and price; the assist price may not exceed the SKU's
// price. The room is told with an assist event.
func (s *Service) Launch(ctx context.Context, p org.Principal, sessionID int64, in Input) (Assist, error) {
	detail := func(r offer.Priced) string {
		return fmt.Sprintf("%s at %d fen with %d helpers within %d s", r.ProductName, r.Price, in.HelpersNeeded, r.TimeLimitSeconds)
	}
	return offers.Launch(ctx, s.deps, p, sessionID,
		offer.PricedLaunch{PricedInput: in.priced(), Own: in.HelpersNeeded, Check: in.check, Detail: detail})
}

// Get returns an offer for staff.
func (s *Service) Get(ctx context.Context, p org.Principal, id int64) (Assist, error) {
	return offers.GetView(ctx, s.store, p.TenantID, id)
}

// List returns a session's offers, newest first, for staff.
func (s *Service) List(ctx context.Context, p org.Principal, sessionID int64) ([]Assist, error) {
	return offers.List(ctx, s.store, p.TenantID, sessionID)
}

// Close stops an offer from taking new campaigns; existing ones still collect until
// their deadline. Closing a closed offer returns it unchanged.
func (s *Service) Close(ctx context.Context, p org.Principal, id int64) (Assist, error) {
	return offers.Close(ctx, s.deps, p, id)
}
