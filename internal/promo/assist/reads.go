package assist

import (
	"context"
	"fmt"

	"github.com/siyu-live/siyu/internal/promo"
)

// ViewerList returns the open offers of the viewer's session, newest first.
func (s *Service) ViewerList(ctx context.Context, v promo.Viewer) ([]Assist, error) {
	return offers.ViewerList(ctx, s.store, v)
}

// ViewerGet returns an offer of the viewer's session with their campaign, or null.
func (s *Service) ViewerGet(ctx context.Context, v promo.Viewer, id int64) (ViewerAssist, error) {
	r, err := offers.ViewerGet(ctx, s.store, v, id)
	if err != nil {
		return ViewerAssist{}, err
	}
	a, err := offerView(ctx, s.store, r)
	if err != nil {
		return ViewerAssist{}, err
	}
	out := ViewerAssist{Assist: a}
	c, found, err := ownCampaign(ctx, s.store, v.TenantID, id, v.ID)
	if err != nil || !found {
		return out, err
	}
	names, err := helperNames(ctx, s.store, v.TenantID, c.ID)
	if err != nil {
		return ViewerAssist{}, err
	}
	mine := c.campaign(r, names)
	out.MyCampaign = &mine
	return out, nil
}

// CampaignByCode returns a campaign of the viewer's session by its share code, for a
// friend who opened the share link; helped_by_me tells a friend whether they helped.
func (s *Service) CampaignByCode(ctx context.Context, v promo.Viewer, code string) (Campaign, error) {
	r, err := viewerCampaign(ctx, s.store, v, code)
	if err != nil {
		return Campaign{}, err
	}
	c, err := campaignView(ctx, s.store, r)
	if err != nil || r.ViewerID == v.ID {
		return c, err
	}
	var n int
	if err := s.store.GetContext(ctx, &n, `SELECT COUNT(*) FROM assist_helps WHERE tenant_id = ? AND campaign_id = ? AND viewer_id = ?`,
		v.TenantID, r.ID, v.ID); err != nil {
		return Campaign{}, fmt.Errorf("assist: helped by me: %w", err)
	}
	helped := n > 0
	c.HelpedByMe = &helped
	return c, nil
}
