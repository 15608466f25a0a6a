package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo/flashsale"
)

// flashSaleRoutes are the flash-sale (秒杀) routes (internal/promo/flashsale).
// Launching and ending need promo.manage; any staff member of the tenant may read.
// Viewers buy, wait and read through routes that reach only their own session's
// sales; another session's or tenant's sale is not found.
func (a *API) flashSaleRoutes() []Route {
	const tag = "promo"
	manage := org.PermPromoManage
	return []Route{
		{Method: "POST", Path: "/api/v1/sessions/{id}/flash-sales", Summary: "Launch a flash sale: the sale holds its units (taken off the SKU's stock) from now on",
			Tag: tag, Auth: Staff, Perm: manage, In: flashsale.Input{}, Out: flashsale.FlashSale{}, Status: http.StatusCreated, h: a.launchFlashSale},
		{Method: "GET", Path: "/api/v1/sessions/{id}/flash-sales", Summary: "A session's flash sales, newest first", Tag: tag, Auth: Staff,
			Out: List[flashsale.FlashSale]{}, h: a.listFlashSales},
		{Method: "GET", Path: "/api/v1/flash-sales/{id}", Summary: "A flash sale (sold + stock_left = stock)", Tag: tag, Auth: Staff,
			Out: flashsale.FlashSale{}, h: a.getFlashSale},
		{Method: "POST", Path: "/api/v1/flash-sales/{id}/end", Summary: "End a flash sale now: units not in a live order go back to the SKU",
			Tag: tag, Auth: Staff, Perm: manage, Out: flashsale.FlashSale{}, h: a.endFlashSale},
		{Method: "POST", Path: "/api/v1/flash-sales/{id}/orders", Summary: "Buy at the sale price (201 once the order is committed; empty body = 1; 409 sold_out, limit_reached, not_started, sale_ended)",
			Tag: tag, Auth: Viewer, In: flashsale.BuyInput{}, Out: flashsale.BuyResult{}, Status: http.StatusCreated, h: a.buyFlashSale},
		{Method: "POST", Path: "/api/v1/flash-sales/{id}/waitlist", Summary: "Wait for returned units of a sold-out sale (409 not_sold_out while units are left)",
			Tag: tag, Auth: Viewer, Out: flashsale.WaitlistPosition{}, Status: http.StatusCreated, h: a.joinFlashSaleWaitlist},
		{Method: "DELETE", Path: "/api/v1/flash-sales/{id}/waitlist", Summary: "Leave the waitlist", Tag: tag, Auth: Viewer,
			Status: http.StatusNoContent, h: a.leaveFlashSaleWaitlist},
		{Method: "GET", Path: "/api/v1/viewer/flash-sales", Summary: "The scheduled, running and sold-out flash sales of the viewer's session", Tag: tag,
			Auth: Viewer, Out: List[flashsale.FlashSale]{}, h: a.viewerFlashSales},
		{Method: "GET", Path: "/api/v1/viewer/flash-sales/{id}", Summary: "A flash sale of the viewer's session with my_quantity and my_waitlist_position", Tag: tag,
			Auth: Viewer, Out: flashsale.ViewerSale{}, h: a.viewerFlashSale},
	}
}
