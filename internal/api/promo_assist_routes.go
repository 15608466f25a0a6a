package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo/assist"
)

// assistRoutes are the assist (助力) routes (internal/promo/assist). Launching and
// closing need promo.manage; any staff member of the tenant may read. Viewers start
// campaigns, help and order through viewer routes that only reach their own
// session's offers; a campaign is named by its share code.
func (a *API) assistRoutes() []Route {
	const tag = "assist"
	manage := org.PermPromoManage
	return []Route{
		{Method: "POST", Path: "/api/v1/sessions/{id}/assists", Summary: "Launch an assist: a viewer unlocks the price by getting K friends to help",
			Tag: tag, Auth: Staff, Perm: manage, In: assist.Input{}, Out: assist.Assist{}, Status: http.StatusCreated, h: a.launchAssist},
		{Method: "GET", Path: "/api/v1/sessions/{id}/assists", Summary: "A session's assists, newest first", Tag: tag, Auth: Staff,
			Out: List[assist.Assist]{}, h: a.listAssists},
		{Method: "GET", Path: "/api/v1/assists/{id}", Summary: "An assist with its campaign counts", Tag: tag, Auth: Staff,
			Out: assist.Assist{}, h: a.getAssist},
		{Method: "POST", Path: "/api/v1/assists/{id}/close", Summary: "Stop new campaigns; running ones collect until their deadline", Tag: tag,
			Auth: Staff, Perm: manage, Out: assist.Assist{}, h: a.closeAssist},
		{Method: "POST", Path: "/api/v1/assists/{id}/campaigns", Summary: "Start the viewer's campaign and get its share code (201; 200 with the existing one)",
			Tag: tag, Auth: Viewer, Out: assist.Campaign{}, Status: http.StatusCreated, h: a.startCampaign},
		{Method: "POST", Path: "/api/v1/assist-campaigns/{code}/help", Summary: "Help a friend's campaign (409 own_campaign, already_helped, campaign_closed)",
			Tag: tag, Auth: Viewer, Out: assist.Campaign{}, h: a.helpCampaign},
		{Method: "POST", Path: "/api/v1/assist-campaigns/{code}/order", Summary: "The owner orders once at the assist price (409 not_unlocked, already_ordered)",
			Tag: tag, Auth: Viewer, Out: assist.Ordered{}, Status: http.StatusCreated, h: a.orderCampaign},
		{Method: "GET", Path: "/api/v1/viewer/assists", Summary: "The open assists of the viewer's session", Tag: tag, Auth: Viewer,
			Out: List[assist.Assist]{}, h: a.viewerAssists},
		{Method: "GET", Path: "/api/v1/viewer/assists/{id}", Summary: "An assist of the viewer's session with my_campaign", Tag: tag, Auth: Viewer,
			Out: assist.ViewerAssist{}, h: a.viewerAssist},
		{Method: "GET", Path: "/api/v1/viewer/assist-campaigns/{code}", Summary: "A campaign of the viewer's session by its share code, for a friend who opened the link",
			Tag: tag, Auth: Viewer, Out: assist.Campaign{}, h: a.viewerCampaign},
	}
}
