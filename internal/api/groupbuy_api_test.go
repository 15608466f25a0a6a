package api_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

// gbShop is a brand with a live session, a virtual product (no address needed) with
// ten in stock, and a fake clock the node's jobs run on.
type gbShop struct {
	app     *apptest.App
	clock   *fakeClock
	shop    apptest.Tenant
	session string
	product int64
}

func newGBShop(t *testing.T, postgres bool) gbShop {
	t.Helper()
	clock := &fakeClock{t: time.Now()}
	app := apptest.New(t, apptest.Options{Now: clock.Now, Postgres: postgres})
	shop := app.Signup("拼团助力店")
	p := app.Must(http.StatusCreated, "POST", "/api/v1/products", shop.Token, map[string]any{"name": "面膜", "price": 9900, "stock": 10,
		"virtual": true})
	sid := itoa(app.Must(http.StatusCreated, "POST", "/api/v1/sessions", shop.Token, map[string]any{"title": "拼团专场"}).ID("id"))
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+sid+"/start", shop.Token, nil)
	return gbShop{app: app, clock: clock, shop: shop, session: sid, product: p.ID("id")}
}

// viewer joins the shop's session and returns the viewer token.
func (s gbShop) viewer(t *testing.T, nick string) string {
	t.Helper()
	return s.app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+s.session+"/viewers", "", map[string]any{"nickname": nick}).JSON["token"].(string)
}

// pay pays a viewer's order through the sandbox cashier's success button.
func (s gbShop) pay(t *testing.T, token string, orderID int64) {
	t.Helper()
	r := s.app.Must(http.StatusOK, "POST", "/api/v1/viewer/orders/"+itoa(orderID)+"/pay", token, nil)
	u, err := url.Parse(r.JSON["pay_url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	click(t, s.app, u.Path, "success")
}

// staffToken creates a staff member with role in the shop and logs them in.
func (s gbShop) staffToken(t *testing.T, role string) string {
	t.Helper()
	email := role + "-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "@example.com"
	s.app.Must(http.StatusCreated, "POST", "/api/v1/staff", s.shop.Token, map[string]any{"email": email, "name": role, "role": role,
		"password": "password-123"})
	return s.app.Must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]any{"email": email, "password": "password-123"}).JSON["token"].(string)
}

// gbEventually polls check until it holds, for state the node's job loop changes.
func gbEventually(t *testing.T, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !check() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen within 10 s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func gbOrderOf(r apptest.Response) int64 { return int64(r.JSON["order_id"].(float64)) }

func gbGroupOf(r apptest.Response) string {
	return itoa(int64(r.JSON["group"].(map[string]any)["id"].(float64)))
}

// TestGroupBuyAPI: launching with bad input names the field and needs promo.manage; a
// group of three fills, is paid and succeeds; a short group fails at its deadline and
// its paid member is refunded; a closed offer takes no new groups.
func TestGroupBuyAPI(t *testing.T) {
	t.Parallel()
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) { groupBuyAPI(t, newGBShop(t, pg)) })
	}
}

