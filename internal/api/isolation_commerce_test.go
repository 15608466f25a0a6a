package api_test

import (
	"net/http"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// The commerce routes in the cross-tenant test. Staff routes with a path id are called
// with tenant A's token on tenant B's product, session or order and must answer 404.
// Viewer routes cannot take a staff token (401), so TestCommerceViewerCrossTenant
// checks them with tenant A's viewer token.
func init() {
	byID := func(prefix, name, suffix string) func(b fixtures) string {
		return func(b fixtures) string { return prefix + b.more[name] + suffix }
	}
	product := func(suffix string) func(b fixtures) string { return byID("/api/v1/products/", "product", suffix) }
	order := func(suffix string) func(b fixtures) string { return byID("/api/v1/orders/", "order", suffix) }
	showcase := func(suffix string) func(b fixtures) string {
		return func(b fixtures) string {
			return "/api/v1/sessions/" + b.more["shop_session"] + "/showcase" + suffix
		}
	}
	pinned := func(b fixtures) string { return showcase("/" + b.more["product"] + "/pin")(b) }
	const viewerCase = "viewer token: tenant A's viewer gets 404 on B's orders and sessions (TestCommerceViewerCrossTenant)"
	addIsolation(map[string]isolationCase{
		"POST /api/v1/products":                                  {public: "creates in the caller's tenant"},
		"GET /api/v1/products":                                   {list: true},
		"GET /api/v1/products/{id}":                              {path: product("")},
		"PATCH /api/v1/products/{id}":                            {path: product(""), body: map[string]any{"name": "hijacked"}},
		"DELETE /api/v1/products/{id}":                           {path: product("")},
		"POST /api/v1/products/{id}/archive":                     {path: product("/archive")},
		"POST /api/v1/products/{id}/restore":                     {path: product("/restore")},
		"POST /api/v1/products/{id}/skus":                        {path: product("/skus"), body: map[string]any{"name": "XXL", "price": 1, "stock": 1}},
		"PATCH /api/v1/products/{id}/skus/{sku_id}":              {path: func(b fixtures) string { return product("/skus/" + b.more["sku"])(b) }, body: map[string]any{"stock": 0}},
		"POST /api/v1/sessions/{id}/showcase":                    {path: showcase(""), body: map[string]any{"product_id": 1}},
		"PUT /api/v1/sessions/{id}/showcase":                     {path: showcase(""), body: map[string]any{"product_ids": []int{}}},
		"DELETE /api/v1/sessions/{id}/showcase/{product_id}":     {path: func(b fixtures) string { return showcase("/" + b.more["product"])(b) }},
		"POST /api/v1/sessions/{id}/showcase/{product_id}/pin":   {path: pinned},
		"DELETE /api/v1/sessions/{id}/showcase/{product_id}/pin": {path: pinned},
		"GET /api/v1/orders":                                     {list: true},
		"GET /api/v1/orders/{id}":                                {path: order("")},
		"POST /api/v1/orders/{id}/ship":                          {path: order("/ship"), body: map[string]any{"carrier": "顺丰", "tracking_no": "SF000111"}},
		"POST /api/v1/orders/{id}/complete":                      {path: order("/complete")},
		"POST /api/v1/orders/{id}/refund":                        {path: order("/refund"), body: map[string]any{"reason": "hijack"}},
		"GET /api/v1/sessions/{id}/showcase":                     {public: "the showcase is what every viewer of the room sees: names, prices, images, stock left"},
		"POST /api/v1/payments/sandbox/callback":                 {public: "authenticated by the sandbox's HMAC signature, not a token; it names its payment by reference"},
		"POST /api/v1/sessions/{id}/orders":                      {public: viewerCase},
		"GET /api/v1/viewer/orders":                              {public: "caller-scoped: the viewer's own orders"},
		"GET /api/v1/viewer/orders/{id}":                         {public: viewerCase},
		"POST /api/v1/viewer/orders/{id}/cancel":                 {public: viewerCase},
		"PUT /api/v1/viewer/orders/{id}/address":                 {public: viewerCase},
		"POST /api/v1/viewer/orders/{id}/pay":                    {public: viewerCase},
	}, seedCommerce)
}

var isolationAddress = map[string]any{"name": "B收件人隔离标记", "phone": "13900001111", "province": "浙江省", "city": "杭州市",
	"district": "西湖区", "detail": "文三路 1 号 隔离标记"}

// seedCommerce creates tenant B's commerce objects: a product with two SKUs in the
// showcase of its own session (pinned), and a viewer's paid order. The session is its
// own because seeders run in file order and the live fixtures may not exist yet.
func seedCommerce(t *testing.T, app *apptest.App, b apptest.Tenant, fx *fixtures) {
	t.Helper()
	s := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", b.Token, map[string]any{"title": "B 带货专场 隔离标记"})
	fx.more["shop_session"] = itoa(s.ID("id"))
	p := app.Must(http.StatusCreated, "POST", "/api/v1/products", b.Token, map[string]any{"name": "B商品 隔离标记",
		"skus": []map[string]any{{"name": "M", "price": 19900, "stock": 5}, {"name": "L", "price": 19900, "stock": 5}}})
	fx.more["product"] = itoa(p.ID("id"))
	sku := int64(p.JSON["skus"].([]any)[0].(map[string]any)["id"].(float64))
	fx.more["sku"] = itoa(sku)
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+fx.more["shop_session"]+"/showcase", b.Token, map[string]any{"product_id": p.ID("id")})
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+fx.more["shop_session"]+"/showcase/"+fx.more["product"]+"/pin", b.Token, nil)
	v := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+fx.more["shop_session"]+"/viewers", "", map[string]any{"nickname": "B买家隔离标记"})
	fx.more["buyer_token"] = v.JSON["token"].(string)
	o := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+fx.more["shop_session"]+"/orders", fx.more["buyer_token"], map[string]any{
		"lines": []map[string]any{{"product_id": p.ID("id"), "sku_id": sku, "quantity": 1}}, "address": isolationAddress})
	fx.more["order"] = itoa(o.ID("id"))
}

