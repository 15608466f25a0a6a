package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
	"github.com/siyu-live/siyu/internal/commerce"
)

// TestProductContract: CONTRACT.md's POST /api/v1/products {"name","price","stock"} →
// 201 {"id"}, with one default SKU; bad input names the field; roles are enforced.
func TestProductContract(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	shop := app.Signup("Contract Shop")
	r := app.Must(http.StatusCreated, "POST", "/api/v1/products", shop.Token, map[string]any{"name": "真丝衬衫", "price": 29900, "stock": 10})
	id := r.ID("id")
	if id <= 0 {
		t.Fatalf("no id in %s", r.Body)
	}
	app.Run(t, []apptest.Scenario{
		{Name: "read back", Method: "GET", Path: "/api/v1/products/" + itoa(id), Token: shop.Token, Status: 200,
			Has: []string{`"price":29900`, `"stock":10`, `"skus":[{"id":`, `"name":"默认"`}},
		{Name: "price zero", Method: "POST", Path: "/api/v1/products", Token: shop.Token, Body: map[string]any{"name": "x", "price": 0, "stock": 1},
			Status: 400, Code: "invalid", Field: "price"},
		{Name: "stock missing", Method: "POST", Path: "/api/v1/products", Token: shop.Token, Body: map[string]any{"name": "x", "price": 100},
			Status: 400, Code: "invalid", Field: "stock"},
		{Name: "price as text", Method: "POST", Path: "/api/v1/products", Token: shop.Token, Body: `{"name":"x","price":"9.9","stock":1}`,
			Status: 400, Code: "invalid", Field: "price"},
		{Name: "unknown field", Method: "POST", Path: "/api/v1/products", Token: shop.Token, Body: map[string]any{"name": "x", "price": 1, "stock": 1, "cost": 1},
			Status: 400, Code: "invalid", Field: "cost"},
		{Name: "no token", Method: "POST", Path: "/api/v1/products", Body: map[string]any{"name": "x", "price": 1, "stock": 1}, Status: 401},
		{Name: "a host may not", Method: "POST", Path: "/api/v1/products", Token: hostToken(t, app, shop), Body: map[string]any{"name": "x", "price": 1, "stock": 1},
			Status: 403, Code: "forbidden"},
		{Name: "list", Method: "GET", Path: "/api/v1/products?status=active", Token: shop.Token, Status: 200, Has: []string{`"next_cursor":""`, "真丝衬衫"}},
		{Name: "archive", Method: "POST", Path: "/api/v1/products/" + itoa(id) + "/archive", Token: shop.Token, Status: 200, Has: []string{`"status":"archived"`}},
		{Name: "delete unsold", Method: "DELETE", Path: "/api/v1/products/" + itoa(id), Token: shop.Token, Status: 204},
	})
}

// hostToken creates a host in shop and logs them in.
func hostToken(t *testing.T, app *apptest.App, shop apptest.Tenant) string {
	t.Helper()
	email := "host-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "@example.com"
	app.Must(http.StatusCreated, "POST", "/api/v1/staff", shop.Token, map[string]any{"email": email, "name": "主播", "role": "host",
		"password": "password-123"})
	return app.Must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]any{"email": email, "password": "password-123"}).JSON["token"].(string)
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}}

// cashierPage GETs a sandbox cashier path and returns its HTML.
func cashierPage(t *testing.T, app *apptest.App, path string) string {
	t.Helper()
	res, err := noRedirect.Get(app.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
	}
	return string(body)
}

