package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// The coupon and comment-to-buy routes in the cross-tenant test. Staff routes with an
// id are called with tenant A's token on tenant B's session, coupon or keyword and
// must answer 404. Viewer routes cannot take a staff token (401), so
// TestCouponViewerCrossTenant checks them with viewer tokens of tenant A and of
// another session of tenant B.
func init() {
	byID := func(prefix, name, suffix string) func(b fixtures) string {
		return func(b fixtures) string { return prefix + b.more[name] + suffix }
	}
	const viewerCase = "viewer token: another tenant's or session's viewer gets 404 on B's coupon and claim (TestCouponViewerCrossTenant)"
	const scoped = "caller-scoped: the viewer token's own claims and session (TestCouponViewerCrossTenant)"
	addIsolation(map[string]isolationCase{
		"POST /api/v1/sessions/{id}/coupons": {path: byID("/api/v1/sessions/", "cp_session", "/coupons"),
			body: map[string]any{"name": "hijack", "discount": 100, "min_spend": 0, "quantity": 1}},
		"GET /api/v1/sessions/{id}/coupons":  {path: byID("/api/v1/sessions/", "cp_session", "/coupons")},
		"GET /api/v1/coupons/{id}":           {path: byID("/api/v1/coupons/", "coupon", "")},
		"POST /api/v1/coupons/{id}/stop":     {path: byID("/api/v1/coupons/", "coupon", "/stop")},
		"POST /api/v1/coupons/{id}/claim":    {public: viewerCase},
		"GET /api/v1/viewer/coupons":         {public: scoped},
		"GET /api/v1/viewer/session-coupons": {public: scoped},
		"POST /api/v1/sessions/{id}/comment-buys": {path: byID("/api/v1/sessions/", "cp_session", "/comment-buys"),
			body: map[string]any{"keyword": "劫持", "product_id": 1}},
		"GET /api/v1/sessions/{id}/comment-buys": {path: byID("/api/v1/sessions/", "cp_session", "/comment-buys")},
		"GET /api/v1/comment-buys/{id}":          {path: byID("/api/v1/comment-buys/", "comment_buy", "")},
		"POST /api/v1/comment-buys/{id}/stop":    {path: byID("/api/v1/comment-buys/", "comment_buy", "/stop")},
	}, seedCoupon)
}

// seedCoupon creates tenant B's live session with a product, a coupon claimed by a
// viewer of that session, and an armed comment-to-buy keyword.
func seedCoupon(t *testing.T, app *apptest.App, b apptest.Tenant, fx *fixtures) {
	t.Helper()
	s := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", b.Token, map[string]any{"title": "B 领券 隔离标记"})
	sid := itoa(s.ID("id"))
	fx.more["cp_session"] = sid
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+sid+"/start", b.Token, nil)
	p := app.Must(http.StatusCreated, "POST", "/api/v1/products", b.Token, map[string]any{"name": "B券品 隔离标记", "price": 9900, "stock": 10})
	fx.more["cp_product"] = itoa(p.ID("id"))
	c := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/coupons", b.Token,
		map[string]any{"name": "B券 隔离标记", "discount": 500, "min_spend": 5000, "quantity": 3})
	fx.more["coupon"] = itoa(c.ID("id"))
	v := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/viewers", "", map[string]any{"nickname": "B领券观众隔离标记"})
	fx.more["cp_viewer_token"] = v.JSON["token"].(string)
	k := app.Must(http.StatusCreated, "POST", "/api/v1/coupons/"+fx.more["coupon"]+"/claim", fx.more["cp_viewer_token"], nil)
	fx.more["coupon_claim"] = itoa(k.ID("id"))
	cb := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/comment-buys", b.Token,
		map[string]any{"keyword": "隔离标记", "product_id": p.ID("id")})
	fx.more["comment_buy"] = itoa(cb.ID("id"))
}

// TestCouponViewerCrossTenant: a viewer token reaches only its own session's coupons
// and its own claims: tenant A's viewer and a viewer of another session of B cannot
// claim B's coupon, do not see it listed, and cannot redeem B's viewer's claim.
func TestCouponViewerCrossTenant(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	a := app.Signup("Coupon A")
	b := app.Signup("Coupon B")
	fx := fixtures{more: map[string]string{}}
	seedCoupon(t, app, b, &fx)
	sa := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", a.Token, map[string]any{"title": "A show"})
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+itoa(sa.ID("id"))+"/start", a.Token, nil)
	tokA := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+itoa(sa.ID("id"))+"/viewers", "", map[string]any{"nickname": "A观众"}).JSON["token"].(string)
	s2 := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", b.Token, map[string]any{"title": "B other show"})
	s2id := itoa(s2.ID("id"))
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+s2id+"/start", b.Token, nil)
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+s2id+"/showcase", b.Token, map[string]any{"product_id": numID(fx.more["cp_product"])})
	tokB2 := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+s2id+"/viewers", "", map[string]any{"nickname": "B别场观众"}).JSON["token"].(string)

	for name, tok := range map[string]string{"tenant A's viewer": tokA, "another session's viewer": tokB2} {
		r := app.Do("POST", "/api/v1/coupons/"+fx.more["coupon"]+"/claim", tok, nil)
		if r.Status != http.StatusNotFound || r.ErrorCode() != "not_found" {
			t.Errorf("%s claims B's coupon: %d %s", name, r.Status, r.Body)
		}
		for _, path := range []string{"/api/v1/viewer/coupons", "/api/v1/viewer/session-coupons"} {
			r := app.Must(http.StatusOK, "GET", path, tok, nil)
			if strings.Contains(string(r.Body), "隔离标记") {
				t.Errorf("%s sees B's coupon in %s: %s", name, path, r.Body)
			}
		}
	}
	// Redeeming B's viewer's claim from another session's viewer: not found, no order.
	r := app.Do("POST", "/api/v1/sessions/"+s2id+"/orders", tokB2, map[string]any{
		"lines":           []map[string]any{{"product_id": numID(fx.more["cp_product"]), "quantity": 1}},
		"coupon_claim_id": numID(fx.more["coupon_claim"])})
	if r.Status != http.StatusNotFound || r.ErrorField() != "coupon_claim_id" {
		t.Errorf("someone else's claim at checkout: %d %s", r.Status, r.Body)
	}
	// B's own viewer still has it, unused.
	mine := app.Must(http.StatusOK, "GET", "/api/v1/viewer/coupons", fx.more["cp_viewer_token"], nil)
	if !strings.Contains(string(mine.Body), `"status":"unused"`) {
		t.Errorf("B's viewer's claim: %s", mine.Body)
	}
}

func numID(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
