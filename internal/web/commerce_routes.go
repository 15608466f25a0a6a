package web

import (
	"net/http"
)

// commercePages are the templates of the 商品与订单 area. They share
// commerce_partials.html (sub-navigation, status badges, the area's stylesheet),
// which the console-wide page list does not know about, so mountCommerce parses them
// itself, as MountPay does for the cashier.
var commercePages = []string{"commerce_products", "commerce_product", "commerce_orders", "commerce_order"}

// imageCSP is the strict console policy with one difference: product pictures live
// wherever the merchant hosts them (a CDN), so images may come from any http(s)
// origin. Scripts and styles stay this site's own.
const imageCSP = "default-src 'self'; img-src 'self' data: https: http:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

// mountCommerce registers the 商品与订单 area: products (/console/commerce is the
// product list, so the navigation lands on a page, not a redirect) and orders.
func (c *Console) mountCommerce(mux *http.ServeMux) {
	c.parseCommercePages()
	const key = "commerce"
	mux.Handle("GET /console/commerce", c.authed(key, c.productList))
	mux.Handle("GET /console/commerce/products/new", c.authed(key, c.productNew))
	mux.Handle("POST /console/commerce/products", c.authed(key, c.productCreate))
	mux.Handle("GET /console/commerce/products/{id}", c.authed(key, c.productEdit))
	mux.Handle("POST /console/commerce/products/{id}", c.authed(key, c.productSave))
	mux.Handle("POST /console/commerce/products/{id}/archive", c.authed(key, c.productStatus(true)))
	mux.Handle("POST /console/commerce/products/{id}/restore", c.authed(key, c.productStatus(false)))

	mux.Handle("GET /console/commerce/orders", c.authed(key, c.orderList))
	mux.Handle("GET /console/commerce/orders/{id}", c.authed(key, c.orderDetail))
	mux.Handle("POST /console/commerce/orders/{id}/ship", c.authed(key, c.orderShip))
	mux.Handle("POST /console/commerce/orders/{id}/complete", c.authed(key, c.orderComplete))
	mux.Handle("POST /console/commerce/orders/{id}/refund", c.authed(key, c.orderRefund))
}

// parseCommercePages adds the area's pages to every language on the console shell.
func (c *Console) parseCommercePages() {
	c.parseAreaPages("templates/commerce_partials.html", commercePages, nil)
}
