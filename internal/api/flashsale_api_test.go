package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

// TestFlashSaleAPI walks a flash sale through the public API: bad launches name their
// field, viewers buy (201 with the order at the sale price), the 409 codes sold_out,
// limit_reached, not_started, sale_ended and not_sold_out, the waitlist, the viewer's
// view, the host ending the sale and the units going back to the product.
func TestFlashSaleAPI(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Now()}
	app := apptest.New(t, apptest.Options{Now: clock.Now})
	b := app.Signup("Flash Brand")
	s := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", b.Token, map[string]any{"title": "秒杀夜"})
	sid := itoa(s.ID("id"))
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+sid+"/start", b.Token, nil)
	p := app.Must(http.StatusCreated, "POST", "/api/v1/products", b.Token, map[string]any{"name": "保温杯", "price": 9900, "stock": 10})
	pid := p.ID("id")
	viewer := func(nick string) string {
		return app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/viewers", "", map[string]any{"nickname": nick}).JSON["token"].(string)
	}
	v1, v2, v3 := viewer("一号"), viewer("二号"), viewer("三号")
	launch := "/api/v1/sessions/" + sid + "/flash-sales"
	sale := app.Must(http.StatusCreated, "POST", launch, b.Token, map[string]any{"product_id": pid, "price": 990, "stock": 2, "per_user_limit": 1})
	id := itoa(sale.ID("id"))
	later := clock.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	soon := app.Must(http.StatusCreated, "POST", launch, b.Token, map[string]any{"product_id": pid, "price": 990, "stock": 1,
		"per_user_limit": 1, "starts_at": later, "duration_seconds": 60})
	soonID := itoa(soon.ID("id"))
	f := "/api/v1/flash-sales/" + id
	app.Run(t, []apptest.Scenario{
		{Name: "price 0", Method: "POST", Path: launch, Token: b.Token, Body: map[string]any{"product_id": pid, "price": 0, "stock": 1, "per_user_limit": 1},
			Status: 400, Code: "invalid", Field: "price"},
		{Name: "price above the product's", Method: "POST", Path: launch, Token: b.Token,
			Body: map[string]any{"product_id": pid, "price": 9901, "stock": 1, "per_user_limit": 1}, Status: 400, Code: "invalid", Field: "price"},
		{Name: "more stock than the product has left", Method: "POST", Path: launch, Token: b.Token,
			Body: map[string]any{"product_id": pid, "price": 100, "stock": 8, "per_user_limit": 1}, Status: 400, Code: "invalid", Field: "stock"},
		{Name: "no limit", Method: "POST", Path: launch, Token: b.Token, Body: map[string]any{"product_id": pid, "price": 100, "stock": 1},
			Status: 400, Code: "invalid", Field: "per_user_limit"},
		{Name: "unknown field", Method: "POST", Path: launch, Token: b.Token,
			Body: map[string]any{"product_id": pid, "price": 100, "stock": 1, "per_user_limit": 1, "limit": 2}, Status: 400, Code: "invalid"},
		{Name: "launched sale", Method: "GET", Path: f, Token: b.Token, Status: 200,
			Has: []string{`"stock":2`, `"stock_left":2`, `"sold":0`, `"status":"running"`, `"ends_at":null`, `"original_price":9900`, `"product_name":"保温杯"`}},
		{Name: "the product lost the held units", Method: "GET", Path: "/api/v1/products/" + itoa(pid), Token: b.Token, Status: 200, Has: []string{`"stock":7`}},
		{Name: "waitlist while units are left", Method: "POST", Path: f + "/waitlist", Token: v3, Status: 409, Code: "not_sold_out"},
		{Name: "quantity 0", Method: "POST", Path: f + "/orders", Token: v1, Body: map[string]any{"quantity": 0}, Status: 400, Code: "invalid", Field: "quantity"},
		{Name: "over the limit at once", Method: "POST", Path: f + "/orders", Token: v1, Body: map[string]any{"quantity": 2}, Status: 409, Code: "limit_reached"},
		{Name: "buy one", Method: "POST", Path: f + "/orders", Token: v1, Body: map[string]any{"quantity": 1}, Status: 201,
			Has: []string{`"order_id":`, `"quantity":1`, `"total":990`}},
		{Name: "buy again", Method: "POST", Path: f + "/orders", Token: v1, Status: 409, Code: "limit_reached"},
		{Name: "empty body buys one", Method: "POST", Path: f + "/orders", Token: v2, Status: 201, Has: []string{`"total":990`}},
		{Name: "sold out", Method: "POST", Path: f + "/orders", Token: v3, Status: 409, Code: "sold_out"},
		{Name: "join the waitlist", Method: "POST", Path: f + "/waitlist", Token: v3, Status: 201, Has: []string{`"position":1`}},
		{Name: "a holder at the limit cannot wait", Method: "POST", Path: f + "/waitlist", Token: v1, Status: 409, Code: "limit_reached"},
		{Name: "my view", Method: "GET", Path: "/api/v1/viewer/flash-sales/" + id, Token: v3, Status: 200,
			Has: []string{`"my_quantity":0`, `"my_waitlist_position":1`, `"waitlist":1`, `"status":"sold_out"`}},
		{Name: "the buyer's view", Method: "GET", Path: "/api/v1/viewer/flash-sales/" + id, Token: v1, Status: 200,
			Has: []string{`"my_quantity":1`, `"my_waitlist_position":0`}},
		{Name: "leave", Method: "DELETE", Path: f + "/waitlist", Token: v3, Status: 204},
		{Name: "leave again", Method: "DELETE", Path: f + "/waitlist", Token: v3, Status: 204},
		{Name: "the order is the viewer's, at the sale price", Method: "GET", Path: "/api/v1/viewer/orders", Token: v1, Status: 200,
			Has: []string{`"source":"flash_sale"`, `"source_id":` + id, `"total":990`, `"status":"created"`}},
		{Name: "the room's list", Method: "GET", Path: "/api/v1/viewer/flash-sales", Token: v3, Status: 200,
			Has: []string{`"id":` + id, `"id":` + soonID, `"status":"scheduled"`}},
		{Name: "not started", Method: "POST", Path: "/api/v1/flash-sales/" + soonID + "/orders", Token: v3, Status: 409, Code: "not_started"},
		{Name: "staff list", Method: "GET", Path: "/api/v1/sessions/" + sid + "/flash-sales", Token: b.Token, Status: 200,
			Has: []string{`"id":` + id, `"id":` + soonID}},
		{Name: "end", Method: "POST", Path: f + "/end", Token: b.Token, Status: 200, Has: []string{`"status":"ended"`, `"returned":0`, `"sold":2`}},
		{Name: "after the end", Method: "POST", Path: f + "/orders", Token: v3, Status: 409, Code: "sale_ended"},
		{Name: "waitlist after the end", Method: "POST", Path: f + "/waitlist", Token: v3, Status: 409, Code: "sale_ended"},
		{Name: "end the scheduled one", Method: "POST", Path: "/api/v1/flash-sales/" + soonID + "/end", Token: b.Token, Status: 200,
			Has: []string{`"returned":1`}},
		{Name: "its unit went back", Method: "GET", Path: "/api/v1/products/" + itoa(pid), Token: b.Token, Status: 200, Has: []string{`"stock":8`}},
		{Name: "ended sales leave the room's list", Method: "GET", Path: "/api/v1/viewer/flash-sales", Token: v3, Status: 200, Has: []string{`"items":[]`}},
		{Name: "unknown sale", Method: "GET", Path: "/api/v1/flash-sales/999999", Token: b.Token, Status: 404, Code: "not_found"},
	})
}