func groupBuyAPI(t *testing.T, s gbShop) {
	app, tok := s.app, s.shop.Token
	launch := "/api/v1/sessions/" + s.session + "/group-buys"
	good := map[string]any{"product_id": s.product, "price": 5900, "group_size": 3, "time_limit_seconds": 3600}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for kk, vv := range good {
			m[kk] = vv
		}
		m[k] = v
		return m
	}
	app.Run(t, []apptest.Scenario{
		{Name: "group of one", Method: "POST", Path: launch, Token: tok, Body: with("group_size", 1), Status: 400, Code: "invalid", Field: "group_size"},
		{Name: "group of 101", Method: "POST", Path: launch, Token: tok, Body: with("group_size", 101), Status: 400, Field: "group_size"},
		{Name: "price as text", Method: "POST", Path: launch, Token: tok, Body: with("price", "59"), Status: 400, Field: "price"},
		{Name: "dearer than the product", Method: "POST", Path: launch, Token: tok, Body: with("price", 9901), Status: 400, Field: "price"},
		{Name: "no time limit", Method: "POST", Path: launch, Token: tok, Body: with("time_limit_seconds", 0), Status: 400, Field: "time_limit_seconds"},
		{Name: "unknown field", Method: "POST", Path: launch, Token: tok, Body: with("discount", 1), Status: 400, Field: "discount"},
		{Name: "no token", Method: "POST", Path: launch, Body: good, Status: 401},
		{Name: "an agent may not", Method: "POST", Path: launch, Token: s.staffToken(t, "agent"), Body: good, Status: 403},
	})
	gb := app.Must(http.StatusCreated, "POST", launch, s.staffToken(t, "host"), good)
	id := itoa(gb.ID("id"))
	if gb.JSON["status"] != "open" || gb.JSON["original_price"] != float64(9900) || gb.JSON["product_name"] != "面膜" {
		t.Fatalf("launched: %s", gb.Body)
	}
	leader, a, b, late := s.viewer(t, "团长"), s.viewer(t, "小美"), s.viewer(t, "阿杰"), s.viewer(t, "迟到")
	app.Run(t, []apptest.Scenario{
		{Name: "listed for viewers", Method: "GET", Path: "/api/v1/viewer/group-buys", Token: leader, Status: 200, Has: []string{`"id":` + id, `"group_size":3`}},
		{Name: "staff list", Method: "GET", Path: launch, Token: tok, Status: 200, Has: []string{`"id":` + id}},
	})
	start := app.Must(http.StatusCreated, "POST", "/api/v1/group-buys/"+id+"/groups", leader, nil)
	group := gbGroupOf(start)
	ja := app.Must(http.StatusCreated, "POST", "/api/v1/group-buy-groups/"+group+"/join", a, nil)
	jb := app.Must(http.StatusCreated, "POST", "/api/v1/group-buy-groups/"+group+"/join", b, nil)
	app.Run(t, []apptest.Scenario{
		{Name: "leader starts another", Method: "POST", Path: "/api/v1/group-buys/" + id + "/groups", Token: leader, Status: 409, Code: "already_in_group"},
		{Name: "a full group", Method: "POST", Path: "/api/v1/group-buy-groups/" + group + "/join", Token: late, Status: 409, Code: "group_full"},
		{Name: "no such group", Method: "POST", Path: "/api/v1/group-buy-groups/999999/join", Token: late, Status: 404},
		{Name: "member's order", Method: "GET", Path: "/api/v1/viewer/orders/" + itoa(gbOrderOf(ja)), Token: a, Status: 200,
			Has: []string{`"source":"group_buy"`, `"total":5900`, `"status":"created"`}},
		{Name: "my group", Method: "GET", Path: "/api/v1/viewer/group-buys/" + id, Token: a, Status: 200,
			Has: []string{`"my_group":{"id":` + group, `"leader_nickname":"团长"`, `"forming":[]`, `"my_order_id":` + itoa(gbOrderOf(ja))}},
	})
	s.pay(t, leader, gbOrderOf(start))
	s.pay(t, a, gbOrderOf(ja))
	s.pay(t, b, gbOrderOf(jb))
	app.Run(t, []apptest.Scenario{
		{Name: "succeeded", Method: "GET", Path: "/api/v1/group-buys/" + id, Token: tok, Status: 200,
			Has: []string{`"groups_succeeded":1`, `"status":"succeeded"`, `"paid_count":3`, `"nickname":"阿杰","paid":true`}},
		{Name: "stock", Method: "GET", Path: "/api/v1/products/" + itoa(s.product), Token: tok, Status: 200, Has: []string{`"stock":7`, `"sold":3`}},
		{Name: "join a succeeded group", Method: "POST", Path: "/api/v1/group-buy-groups/" + group + "/join", Token: late, Status: 409, Code: "group_closed"},
	})

	// A second group is short at its deadline: its paid member is refunded, the
	// unpaid one cancelled, the stock back.
	g2 := app.Must(http.StatusCreated, "POST", "/api/v1/group-buys/"+id+"/groups", late, nil)
	j2 := app.Must(http.StatusCreated, "POST", "/api/v1/group-buy-groups/"+gbGroupOf(g2)+"/join", a, nil)
	s.pay(t, late, gbOrderOf(g2))
	s.clock.Add(61 * time.Minute)
	gbEventually(t, "the refund of the failed group", func() bool {
		r := app.Must(http.StatusOK, "GET", "/api/v1/viewer/orders/"+itoa(gbOrderOf(g2)), late, nil)
		return r.JSON["status"] == "refunded"
	})
	app.Run(t, []apptest.Scenario{
		{Name: "failed", Method: "GET", Path: "/api/v1/group-buys/" + id, Token: tok, Status: 200,
			Has: []string{`"groups_failed":1`, `"status":"failed"`}},
		{Name: "unpaid member cancelled", Method: "GET", Path: "/api/v1/viewer/orders/" + itoa(gbOrderOf(j2)), Token: a, Status: 200,
			Has: []string{`"status":"cancelled"`}},
		{Name: "stock back", Method: "GET", Path: "/api/v1/products/" + itoa(s.product), Token: tok, Status: 200, Has: []string{`"stock":7`, `"sold":3`}},
		{Name: "close", Method: "POST", Path: "/api/v1/group-buys/" + id + "/close", Token: tok, Status: 200, Has: []string{`"status":"closed"`}},
		{Name: "start on a closed offer", Method: "POST", Path: "/api/v1/group-buys/" + id + "/groups", Token: a, Status: 409, Code: "group_buy_closed"},
		{Name: "not listed once closed", Method: "GET", Path: "/api/v1/viewer/group-buys", Token: a, Status: 200, Has: []string{`"items":[]`}},
	})
}