// click posts one of the cashier's buttons and returns where it redirects.
func click(t *testing.T, app *apptest.App, path, outcome string) string {
	t.Helper()
	res, err := noRedirect.PostForm(app.URL+path, url.Values{"outcome": {outcome}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST %s %s: %d", path, outcome, res.StatusCode)
	}
	return res.Header.Get("Location")
}

// TestOrderPaidThroughSandboxPage: the whole buying flow as a viewer and a browser
// see it: showcase and pin, order, address, pay_url, the cashier page, 支付失败, then
// 支付成功, and staff shipping and completing the paid order.
func TestOrderPaidThroughSandboxPage(t *testing.T) {
	t.Parallel()
	bothEngines(t, orderPaidThroughSandboxPage)
}

// bothEngines runs an API scenario on a node with SQLite and, when SIYU_TEST_POSTGRES
// is set, on one with PostgreSQL.
func bothEngines(t *testing.T, fn func(t *testing.T, app *apptest.App)) {
	for _, pg := range []bool{false, true} {
		name := map[bool]string{false: "sqlite", true: "postgres"}[pg]
		t.Run(name, func(t *testing.T) { fn(t, apptest.New(t, apptest.Options{Postgres: pg})) })
	}
}

func orderPaidThroughSandboxPage(t *testing.T, app *apptest.App) {
	shop := app.Signup("Sandbox Shop")
	p := app.Must(http.StatusCreated, "POST", "/api/v1/products", shop.Token, map[string]any{"name": "真丝衬衫", "price": 29900, "stock": 10,
		"images": []string{"https://cdn.example.cn/shirt.jpg"}})
	pid := itoa(p.ID("id"))
	sid := itoa(app.Must(http.StatusCreated, "POST", "/api/v1/sessions", shop.Token, map[string]any{"title": "上新"}).ID("id"))
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+sid+"/showcase", shop.Token, map[string]any{"product_id": p.ID("id")})
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+sid+"/showcase/"+pid+"/pin", shop.Token, nil)
	v := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/viewers", "", map[string]any{"nickname": "小美"})
	tok := v.JSON["token"].(string)
	addr := map[string]any{"name": "王小美", "phone": "13800138000", "province": "上海市", "city": "上海市", "district": "静安区", "detail": "南京西路 1266 号"}

	app.Run(t, []apptest.Scenario{
		{Name: "public showcase", Method: "GET", Path: "/api/v1/sessions/" + sid + "/showcase", Status: 200,
			Has: []string{`"pinned":{"id":` + pid, `"stock_left":10`}},
		{Name: "not in the showcase", Method: "POST", Path: "/api/v1/sessions/" + sid + "/orders", Token: tok,
			Body: map[string]any{"lines": []map[string]any{{"product_id": 999999, "quantity": 1}}}, Status: 404, Field: "lines[0].product_id"},
		{Name: "too many", Method: "POST", Path: "/api/v1/sessions/" + sid + "/orders", Token: tok,
			Body: map[string]any{"lines": []map[string]any{{"product_id": p.ID("id"), "quantity": 11}}}, Status: 409, Code: "sold_out"},
	})
	o := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/orders", tok, map[string]any{
		"lines": []map[string]any{{"product_id": p.ID("id"), "quantity": 2}}})
	oid := itoa(o.ID("id"))
	if o.JSON["status"] != "created" || o.JSON["total"] != float64(59800) {
		t.Fatalf("order: %s", o.Body)
	}
	app.Run(t, []apptest.Scenario{
		{Name: "pay without address", Method: "POST", Path: "/api/v1/viewer/orders/" + oid + "/pay", Token: tok, Status: 400, Field: "address"},
		{Name: "bad phone", Method: "PUT", Path: "/api/v1/viewer/orders/" + oid + "/address", Token: tok,
			Body:   map[string]any{"name": "王", "phone": "123", "province": "上海市", "city": "上海市", "district": "静安区", "detail": "南京西路 1266 号"},
			Status: 400, Field: "phone"},
		{Name: "address", Method: "PUT", Path: "/api/v1/viewer/orders/" + oid + "/address", Token: tok, Body: addr, Status: 200, Has: []string{"南京西路"}},
	})

	pay := app.Must(http.StatusOK, "POST", "/api/v1/viewer/orders/"+oid+"/pay", tok, nil)
	u, err := url.Parse(pay.JSON["pay_url"].(string))
	if err != nil || !strings.HasPrefix(u.Path, "/pay/sandbox/sbx_") {
		t.Fatalf("pay_url: %s", pay.Body)
	}
	html := cashierPage(t, app, u.Path)
	for _, want := range []string{"支付成功", "支付失败", "超时不支付", "¥598.00", "真丝衬衫", "南京西路 1266 号", "沙箱"} {
		if !strings.Contains(html, want) {
			t.Errorf("cashier page lacks %q", want)
		}
	}
	// 支付失败: recorded, the order stays payable, a new attempt gets a new cashier.
	if loc := click(t, app, u.Path, "fail"); loc != u.Path {
		t.Fatalf("redirect after fail: %q", loc)
	}
	if html = cashierPage(t, app, u.Path); !strings.Contains(html, `data-state="failed"`) || strings.Contains(html, `data-testid="pay-success"`) {
		t.Fatalf("cashier after a failure:\n%s", html)
	}
	app.Must(http.StatusOK, "GET", "/api/v1/viewer/orders/"+oid, tok, nil)
	pay = app.Must(http.StatusOK, "POST", "/api/v1/viewer/orders/"+oid+"/pay", tok, map[string]any{"provider": "sandbox"})
	u2, _ := url.Parse(pay.JSON["pay_url"].(string))
	if u2.Path == u.Path {
		t.Fatal("a failed attempt was reused")
	}
	// 超时不支付 sends nothing; 支付成功 then pays.
	if loc := click(t, app, u2.Path, "timeout"); loc != u2.Path+"?result=timeout" {
		t.Fatalf("redirect after timeout: %q", loc)
	}
	if html = cashierPage(t, app, u2.Path+"?result=timeout"); !strings.Contains(html, "已放弃支付") {
		t.Fatalf("cashier after timeout:\n%s", html)
	}
	click(t, app, u2.Path, "success")
	if html = cashierPage(t, app, u2.Path); !strings.Contains(html, `data-state="succeeded"`) {
		t.Fatalf("cashier after success:\n%s", html)
	}
	got := app.Must(http.StatusOK, "GET", "/api/v1/viewer/orders/"+oid, tok, nil)
	var order commerce.Order
	if err := json.Unmarshal(got.Body, &order); err != nil {
		t.Fatal(err)
	}
	if order.Status != "paid" || len(order.Payments) != 2 || order.Payments[0].Status != "failed" || order.Payments[1].Status != "succeeded" {
		t.Fatalf("order after the cashier: %s", got.Body)
	}
	click(t, app, u2.Path, "success") // a second click changes nothing
	app.Run(t, []apptest.Scenario{
		{Name: "staff list", Method: "GET", Path: "/api/v1/orders?status=paid&session_id=" + sid, Token: shop.Token, Status: 200,
			Has: []string{`"id":` + oid, `"buyer_nickname":"小美"`}},
		{Name: "stock", Method: "GET", Path: "/api/v1/products/" + pid, Token: shop.Token, Status: 200, Has: []string{`"stock":8`, `"sold":2`}},
		{Name: "complete before shipping", Method: "POST", Path: "/api/v1/orders/" + oid + "/complete", Token: shop.Token, Status: 409, Code: "conflict"},
		{Name: "ship", Method: "POST", Path: "/api/v1/orders/" + oid + "/ship", Token: shop.Token,
			Body: map[string]any{"carrier": "顺丰", "tracking_no": "SF1234567890"}, Status: 200, Has: []string{`"status":"shipped"`}},
		{Name: "refund after shipping", Method: "POST", Path: "/api/v1/orders/" + oid + "/refund", Token: shop.Token, Status: 409, Code: "conflict"},
		{Name: "complete", Method: "POST", Path: "/api/v1/orders/" + oid + "/complete", Token: shop.Token, Status: 200, Has: []string{`"status":"completed"`}},
		{Name: "cancel completed", Method: "POST", Path: "/api/v1/viewer/orders/" + oid + "/cancel", Token: tok, Status: 409},
		{Name: "my orders", Method: "GET", Path: "/api/v1/viewer/orders", Token: tok, Status: 200, Has: []string{`"status":"completed"`}},
		{Name: "unknown cashier", Method: "GET", Path: "/pay/sandbox/sbx_nope", Status: 404},
	})
}

