package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/commerce"
	"github.com/siyu-live/siyu/internal/org"
)

// CallbackAck is the answer to a payment provider's callback.
type CallbackAck struct {
	Received bool `json:"received"`
}

// commerceRoutes are the commerce routes (internal/commerce): products and SKUs
// (products.manage), the showcase of a session (sessions.manage; pinning is live.host),
// viewers' orders and payments, staff order handling (orders.view to read;
// orders.manage to ship, complete and refund) and the sandbox provider's signed callback.
func (a *API) commerceRoutes() []Route {
	const tag = "commerce"
	manage, curate, host, view := org.PermProductsManage, org.PermSessionsManage, org.PermLiveHost, org.PermOrdersView
	orderQuery := append([]QueryParam{{Name: "status", Description: "created, paid, shipped, completed, cancelled or refunded"},
		{Name: "session_id", Description: "only orders placed in this session", Integer: true},
		{Name: "viewer_id", Description: "only orders of this viewer", Integer: true},
		{Name: "source", Description: "showcase, flash_sale, group_buy, …"}}, pageQuery...)
	return []Route{
		// Products and SKUs.
		{Method: "POST", Path: "/api/v1/products", Summary: "Create a product; without skus, price and stock make its one SKU", Tag: tag,
			Auth: Staff, Perm: manage, In: commerce.ProductInput{}, Out: commerce.Product{}, Status: http.StatusCreated, h: a.createProduct},
		{Method: "GET", Path: "/api/v1/products", Summary: "List products, newest first", Tag: tag, Auth: Staff,
			Out: List[commerce.Product]{}, Query: append([]QueryParam{{Name: "status", Description: "active or archived"}}, pageQuery...),
			h: a.listProducts},
		{Method: "GET", Path: "/api/v1/products/{id}", Summary: "Get a product with its SKUs", Tag: tag, Auth: Staff,
			Out: commerce.Product{}, h: a.getProduct},
		{Method: "PATCH", Path: "/api/v1/products/{id}", Summary: "Change a product (price and stock only when it has one SKU)", Tag: tag,
			Auth: Staff, Perm: manage, In: commerce.ProductPatch{}, Out: commerce.Product{}, h: a.patchProduct},
		{Method: "DELETE", Path: "/api/v1/products/{id}", Summary: "Delete a product never ordered (409: archive it instead)", Tag: tag,
			Auth: Staff, Perm: manage, Status: http.StatusNoContent, h: a.deleteProduct},
		{Method: "POST", Path: "/api/v1/products/{id}/archive", Summary: "Stop selling a product; it leaves every showcase", Tag: tag,
			Auth: Staff, Perm: manage, Out: commerce.Product{}, h: a.productAction((*commerce.Service).ArchiveProduct)},
		{Method: "POST", Path: "/api/v1/products/{id}/restore", Summary: "Sell an archived product again", Tag: tag,
			Auth: Staff, Perm: manage, Out: commerce.Product{}, h: a.productAction((*commerce.Service).RestoreProduct)},
		{Method: "POST", Path: "/api/v1/products/{id}/skus", Summary: "Add a SKU (size, colour) to a product", Tag: tag,
			Auth: Staff, Perm: manage, In: commerce.SKUInput{}, Out: commerce.Product{}, Status: http.StatusCreated, h: a.addSKU},
		{Method: "PATCH", Path: "/api/v1/products/{id}/skus/{sku_id}", Summary: "Change a SKU's name, price or stock left", Tag: tag,
			Auth: Staff, Perm: manage, In: commerce.SKUPatch{}, Out: commerce.Product{}, h: a.patchSKU},

		// The showcase (商品橱窗) and the pinned product (上链接).
		{Method: "GET", Path: "/api/v1/sessions/{id}/showcase", Summary: "A session's showcase in order, with the pinned product (public)",
			Tag: tag, Out: commerce.Showcase{}, h: a.getShowcase},
		{Method: "POST", Path: "/api/v1/sessions/{id}/showcase", Summary: "Add a product at the end of a session's showcase", Tag: tag,
			Auth: Staff, Perm: curate, In: commerce.ShowcaseAdd{}, Out: commerce.Showcase{}, h: a.addToShowcase},
		{Method: "PUT", Path: "/api/v1/sessions/{id}/showcase", Summary: "Set a session's showcase to exactly these products, in order", Tag: tag,
			Auth: Staff, Perm: curate, In: commerce.ShowcaseInput{}, Out: commerce.Showcase{}, h: a.setShowcase},
		{Method: "DELETE", Path: "/api/v1/sessions/{id}/showcase/{product_id}", Summary: "Take a product out of a session's showcase", Tag: tag,
			Auth: Staff, Perm: curate, Out: commerce.Showcase{}, h: a.showcaseAction((*commerce.Service).RemoveFromShowcase)},
		{Method: "POST", Path: "/api/v1/sessions/{id}/showcase/{product_id}/pin", Summary: "Pin a product on screen for every viewer (上链接)", Tag: tag,
			Auth: Staff, Perm: host, Out: commerce.Showcase{}, h: a.showcaseAction((*commerce.Service).Pin)},
		{Method: "DELETE", Path: "/api/v1/sessions/{id}/showcase/{product_id}/pin", Summary: "Take the pinned product off screen", Tag: tag,
			Auth: Staff, Perm: host, Out: commerce.Showcase{}, h: a.showcaseAction((*commerce.Service).Unpin)},

		// Viewers' orders and payments.
		{Method: "POST", Path: "/api/v1/sessions/{id}/orders", Summary: "Buy from the session's showcase; stock is reserved (409 sold_out)", Tag: tag,
			Auth: Viewer, In: commerce.OrderInput{}, Out: commerce.Order{}, Status: http.StatusCreated, h: a.placeOrder},
		{Method: "GET", Path: "/api/v1/viewer/orders", Summary: "The calling viewer's orders, newest first", Tag: tag, Auth: Viewer,
			Out: List[commerce.Order]{}, Query: pageQuery, h: a.viewerOrders},
		{Method: "GET", Path: "/api/v1/viewer/orders/{id}", Summary: "One of the viewer's orders with its payment attempts", Tag: tag,
			Auth: Viewer, Out: commerce.Order{}, h: a.viewerOrder},
		{Method: "POST", Path: "/api/v1/viewer/orders/{id}/cancel", Summary: "Cancel an unpaid order; its stock comes back", Tag: tag,
			Auth: Viewer, Out: commerce.Order{}, h: a.cancelOrder},
		{Method: "PUT", Path: "/api/v1/viewer/orders/{id}/address", Summary: "Set the delivery address (until the order ships)", Tag: tag,
			Auth: Viewer, In: commerce.Address{}, Out: commerce.Order{}, h: a.setAddress},
		{Method: "POST", Path: "/api/v1/viewer/orders/{id}/pay", Summary: "Start paying: answers the provider's pay_url (body optional)", Tag: tag,
			Auth: Viewer, In: commerce.PayInput{}, Out: commerce.PayResult{}, h: a.payOrder},

		// Staff order handling.
		{Method: "GET", Path: "/api/v1/orders", Summary: "List orders, newest first, with filters", Tag: tag, Auth: Staff, Perm: view,
			Out: List[commerce.Order]{}, Query: orderQuery, h: a.listOrders},
		{Method: "GET", Path: "/api/v1/orders/{id}", Summary: "Get an order with its payment attempts", Tag: tag, Auth: Staff, Perm: view,
			Out: commerce.Order{}, h: a.getOrder},
		{Method: "POST", Path: "/api/v1/orders/{id}/ship", Summary: "Ship a paid order with carrier and tracking number", Tag: tag,
			Auth: Staff, Perm: org.PermOrdersManage, In: commerce.ShipInput{}, Out: commerce.Order{}, h: a.shipOrder},
		{Method: "POST", Path: "/api/v1/orders/{id}/complete", Summary: "Mark a shipped order completed", Tag: tag, Auth: Staff, Perm: org.PermOrdersManage,
			Out: commerce.Order{}, h: a.completeOrder},
		{Method: "POST", Path: "/api/v1/orders/{id}/refund", Summary: "Refund a paid, unshipped order in full; stock comes back (body optional)", Tag: tag,
			Auth: Staff, Perm: org.PermOrdersManage, In: commerce.RefundInput{}, Out: commerce.Order{}, h: a.refundOrder},

		// Payment provider callbacks.
		{Method: "POST", Path: "/api/v1/payments/sandbox/callback", Summary: "Sandbox provider's signed payment notification (HMAC-SHA256, 5-minute window)",
			Tag: tag, In: commerce.CallbackResult{}, Out: CallbackAck{}, h: a.sandboxCallback},
	}
}
