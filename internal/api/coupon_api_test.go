package api_test

import (
	"net/http"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// TestCouponOverAPI: the host issues a coupon and the room hears it; viewers claim it
// once each until it is gone; checkout refuses it below the minimum spend and takes
// the discount off a big enough order; cancelling gives it back; stopping ends
// claiming. On SQLite and PostgreSQL.
func TestCouponOverAPI(t *testing.T) {
	t.Parallel()
	bothEngines(t, couponOverAPI)
}

func couponOverAPI(t *testing.T, app *apptest.App) {
	shop := app.Signup("Coupon Shop")
	sid := itoa(app.Must(http.StatusCreated, "POST", "/api/v1/sessions", shop.Token, map[string]any{"title": "领券专场"}).ID("id"))
	shirt := app.Must(http.StatusCreated, "POST", "/api/v1/products", shop.Token, map[string]any{"name": "真丝衬衫", "price": 6000, "stock": 10}).ID("id")
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+sid+"/showcase", shop.Token, map[string]any{"product_id": shirt})
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+sid+"/start", shop.Token, nil)
	viewer := func(nick string) string {
		return app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/viewers", "", map[string]any{"nickname": nick}).JSON["token"].(string)
	}
	amy, bob, cat := viewer("小美"), viewer("小明"), viewer("小猫")
	room := dialRoom(t, app, sid, amy)
	room.waitFor("welcome", nil)

	c := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/coupons", shop.Token,
		map[string]any{"name": "满100减20", "discount": 2000, "min_spend": 10000, "quantity": 2})
	cid := itoa(c.ID("id"))
	if c.JSON["product_id"] != nil || c.JSON["status"] != "active" || c.JSON["claimed"] != float64(0) || c.JSON["expires_at"] == nil {
		t.Fatalf("issued coupon: %s", c.Body)
	}
	ev := room.waitFor("coupon", nil)
	if ev["coupon"].(map[string]any)["name"] != "满100减20" {
		t.Fatalf("room event: %v", ev)
	}
	order := func(qty int, claim int64) map[string]any {
		body := map[string]any{"lines": []map[string]any{{"product_id": shirt, "quantity": qty}}}
		if claim > 0 {
			body["coupon_claim_id"] = claim
		}
		return body
	}
	app.Run(t, []apptest.Scenario{
		{Name: "offered to viewers", Method: "GET", Path: "/api/v1/viewer/session-coupons", Token: amy, Status: 200,
			Has: []string{`"name":"满100减20"`, `"claimed_by_me":false`}},
		{Name: "discount missing", Method: "POST", Path: "/api/v1/sessions/" + sid + "/coupons", Token: shop.Token,
			Body: map[string]any{"name": "x", "quantity": 1}, Status: 400, Code: "invalid", Field: "discount"},
		{Name: "valid_minutes too long", Method: "POST", Path: "/api/v1/sessions/" + sid + "/coupons", Token: shop.Token,
			Body: map[string]any{"name": "x", "discount": 1, "quantity": 1, "valid_minutes": 999999}, Status: 400, Field: "valid_minutes"},
		{Name: "unknown field", Method: "POST", Path: "/api/v1/sessions/" + sid + "/coupons", Token: shop.Token,
			Body: map[string]any{"name": "x", "discount": 1, "quantity": 1, "percent": 10}, Status: 400, Field: "percent"},
		{Name: "staff cannot claim", Method: "POST", Path: "/api/v1/coupons/" + cid + "/claim", Token: shop.Token, Status: 401},
	})
	claim := app.Must(http.StatusCreated, "POST", "/api/v1/coupons/"+cid+"/claim", amy, nil)
	if claim.JSON["status"] != "unused" || claim.JSON["discount"] != float64(2000) || claim.JSON["coupon_id"] != float64(c.ID("id")) {
		t.Fatalf("claim: %s", claim.Body)
	}
	kid := claim.ID("id")
	app.Run(t, []apptest.Scenario{
		{Name: "claim twice", Method: "POST", Path: "/api/v1/coupons/" + cid + "/claim", Token: amy, Status: 409, Code: "already_claimed"},
		{Name: "second viewer", Method: "POST", Path: "/api/v1/coupons/" + cid + "/claim", Token: bob, Status: 201},
		{Name: "gone", Method: "POST", Path: "/api/v1/coupons/" + cid + "/claim", Token: cat, Status: 409, Code: "coupons_gone"},
		{Name: "claimed by me", Method: "GET", Path: "/api/v1/viewer/session-coupons", Token: amy, Status: 200, Has: []string{`"claimed_by_me":true`, `"claimed":2`}},
		{Name: "below min spend", Method: "POST", Path: "/api/v1/sessions/" + sid + "/orders", Token: amy, Body: order(1, kid),
			Status: 409, Code: "coupon_not_applicable", Field: "coupon_claim_id", Has: []string{"¥100", "¥60"}},
		{Name: "not my claim", Method: "POST", Path: "/api/v1/sessions/" + sid + "/orders", Token: bob, Body: order(2, kid),
			Status: 404, Field: "coupon_claim_id"},
	})
	o := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/orders", amy, order(2, kid))
	if o.JSON["subtotal"] != float64(12000) || o.JSON["discount"] != float64(2000) || o.JSON["total"] != float64(10000) {
		t.Fatalf("order with coupon: %s", o.Body)
	}
	oid := itoa(o.ID("id"))
	app.Run(t, []apptest.Scenario{
		{Name: "claim used", Method: "GET", Path: "/api/v1/viewer/coupons", Token: amy, Status: 200, Has: []string{`"status":"used"`, `"order_id":` + oid}},
		{Name: "staff sees it used", Method: "GET", Path: "/api/v1/coupons/" + cid, Token: shop.Token, Status: 200, Has: []string{`"used":1`, `"claimed":2`}},
		{Name: "used again", Method: "POST", Path: "/api/v1/sessions/" + sid + "/orders", Token: amy, Body: order(2, kid),
			Status: 409, Code: "coupon_not_applicable", Has: []string{"already used"}},
		{Name: "cancel", Method: "POST", Path: "/api/v1/viewer/orders/" + oid + "/cancel", Token: amy, Status: 200, Has: []string{`"status":"cancelled"`}},
		{Name: "coupon back", Method: "GET", Path: "/api/v1/viewer/coupons", Token: amy, Status: 200, Has: []string{`"status":"unused"`}, Lacks: []string{`"order_id"`}},
		{Name: "staff sees it back", Method: "GET", Path: "/api/v1/coupons/" + cid, Token: shop.Token, Status: 200, Has: []string{`"used":0`}},
		{Name: "list", Method: "GET", Path: "/api/v1/sessions/" + sid + "/coupons", Token: shop.Token, Status: 200, Has: []string{`"name":"满100减20"`, `"next_cursor":""`}},
		{Name: "stop", Method: "POST", Path: "/api/v1/coupons/" + cid + "/stop", Token: shop.Token, Status: 200, Has: []string{`"status":"stopped"`}},
		{Name: "stopped", Method: "POST", Path: "/api/v1/coupons/" + cid + "/claim", Token: cat, Status: 409, Code: "coupon_stopped"},
		{Name: "no longer offered", Method: "GET", Path: "/api/v1/viewer/session-coupons", Token: cat, Status: 200, Has: []string{`"items":[]`}},
		{Name: "still usable", Method: "POST", Path: "/api/v1/sessions/" + sid + "/orders", Token: amy, Body: order(2, kid), Status: 201,
			Has: []string{`"total":10000`, `"discount":2000`}},
	})
	if ev := room.waitFor("coupon", func(m map[string]any) bool { return m["coupon"].(map[string]any)["status"] == "stopped" }); ev == nil {
		t.Fatal("stop not announced")
	}
}
