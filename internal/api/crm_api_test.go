package api_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

// TestCustomerOverAPI: the CONTRACT's customer routes and the rest of them as staff use
// them — a second POST with the same phone answers the same id; tags by name and the
// list by tag; remarks; masking for a host; rule tags and malformed rules; merge and the
// merged-away id; erase; the bulk view in the audit log. On SQLite and PostgreSQL.
func TestCustomerOverAPI(t *testing.T) {
	t.Parallel()
	bothEngines(t, customerOverAPI)
}

// crmStaffToken creates a staff member with role and logs them in.
func crmStaffToken(t *testing.T, app *apptest.App, owner, role string) string {
	t.Helper()
	email := role + "-crm-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "@example.com"
	app.Must(http.StatusCreated, "POST", "/api/v1/staff", owner, map[string]any{"email": email, "name": role, "role": role,
		"password": "password-123"})
	return app.Must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]any{"email": email, "password": "password-123"}).JSON["token"].(string)
}

func customerOverAPI(t *testing.T, app *apptest.App) {
	shop := app.Signup("CRM Shop")
	host := crmStaffToken(t, app, shop.Token, "host")
	first := app.Must(http.StatusCreated, "POST", "/api/v1/customers", shop.Token, map[string]any{"name": "王小美", "phone": "13800138000"})
	id := itoa(first.ID("id"))
	again := app.Must(http.StatusCreated, "POST", "/api/v1/customers", shop.Token, map[string]any{"name": "小美", "phone": "13800138000",
		"remark": "要发票"})
	if again.ID("id") != first.ID("id") || again.JSON["merged"] != true || again.JSON["name"] != "王小美" {
		t.Fatalf("second customer with the same phone: %s, want id %s", again.Body, id)
	}
	other := itoa(app.Must(http.StatusCreated, "POST", "/api/v1/customers", shop.Token, map[string]any{"name": "阿花",
		"phone": "13900139000", "wechat_openid": "oHua123456789", "remark": "喜欢围巾"}).ID("id"))
	if other == id {
		t.Fatal("another phone found the first customer")
	}
	app.Run(t, []apptest.Scenario{
		{Name: "bad phone", Method: "POST", Path: "/api/v1/customers", Token: shop.Token, Body: map[string]any{"name": "x", "phone": "tel"},
			Status: 400, Code: "invalid", Field: "phone"},
		{Name: "no name", Method: "POST", Path: "/api/v1/customers", Token: shop.Token, Body: map[string]any{"phone": "13800138001"},
			Status: 400, Field: "name"},
		{Name: "unknown field", Method: "POST", Path: "/api/v1/customers", Token: shop.Token, Body: map[string]any{"name": "x", "age": 3},
			Status: 400, Field: "age"},
		{Name: "add tags", Method: "POST", Path: "/api/v1/customers/" + id + "/tags", Token: shop.Token,
			Body: map[string]any{"tags": []string{"VIP", "复购"}}, Status: 200, Has: []string{`"name":"VIP"`, `"name":"复购"`}},
		{Name: "bad tag name", Method: "POST", Path: "/api/v1/customers/" + id + "/tags", Token: shop.Token,
			Body: map[string]any{"tags": []string{"a b"}}, Status: 400, Field: "tags"},
		{Name: "list by tag", Method: "GET", Path: "/api/v1/customers?tag=VIP", Token: shop.Token, Status: 200,
			Has: []string{`"id":` + id}, Lacks: []string{"阿花"}},
		{Name: "list by unknown tag", Method: "GET", Path: "/api/v1/customers?tag=" + url.QueryEscape("没有"), Token: shop.Token, Status: 200,
			Has: []string{`"items":[]`}},
		{Name: "search", Method: "GET", Path: "/api/v1/customers?q=" + url.QueryEscape("阿花"), Token: shop.Token, Status: 200,
			Has: []string{"阿花", "13900139000"}, Lacks: []string{"王小美"}},
		{Name: "take a tag off", Method: "DELETE", Path: "/api/v1/customers/" + id + "/tags/" + url.PathEscape("复购"), Token: shop.Token, Status: 204},
		{Name: "take an unknown tag off", Method: "DELETE", Path: "/api/v1/customers/" + id + "/tags/nope", Token: shop.Token, Status: 404},
		{Name: "remark", Method: "PATCH", Path: "/api/v1/customers/" + id, Token: shop.Token, Body: map[string]any{"remark": "周末有空"},
			Status: 200, Has: []string{`"remark":"周末有空"`}, Lacks: []string{"复购"}},
		{Name: "host sees masked phone", Method: "GET", Path: "/api/v1/customers/" + id, Token: host, Status: 200,
			Has: []string{`"phone":"138****8000"`, `"contacts_masked":true`, `"timeline":`, `"preferences":`}, Lacks: []string{"13800138000"}},
		{Name: "host list masked", Method: "GET", Path: "/api/v1/customers", Token: host, Status: 200,
			Has: []string{"139****9000"}, Lacks: []string{"13900139000", "oHua123456789"}},
		{Name: "host cannot tag", Method: "POST", Path: "/api/v1/customers/" + id + "/tags", Token: host,
			Body: map[string]any{"tags": []string{"x"}}, Status: 403},
		{Name: "rule tag", Method: "POST", Path: "/api/v1/tags", Token: shop.Token,
			Body: map[string]any{"name": "看播未购", "rule": "watch_minutes >= 10 AND orders = 0"}, Status: 201, Has: []string{`"kind":"rule"`}},
		{Name: "malformed rule", Method: "POST", Path: "/api/v1/tags", Token: shop.Token,
			Body: map[string]any{"name": "坏规则", "rule": "watch_minutes >> 10"}, Status: 400, Field: "rule", Has: []string{"position"}},
		{Name: "tag exists", Method: "POST", Path: "/api/v1/tags", Token: shop.Token, Body: map[string]any{"name": "VIP"}, Status: 409},
		{Name: "tags", Method: "GET", Path: "/api/v1/tags", Token: host, Status: 200,
			Has: []string{`"name":"VIP"`, `"customers":1`, `"name":"看播未购"`}},
		{Name: "timeline", Method: "GET", Path: "/api/v1/customers/" + id + "/timeline?limit=10", Token: host, Status: 200, Has: []string{`"items":[]`}},
		{Name: "merge", Method: "POST", Path: "/api/v1/customers/" + id + "/merge", Token: shop.Token, Body: map[string]any{"customer_id": numID(other)},
			Status: 200, Has: []string{`"id":` + id, "周末有空\\n喜欢围巾", "oHua123456789"}},
		{Name: "merged-away id", Method: "GET", Path: "/api/v1/customers/" + other, Token: shop.Token, Status: 200, Has: []string{`"id":` + id}},
		{Name: "erase", Method: "POST", Path: "/api/v1/customers/" + id + "/erase", Token: shop.Token, Status: 200,
			Has: []string{`"name":"已注销"`, `"erased":true`}, Lacks: []string{"13800138000", "周末有空"}},
		{Name: "bulk views audited", Method: "GET", Path: "/api/v1/audit-log", Token: shop.Token, Status: 200,
			Has: []string{`"action":"customer.list"`, `"action":"customer.erase"`, `"action":"customer.merge"`}},
	})
}