// TestSandboxCallbackEndpoint: the callback route over HTTP: unsigned, tampered,
// replayed-old and wrong-amount notifications are refused; a good one answers 200
// and pays; the same event again answers 200 and changes nothing.
func TestSandboxCallbackEndpoint(t *testing.T) {
	t.Parallel()
	bothEngines(t, sandboxCallbackEndpoint)
}

func sandboxCallbackEndpoint(t *testing.T, app *apptest.App) {
	shop := app.Signup("Callback Shop")
	p := app.Must(http.StatusCreated, "POST", "/api/v1/products", shop.Token, map[string]any{"name": "围巾", "price": 9900, "stock": 3, "virtual": true})
	sid := itoa(app.Must(http.StatusCreated, "POST", "/api/v1/sessions", shop.Token, map[string]any{"title": "上新"}).ID("id"))
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+sid+"/showcase", shop.Token, map[string]any{"product_id": p.ID("id")})
	tok := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/viewers", "", map[string]any{"nickname": "阿杰"}).JSON["token"].(string)
	o := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/orders", tok, map[string]any{
		"lines": []map[string]any{{"product_id": p.ID("id"), "quantity": 1}}})
	pay := app.Must(http.StatusOK, "POST", "/api/v1/viewer/orders/"+itoa(o.ID("id"))+"/pay", tok, map[string]any{})
	ref := pay.JSON["payment"].(map[string]any)["provider_ref"].(string)
	sb := app.Server.Commerce.Sandbox()

	send := func(body string, ts time.Time, sig string) apptest.Response {
		t.Helper()
		if sig == "" {
			var err error
			if sig, err = sb.Sign(t.Context(), ts.Unix(), []byte(body)); err != nil {
				t.Fatal(err)
			}
		}
		req, _ := http.NewRequest("POST", app.URL+"/api/v1/payments/sandbox/callback", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(commerce.SandboxTimestampHeader, strconv.FormatInt(ts.Unix(), 10))
		req.Header.Set(commerce.SandboxSignatureHeader, sig)
		res, err := app.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		out := apptest.Response{Status: res.StatusCode, Body: raw}
		_ = json.Unmarshal(raw, &out.JSON)
		return out
	}
	good := `{"event_id":"evt_http_1","provider_ref":"` + ref + `","order_id":` + itoa(o.ID("id")) + `,"amount":9900,"status":"succeeded"}`
	cheap := strings.Replace(good, `"amount":9900`, `"amount":1`, 1)
	now := time.Now()
	for name, c := range map[string]struct {
		r           apptest.Response
		status      int
		code, field string
	}{
		"forged signature": {send(good, now, "v1=00"), 401, "unauthorized", ""},
		"tampered body":    {send(cheap, now, func() string { s, _ := sb.Sign(t.Context(), now.Unix(), []byte(good)); return s }()), 401, "unauthorized", ""},
		"replayed old":     {send(good, now.Add(-10*time.Minute), ""), 401, "unauthorized", ""},
		"wrong amount":     {send(cheap, now, ""), 400, "invalid", "amount"},
	} {
		if c.r.Status != c.status || c.r.ErrorCode() != c.code || c.r.ErrorField() != c.field {
			t.Errorf("%s: %d %s", name, c.r.Status, c.r.Body)
		}
	}
	app.Must(http.StatusOK, "GET", "/api/v1/viewer/orders/"+itoa(o.ID("id")), tok, nil)
	for range 2 {
		if r := send(good, time.Now(), ""); r.Status != 200 || r.JSON["received"] != true {
			t.Fatalf("good callback: %d %s", r.Status, r.Body)
		}
	}
	app.Run(t, []apptest.Scenario{
		{Name: "paid once", Method: "GET", Path: "/api/v1/orders/" + itoa(o.ID("id")), Token: shop.Token, Status: 200,
			Has: []string{`"status":"paid"`, `"status":"succeeded"`}},
		{Name: "sold once", Method: "GET", Path: "/api/v1/products/" + itoa(p.ID("id")), Token: shop.Token, Status: 200, Has: []string{`"sold":1`}},
	})
}
