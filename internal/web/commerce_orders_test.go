// The 订单 pages of the console: orders a viewer placed and paid through the API,
// listed and filtered, shipped, completed and refunded from the console; who may.

package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// shop is a brand with one product in one session's showcase, ready for orders.
type shop struct {
	tn        apptest.Tenant
	session   string
	product   string
	sku       int64
	viewerTok map[string]string
}

func newShop(t *testing.T, app *apptest.App, tn apptest.Tenant) *shop {
	t.Helper()
	p := app.Must(http.StatusCreated, "POST", "/api/v1/products", tn.Token, map[string]any{"name": "真丝衬衫", "images": []string{"https://cdn.example.cn/shirt.jpg"},
		"skus": []map[string]any{{"name": "珍珠白 M", "price": 29900, "stock": 10}, {"name": "雾霾蓝 M", "price": 31900, "stock": 20}}})
	s := &shop{tn: tn, product: strconv.FormatInt(p.ID("id"), 10), viewerTok: map[string]string{}}
	s.sku = int64(p.JSON["skus"].([]any)[1].(map[string]any)["id"].(float64))
	s.session = strconv.FormatInt(app.Must(http.StatusCreated, "POST", "/api/v1/sessions", tn.Token, map[string]any{"title": "真丝专场"}).ID("id"), 10)
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+s.session+"/showcase", tn.Token, map[string]any{"product_id": p.ID("id")})
	return s
}

// order places an order as the viewer nickname (two of the second SKU), gives the
// address and, when pay is set, pays it on the sandbox cashier. It returns the id.
func (s *shop) order(t *testing.T, app *apptest.App, nickname string, pay bool) string {
	t.Helper()
	tok, ok := s.viewerTok[nickname]
	if !ok {
		tok = app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+s.session+"/viewers", "", map[string]any{"nickname": nickname}).JSON["token"].(string)
		s.viewerTok[nickname] = tok
	}
	pid, _ := strconv.ParseInt(s.product, 10, 64)
	o := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+s.session+"/orders", tok, map[string]any{
		"lines": []map[string]any{{"product_id": pid, "sku_id": s.sku, "quantity": 2}},
		"address": map[string]any{"name": "王小美", "phone": "13800138000", "province": "上海市", "city": "上海市", "district": "静安区",
			"detail": "南京西路 1266 号"}})
	id := strconv.FormatInt(o.ID("id"), 10)
	if pay {
		res := app.Must(http.StatusOK, "POST", "/api/v1/viewer/orders/"+id+"/pay", tok, nil)
		u, err := url.Parse(res.JSON["pay_url"].(string))
		if err != nil {
			t.Fatal(err)
		}
		r, err := noFollow.PostForm(app.URL+u.Path, url.Values{"outcome": {"success"}})
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
	}
	return id
}

var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func orderStatus(t *testing.T, app *apptest.App, tn apptest.Tenant, id string) string {
	t.Helper()
	return app.Must(http.StatusOK, "GET", "/api/v1/orders/"+id, tn.Token, nil).JSON["status"].(string)
}

func TestCommerceOrderPages(t *testing.T) { commerceEngines(t, commerceOrderPages) }

