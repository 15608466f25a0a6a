// The 商品 pages of the console: products with SKUs priced in yuan, search, archive
// and restore, who may change them, both languages; and the helpers of the 订单 tests.

package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
	"github.com/siyu-live/siyu/internal/commerce"
)

var productURLRe = regexp.MustCompile(`^/console/commerce/products/(\d+)$`)

// rawKey matches a catalog key of this area shown as page text instead of its translation.
var rawKey = regexp.MustCompile(`>[^<]*\bcommerce\.(?:status|step|pay|log|next|source|err|cancel|provider|col|f|sku)\.[a-z_.]+`)

// commerceEngines runs a console scenario on SQLite and, when SIYU_TEST_POSTGRES is
// set, on PostgreSQL.
func commerceEngines(t *testing.T, fn func(t *testing.T, app *apptest.App)) {
	t.Parallel()
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			fn(t, apptest.New(t, apptest.Options{Postgres: pg}))
		})
	}
}

func noRawKeys(t *testing.T, p page, what string) {
	t.Helper()
	if m := rawKey.FindString(p.Body); m != "" {
		t.Fatalf("%s shows an untranslated key %q", what, m)
	}
}

// productForm is the create/edit form with SKU rows (id, name, price in yuan, stock).
func productForm(name string, rows ...[4]string) url.Values {
	v := url.Values{"name": {name}, "description": {"双面呢工艺，落肩廓形。"}, "images": {"https://cdn.example.cn/coat.jpg\n\n/static/favicon.svg"}}
	for _, r := range rows {
		v.Add("sku_id", r[0])
		v.Add("sku_name", r[1])
		v.Add("sku_price", r[2])
		v.Add("sku_stock", r[3])
		v.Add("sku_stock_was", r[3])
	}
	return v
}

