package groupbuy

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo/offer"
)

// Launch starts a group-buy offer in a live session on one SKU of an active product,
// snapshotting its name, picture and price; the group price may not exceed the SKU's
// price. The room is told with a group_buy event.
func (s *Service) Launch(ctx context.Context, p org.Principal, sessionID int64, in Input) (GroupBuy, error) {
	detail := func(r offer.Priced) string {
		return fmt.Sprintf("%s × %d people at %d fen within %d s", r.ProductName, in.GroupSize, r.Price, r.TimeLimitSeconds)
	}
	return offers.Launch(ctx, s.deps, p, sessionID,
		offer.PricedLaunch{PricedInput: in.priced(), Own: in.GroupSize, Check: in.check, Detail: detail})
}

// Get returns an offer with its groups (newest first, at most 200) for staff.
func (s *Service) Get(ctx context.Context, p org.Principal, id int64) (Detail, error) {
	gb, err := offers.GetView(ctx, s.store, p.TenantID, id)
	if err != nil {
		return Detail{}, err
	}
	var rows []groupRow
	if err := s.store.SelectContext(ctx, &rows, `SELECT `+groupCols+` FROM group_buy_groups WHERE tenant_id = ? AND group_buy_id = ?
		ORDER BY id DESC LIMIT 200`, p.TenantID, id); err != nil {
		return Detail{}, fmt.Errorf("groupbuy: groups: %w", err)
	}
	groups, err := groupViews(ctx, s.store, p.TenantID, rows)
	if err != nil {
		return Detail{}, err
	}
	return Detail{GroupBuy: gb, Groups: groups}, nil
}

// List returns a session's offers, newest first, for staff.
func (s *Service) List(ctx context.Context, p org.Principal, sessionID int64) ([]GroupBuy, error) {
	return offers.List(ctx, s.store, p.TenantID, sessionID)
}

// Close stops an offer from taking new groups; groups already forming run to their
// own deadline. Closing a closed offer returns it unchanged.
func (s *Service) Close(ctx context.Context, p org.Principal, id int64) (GroupBuy, error) {
	return offers.Close(ctx, s.deps, p, id)
}