// TestCommerceViewerCrossTenant: a viewer token of tenant A never reads, cancels,
// addresses or pays tenant B's order, nor buys in B's session; B's order is untouched.
func TestCommerceViewerCrossTenant(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	a := app.Signup("Shop A")
	b := app.Signup("Shop B")
	fx := fixtures{more: map[string]string{}}
	seedCommerce(t, app, b, &fx)
	sa := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", a.Token, map[string]any{"title": "A show"})
	va := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+itoa(sa.ID("id"))+"/viewers", "", map[string]any{"nickname": "A观众"})
	tokA := va.JSON["token"].(string)
	order := "/api/v1/viewer/orders/" + fx.more["order"]
	app.Run(t, []apptest.Scenario{
		{Name: "read B's order", Method: "GET", Path: order, Token: tokA, Status: 404, Code: "not_found"},
		{Name: "cancel B's order", Method: "POST", Path: order + "/cancel", Token: tokA, Status: 404, Code: "not_found"},
		{Name: "address B's order", Method: "PUT", Path: order + "/address", Token: tokA, Body: isolationAddress, Status: 404, Code: "not_found"},
		{Name: "pay B's order", Method: "POST", Path: order + "/pay", Token: tokA, Status: 404, Code: "not_found"},
		{Name: "buy in B's session", Method: "POST", Path: "/api/v1/sessions/" + fx.more["shop_session"] + "/orders", Token: tokA,
			Body: `{"lines":[{"product_id":` + fx.more["product"] + `,"sku_id":` + fx.more["sku"] + `,"quantity":1}]}`, Status: 404, Code: "not_found"},
		{Name: "A's list lacks B's orders", Method: "GET", Path: "/api/v1/viewer/orders", Token: tokA, Status: 200, Lacks: []string{"隔离标记"}},
		{Name: "a staff token is no viewer token", Method: "GET", Path: "/api/v1/viewer/orders", Token: b.Token, Status: 401},
		{Name: "B's order untouched", Method: "GET", Path: order, Token: fx.more["buyer_token"], Status: 200,
			Has: []string{`"status":"created"`, "文三路 1 号 隔离标记"}, Lacks: []string{`"payments"`}},
		{Name: "B's stock untouched", Method: "GET", Path: "/api/v1/products/" + fx.more["product"], Token: b.Token, Status: 200,
			Has: []string{`"stock":9`, `"name":"B商品 隔离标记"`}},
	})
}