func apiProduct(t *testing.T, app *apptest.App, tn apptest.Tenant, id string) commerce.Product {
	t.Helper()
	var p commerce.Product
	if err := json.Unmarshal(app.Must(http.StatusOK, "GET", "/api/v1/products/"+id, tn.Token, nil).Body, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCommerceProductPages(t *testing.T) { commerceEngines(t, commerceProductPages) }

func commerceProductPages(t *testing.T, app *apptest.App) {
	owner, tn := ownerOf(t, app, "Commerce Brand")

	p := owner.get("/console/commerce")
	mustStatus(t, p, http.StatusOK, "empty list")
	mustHave(t, p, "empty list", `data-testid="products-empty"`, "还没有商品", `href="/console/commerce/products/new"`, "/static/commerce.css?v=")
	mustNotHave(t, p, "built area", `data-testid="area-not-yet"`)
	mustHave(t, owner.get("/console/commerce/products/new"), "new form", `data-testid="product-form"`, `name="sku_price"`, "价格（元）")

	// Every mistake comes back next to its field, in Chinese, with what was typed kept.
	p = owner.submit("/console/commerce/products", productForm("",
		[4]string{"", "驼色 M", "12.345", "5"}, [4]string{"", "驼色 M", "99", "-1"}, [4]string{"", "", "", ""}))
	mustStatus(t, p, http.StatusUnprocessableEntity, "bad product")
	mustHave(t, p, "bad product", "请填写 1–60 个字符的商品名称", "价格最多保留两位小数", "规格「驼色 M」重复了",
		"库存需为 0 到 10,000,000 之间的整数", `value="12.345"`, "双面呢工艺")
	noRawKeys(t, p, "bad product")
	p = owner.submit("/console/commerce/products?lang=en", productForm("大衣", [4]string{"", "M", "abc", ""}))
	mustStatus(t, p, http.StatusUnprocessableEntity, "bad product in English")
	mustHave(t, p, "bad product in English", "Enter an amount in yuan", "Enter the stock")
	owner.get("/console?lang=zh-CN")
	p = owner.submit("/console/commerce/products", url.Values{"name": {"空规格"}, "sku_id": {""}, "sku_name": {""}, "sku_price": {""},
		"sku_stock": {""}, "sku_stock_was": {""}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "no SKU")
	mustHave(t, p, "no SKU", "请至少填写一个规格")
	bad := productForm("坏图片", [4]string{"", "M", "1", "1"})
	bad.Set("images", "https://cdn.example.cn/ok.jpg\nftp://cdn.example.cn/a.jpg")
	p = owner.submit("/console/commerce/products", bad)
	mustStatus(t, p, http.StatusUnprocessableEntity, "bad picture")
	mustHave(t, p, "bad picture", "第 2 行不是有效的图片地址")
	mustStatus(t, owner.submit("/console/commerce/products", productForm("真丝衬衫", [4]string{"", "默认", "299", "10"})),
		http.StatusSeeOther, "one-SKU product")

	// Two SKUs; prices typed in yuan are stored in exact fen (0.29 is 29, not 28).
	p = owner.submit("/console/commerce/products", productForm("羊绒混纺大衣",
		[4]string{"", "驼色 M", "¥1,299.90", "30"}, [4]string{"", "黑色 L", "0.29", "15"}, [4]string{"", "", "", ""}))
	mustStatus(t, p, http.StatusSeeOther, "create")
	m := productURLRe.FindStringSubmatch(p.Header.Get("Location"))
	if m == nil {
		t.Fatalf("create redirected to %q", p.Header.Get("Location"))
	}
	id := m[1]
	got := apiProduct(t, app, tn, id)
	if len(got.SKUs) != 2 || got.SKUs[0].Price != 129990 || got.SKUs[1].Price != 29 || got.Stock != 45 || len(got.Images) != 2 {
		t.Fatalf("created product: %+v", got)
	}
	p = owner.get("/console/commerce/products/" + id)
	mustHave(t, p, "edit page", "已发布商品「羊绒混纺大衣」", `value="1299.90"`, `value="0.29"`, `value="30"`, "主图",
		`src="https://cdn.example.cn/coat.jpg"`)
	if csp := p.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: https: http:") || !strings.Contains(csp, "script-src 'self';") {
		t.Fatalf("product page CSP %q", csp)
	}

	// The list: lowest to highest price, total stock, thumbnail; search by name, SKU, number.
	p = owner.get("/console/commerce")
	mustHave(t, p, "list", `data-testid="product-row" data-id="`+id+`"`, "¥0.29", "¥1,299.90", ">45<", "2 个规格", "在售")
	for _, q := range []string{"羊绒", "黑色 l", "#" + id} {
		p = owner.get("/console/commerce?q=" + url.QueryEscape(q))
		mustHave(t, p, "search "+q, `data-id="`+id+`"`)
		mustNotHave(t, p, "search "+q, "真丝衬衫")
	}
	mustHave(t, owner.get("/console/commerce?q=nothing-like-it"), "no match", "没有找到与「nothing-like-it」匹配的商品")

	// Edit: rename a SKU, reprice, add a SKU. Stock left untouched is not written back,
	// so a sale made while the page was open keeps its reservation.
	sku0, sku1 := strconv.FormatInt(got.SKUs[0].ID, 10), strconv.FormatInt(got.SKUs[1].ID, 10)
	app.Must(http.StatusOK, "PATCH", "/api/v1/products/"+id+"/skus/"+sku1, tn.Token, map[string]any{"stock": 14}) // a sale meanwhile
	form := productForm("羊绒混纺大衣 · 冬季款", [4]string{sku0, "驼色 M", "1199", "30"}, [4]string{sku1, "黑色 L", "0.29", "15"},
		[4]string{"", "驼色 S", "1199.00", "8"})
	p = owner.submit("/console/commerce/products/"+id, form)
	mustStatus(t, p, http.StatusSeeOther, "save")
	got = apiProduct(t, app, tn, id)
	if got.Name != "羊绒混纺大衣 · 冬季款" || len(got.SKUs) != 3 || got.SKUs[0].Price != 119900 || got.SKUs[1].Stock != 14 ||
		got.SKUs[2].Name != "驼色 S" || got.SKUs[2].Stock != 8 {
		t.Fatalf("saved product: %+v", got)
	}
	p = owner.submit("/console/commerce/products/"+id, productForm("羊绒混纺大衣", [4]string{sku0, "驼色 S", "1", "1"}))
	mustStatus(t, p, http.StatusUnprocessableEntity, "rename onto another SKU")
	mustHave(t, p, "rename onto another SKU", "规格「驼色 S」重复了")

	// Archive and restore, from the list and the product page.
	p = owner.submit("/console/commerce/products/"+id+"/archive", url.Values{"back": {"/console/commerce?status=active"}})
	mustStatus(t, p, http.StatusSeeOther, "archive")
	if loc := p.Header.Get("Location"); loc != "/console/commerce?status=active" {
		t.Fatalf("archive went back to %q", loc)
	}
	mustNotHave(t, owner.get("/console/commerce?status=active"), "active list", `data-id="`+id+`"`)
	mustHave(t, owner.get("/console/commerce?status=archived"), "archived list", `data-id="`+id+`"`, "已下架", "重新上架")
	p = owner.submit("/console/commerce/products/"+id+"/restore", url.Values{"back": {"https://evil.example/"}})
	mustStatus(t, p, http.StatusSeeOther, "restore")
	if loc := p.Header.Get("Location"); loc != "/console/commerce/products/"+id {
		t.Fatalf("restore with a foreign back went to %q", loc)
	}
	if apiProduct(t, app, tn, id).Status != commerce.ProductActive {
		t.Fatal("restore did not put the product back on sale")
	}
	mustHave(t, owner.get("/console/audit"), "audit", "product.create", "product.update", "product.archive", "product.restore")

	// An agent sees products read-only; another brand does not see them at all.
	addStaff(t, app, tn, "agent-c@example.com", "agent")
	agent := newBrowser(t, app)
	agent.login("agent-c@example.com", "staff-password-1")
	p = agent.get("/console/commerce/products/" + id)
	mustStatus(t, p, http.StatusOK, "agent product")
	mustHave(t, p, "agent product", "你的角色只能查看商品")
	mustNotHave(t, p, "agent product", `data-testid="product-save"`, `data-testid="product-archive"`)
	mustNotHave(t, agent.get("/console/commerce"), "agent list", `data-testid="product-new"`)
	mustStatus(t, agent.submit("/console/commerce/products/"+id, productForm("x", [4]string{sku0, "x", "1", "1"})), http.StatusForbidden, "agent saves")
	mustStatus(t, agent.submit("/console/commerce/products/"+id+"/archive", url.Values{}), http.StatusForbidden, "agent archives")
	other, _ := ownerOf(t, app, "Other Commerce Brand")
	mustStatus(t, other.get("/console/commerce/products/"+id), http.StatusNotFound, "other brand's product")
	mustStatus(t, other.submit("/console/commerce/products/"+id+"/archive", url.Values{}), http.StatusNotFound, "other brand archives")
	mustStatus(t, owner.post("/console/commerce/products/"+id+"/archive", url.Values{}), http.StatusForbidden, "no CSRF token")
}
