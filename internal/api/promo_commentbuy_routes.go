package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo/commentbuy"
)

// commentBuyRoutes are the comment-to-buy (评论下单) routes (internal/promo/commentbuy).
// Staff arm and stop keywords (promo.manage); viewers take part by commenting in the
// room, and get {"type":"order_draft"} there, so there is no viewer route.
func (a *API) commentBuyRoutes() []Route {
	const tag = "promo"
	manage := org.PermPromoManage
	return []Route{
		{Method: "POST", Path: "/api/v1/sessions/{id}/comment-buys", Summary: "Arm a keyword: a viewer commenting it (\"+1\" = \"＋1\") gets an unpaid order of the product drafted",
			Tag: tag, Auth: Staff, Perm: manage, In: commentbuy.Input{}, Out: commentbuy.CommentBuy{}, Status: http.StatusCreated, h: a.armCommentBuy},
		{Method: "GET", Path: "/api/v1/sessions/{id}/comment-buys", Summary: "A session's comment-to-buy keywords, newest first, with the drafts made",
			Tag: tag, Auth: Staff, Out: List[commentbuy.CommentBuy]{}, h: a.listCommentBuys},
		{Method: "GET", Path: "/api/v1/comment-buys/{id}", Summary: "A comment-to-buy keyword with the drafts made", Tag: tag, Auth: Staff,
			Out: commentbuy.CommentBuy{}, h: a.getCommentBuy},
		{Method: "POST", Path: "/api/v1/comment-buys/{id}/stop", Summary: "Stop a keyword: comments no longer draft orders (drafts made stay payable)",
			Tag: tag, Auth: Staff, Perm: manage, Out: commentbuy.CommentBuy{}, h: a.stopCommentBuy},
	}
}