// TestCustomerFromTheRoom: a viewer who comes through an entry link and joins the
// room becomes a customer with that first-touch channel, and their paid order lands on
// the profile — the hooks the server wires, end to end.
func TestCustomerFromTheRoom(t *testing.T) {
	t.Parallel()
	bothEngines(t, customerFromTheRoom)
}

func customerFromTheRoom(t *testing.T, app *apptest.App) {
	shop := app.Signup("CRM Room")
	sid := itoa(app.Must(http.StatusCreated, "POST", "/api/v1/sessions", shop.Token, map[string]any{"title": "社群专场"}).ID("id"))
	p := app.Must(http.StatusCreated, "POST", "/api/v1/products", shop.Token, map[string]any{"name": "围巾", "price": 8800, "stock": 10})
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+sid+"/showcase", shop.Token, map[string]any{"product_id": p.ID("id")})
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+sid+"/start", shop.Token, nil)
	code := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/entries", shop.Token, map[string]any{"channel": "community"}).JSON["code"].(string)
	tok := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/viewers", "", map[string]any{"nickname": "社群小美", "entry": code}).JSON["token"].(string)
	room := dialRoom(t, app, sid, tok)
	room.waitFor("welcome", nil)
	find := func() map[string]any {
		r := app.Must(http.StatusOK, "GET", "/api/v1/customers?q="+url.QueryEscape("社群小美"), shop.Token, nil)
		items := r.JSON["items"].([]any)
		if len(items) != 1 {
			return nil
		}
		return items[0].(map[string]any)
	}
	crmEventually(t, "the viewer becomes a customer", func() bool { c := find(); return c != nil && c["first_source"] == "community" })
	o := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/orders", tok, map[string]any{
		"lines": []map[string]any{{"product_id": p.ID("id"), "quantity": 2}},
		"address": map[string]any{"name": "王小美", "phone": "13800138000", "province": "上海市", "city": "上海市", "district": "静安区",
			"detail": "南京西路 1266 号"}})
	pay := app.Must(http.StatusOK, "POST", "/api/v1/viewer/orders/"+itoa(o.ID("id"))+"/pay", tok, nil)
	u, err := url.Parse(pay.JSON["pay_url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	click(t, app, u.Path, "success")
	crmEventually(t, "the paid order reaches the profile", func() bool {
		c := find()
		return c != nil && c["orders_count"] == float64(1) && c["spent_fen"] == float64(17600)
	})
	id := itoa(int64(find()["id"].(float64)))
	tl := app.Must(http.StatusOK, "GET", "/api/v1/customers/"+id+"/timeline", shop.Token, nil)
	if !strings.Contains(string(tl.Body), `"kind":"order"`) || !strings.Contains(string(tl.Body), `"kind":"entry"`) {
		t.Fatalf("timeline: %s", tl.Body)
	}
}

// crmEventually polls check until it holds, for state the CRM's worker changes.
func crmEventually(t *testing.T, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !check() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen within 10 s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
