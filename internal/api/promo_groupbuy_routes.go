package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo/groupbuy"
)

// groupBuyRoutes are the group-buy (拼团) routes (internal/promo/groupbuy). Launching
// and closing need promo.manage; any staff member of the tenant may read. Viewers
// start, join and read through viewer routes that only reach their own session's
// offers and groups; members pay their order through the viewer order routes.
func (a *API) groupBuyRoutes() []Route {
	const tag = "group-buy"
	manage := org.PermPromoManage
	return []Route{
		{Method: "POST", Path: "/api/v1/sessions/{id}/group-buys", Summary: "Launch a group buy: N people within a time limit at the group price",
			Tag: tag, Auth: Staff, Perm: manage, In: groupbuy.Input{}, Out: groupbuy.GroupBuy{}, Status: http.StatusCreated, h: a.launchGroupBuy},
		{Method: "GET", Path: "/api/v1/sessions/{id}/group-buys", Summary: "A session's group buys, newest first", Tag: tag, Auth: Staff,
			Out: List[groupbuy.GroupBuy]{}, h: a.listGroupBuys},
		{Method: "GET", Path: "/api/v1/group-buys/{id}", Summary: "A group buy with its groups and members", Tag: tag, Auth: Staff,
			Out: groupbuy.Detail{}, h: a.getGroupBuy},
		{Method: "POST", Path: "/api/v1/group-buys/{id}/close", Summary: "Stop new groups; forming groups run to their deadline", Tag: tag,
			Auth: Staff, Perm: manage, Out: groupbuy.GroupBuy{}, h: a.closeGroupBuy},
		{Method: "POST", Path: "/api/v1/group-buys/{id}/groups", Summary: "Start a group as its leader; answers the group and the order to pay (409 already_in_group, group_buy_closed)",
			Tag: tag, Auth: Viewer, Out: groupbuy.Joined{}, Status: http.StatusCreated, h: a.startGroup},
		{Method: "POST", Path: "/api/v1/group-buy-groups/{id}/join", Summary: "Join a forming group; answers the group and the order to pay (409 group_full, group_closed, already_in_group)",
			Tag: tag, Auth: Viewer, Out: groupbuy.Joined{}, Status: http.StatusCreated, h: a.joinGroup},
		{Method: "GET", Path: "/api/v1/viewer/group-buys", Summary: "The open group buys of the viewer's session", Tag: tag, Auth: Viewer,
			Out: List[groupbuy.GroupBuy]{}, h: a.viewerGroupBuys},
		{Method: "GET", Path: "/api/v1/viewer/group-buys/{id}", Summary: "A group buy of the viewer's session with the groups to join and my_group",
			Tag: tag, Auth: Viewer, Out: groupbuy.ViewerDetail{}, h: a.viewerGroupBuy},
	}
}