func commerceOrderPages(t *testing.T, app *apptest.App) {
	owner, tn := ownerOf(t, app, "Order Brand")
	mustHave(t, owner.get("/console/commerce/orders"), "no orders", `data-testid="orders-empty"`, "还没有订单")
	s := newShop(t, app, tn)
	unpaid := s.order(t, app, "小美", false)
	first := s.order(t, app, "小美", true)
	second := s.order(t, app, "阿杰", true)
	if orderStatus(t, app, tn, first) != "paid" || orderStatus(t, app, tn, second) != "paid" {
		t.Fatal("the sandbox did not pay the orders")
	}

	// The list: newest first, with the buyer, the amount and the status; filters.
	p := owner.get("/console/commerce/orders")
	mustStatus(t, p, http.StatusOK, "orders")
	mustHave(t, p, "orders", "真丝衬衫", "雾霾蓝 M × 2", "¥638.00", "小美", "阿杰", "待发货", "待付款", "直播橱窗", "真丝专场")
	noRawKeys(t, p, "orders")
	if a, b, c := strings.Index(p.Body, `data-id="`+second+`"`), strings.Index(p.Body, `data-id="`+first+`"`),
		strings.Index(p.Body, `data-id="`+unpaid+`"`); a < 0 || !(a < b && b < c) {
		t.Fatalf("orders not newest first: %d %d %d", a, b, c)
	}
	p = owner.get("/console/commerce/orders?status=created")
	mustHave(t, p, "created filter", `data-id="`+unpaid+`"`)
	mustNotHave(t, p, "created filter", `data-id="`+first+`"`)
	mustHave(t, owner.get("/console/commerce/orders?session="+s.session), "session filter", `data-id="`+first+`"`, `selected>真丝专场`)
	mustHave(t, owner.get("/console/commerce/orders?session=999999"), "other session", "没有符合筛选条件的订单")
	p = owner.get("/console/commerce/orders?q=%23" + first)
	if p.Status != http.StatusFound || p.Header.Get("Location") != "/console/commerce/orders/"+first {
		t.Fatalf("order number search: %d %q", p.Status, p.Header.Get("Location"))
	}
	mustHave(t, owner.get("/console/commerce/orders?q=424242"), "unknown number", "没有找到订单号为「424242」的订单")

	// The order page: lines, buyer, address, payment, history, what can be done.
	p = owner.get("/console/commerce/orders/" + first)
	mustStatus(t, p, http.StatusOK, "order page")
	mustHave(t, p, "order page", "订单 #"+first, "雾霾蓝 M", "¥319.00", "¥638.00", "小美", "王小美", "13800138000", "南京西路 1266 号",
		"沙箱支付", "支付成功", "买家下单", "买家付款成功", `data-testid="ship-form"`, `data-testid="refund-form"`, "顺丰速运", "data-confirm=")
	noRawKeys(t, p, "order page")
	mustHave(t, owner.get("/console/commerce/orders/"+unpaid), "unpaid order", "等待买家付款", "未付款将自动关闭于")

	// Ship: a bad waybill number is refused next to the field, then it ships.
	p = owner.submit("/console/commerce/orders/"+first+"/ship", url.Values{"carrier": {"顺丰速运"}, "tracking_no": {"SF 12"}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "bad tracking number")
	mustHave(t, p, "bad tracking number", "快递单号需为 4–40 位字母、数字或短横线", `value="SF 12"`)
	p = owner.submit("/console/commerce/orders/"+first+"/ship", url.Values{"carrier": {"顺丰速运"}, "tracking_no": {"SF1234567890"}})
	mustStatus(t, p, http.StatusSeeOther, "ship")
	p = owner.get("/console/commerce/orders/" + first)
	mustHave(t, p, "shipped", "订单 #"+first+" 已发货", "SF1234567890", "商家发货", `data-testid="complete-submit"`)
	mustNotHave(t, p, "shipped", `data-testid="refund-form"`, `data-testid="ship-form"`)
	// Shipping twice is a conflict shown on the page, in the page's language.
	p = owner.submit("/console/commerce/orders/"+first+"/ship", url.Values{"carrier": {"中通快递"}, "tracking_no": {"ZT1234"}})
	mustStatus(t, p, http.StatusConflict, "ship twice")
	mustHave(t, p, "ship twice", "订单当前状态为「已发货」")
	mustStatus(t, owner.submit("/console/commerce/orders/"+first+"/complete", url.Values{}), http.StatusSeeOther, "complete")
	if orderStatus(t, app, tn, first) != "completed" {
		t.Fatal("order not completed")
	}

	// Refund the other one: money back, stock back.
	p = owner.submit("/console/commerce/orders/"+second+"/refund", url.Values{"reason": {"买家拍错颜色"}})
	mustStatus(t, p, http.StatusSeeOther, "refund")
	if orderStatus(t, app, tn, second) != "refunded" {
		t.Fatal("order not refunded")
	}
	p = owner.get("/console/commerce/orders/" + second)
	mustHave(t, p, "refunded", "已退款", "买家拍错颜色", "订单已全额退款")
	noRawKeys(t, p, "refunded")
	prod := apiProduct(t, app, tn, s.product)
	if prod.SKUs[1].Stock != 16 || prod.SKUs[1].Sold != 2 { // 20 − 2 unpaid − 2 completed; the refunded 2 came back
		t.Fatalf("stock after refund: %+v", prod.SKUs[1])
	}
	mustStatus(t, owner.submit("/console/commerce/orders/"+second+"/refund", url.Values{}), http.StatusConflict, "refund twice")
	mustHave(t, owner.get("/console/audit"), "audit", "order.ship", "订单发货", "order.complete", "order.refund", "订单退款")

	// In English.
	p = owner.get("/console/commerce/orders/" + first + "?lang=en")
	mustHave(t, p, "English order", "Order #"+first, "Completed", "Shipped", "Sandbox", "History")
	noRawKeys(t, p, "English order")
	owner.get("/console?lang=zh-CN")

	// An agent reads orders but may not ship, complete or refund them, as in the API.
	third := s.order(t, app, "小林", true)
	addStaff(t, app, tn, "agent-o@example.com", "agent")
	agent := newBrowser(t, app)
	agent.login("agent-o@example.com", "staff-password-1")
	mustHave(t, agent.get("/console/commerce/orders"), "agent orders", `data-id="`+third+`"`)
	p = agent.get("/console/commerce/orders/" + third)
	mustStatus(t, p, http.StatusOK, "agent order")
	mustHave(t, p, "agent order", "等待有权限的同事发货")
	mustNotHave(t, p, "agent order", `data-testid="ship-form"`, `data-testid="refund-form"`)
	for _, a := range []string{"ship", "complete", "refund"} {
		mustStatus(t, agent.submit("/console/commerce/orders/"+third+"/"+a, url.Values{"carrier": {"顺丰"}, "tracking_no": {"SF0001"}}),
			http.StatusForbidden, "agent "+a)
	}
	if orderStatus(t, app, tn, third) != "paid" {
		t.Fatal("an agent changed an order")
	}
	// A host has neither products.manage nor orders.view: no area at all.
	addStaff(t, app, tn, "host-o@example.com", "host")
	host := newBrowser(t, app)
	host.login("host-o@example.com", "staff-password-1")
	mustNotHave(t, host.get("/console"), "host nav", `href="/console/commerce"`)
	mustStatus(t, host.get("/console/commerce/orders"), http.StatusForbidden, "host orders")
	// Another brand's order is simply not there.
	other, _ := ownerOf(t, app, "Other Order Brand")
	mustStatus(t, other.get("/console/commerce/orders/"+third), http.StatusNotFound, "other brand's order")
	mustStatus(t, other.submit("/console/commerce/orders/"+third+"/refund", url.Values{}), http.StatusNotFound, "other brand refunds")
	mustNotHave(t, other.get("/console/commerce/orders"), "other brand's list", `data-id="`+third+`"`)
}
