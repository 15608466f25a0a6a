// The 客户 pages of the console: the list with search, tag chips and counts; the
// profile with remark, tags, timeline, merge and erase; masking for roles without
// contacts.view; other brands' customers are not found.

package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

// rawCustomerKey matches a catalog key of this area shown as page text.
var rawCustomerKey = regexp.MustCompile(`>[^<]*\bcustomers\.[a-z_]+\.[a-z_.]+`)

func noRawCustomerKeys(t *testing.T, p page, what string) {
	t.Helper()
	if m := rawCustomerKey.FindString(p.Body); m != "" {
		t.Fatalf("%s shows an untranslated key %q", what, m)
	}
}

// newCustomer creates a customer through the API and returns its id.
func newCustomer(t *testing.T, app *apptest.App, tn apptest.Tenant, body map[string]any) string {
	t.Helper()
	return strconv.FormatInt(app.Must(http.StatusCreated, "POST", "/api/v1/customers", tn.Token, body).ID("id"), 10)
}

// staffBrowser adds a staff member with role and signs them in.
func staffBrowser(t *testing.T, app *apptest.App, tn apptest.Tenant, role string) *browser {
	t.Helper()
	email := role + "-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "@example.com"
	addStaff(t, app, tn, email, role)
	b := newBrowser(t, app)
	b.login(email, "staff-password-1")
	return b
}

func TestCustomerListPage(t *testing.T) { commerceEngines(t, customerListPage) }

func customerListPage(t *testing.T, app *apptest.App) {
	owner, tn := ownerOf(t, app, "Customer Brand")
	p := owner.get("/console/customers")
	mustStatus(t, p, http.StatusOK, "empty list")
	mustHave(t, p, "empty list", `data-testid="customers-empty"`, "还没有客户", `href="/console/customers/import"`,
		`data-testid="tab-segments"`, "/static/customers.css?v=")
	mustNotHave(t, p, "built area", `data-testid="area-not-yet"`, `data-testid="masked-hint"`)

	mei := newCustomer(t, app, tn, map[string]any{"name": "王小美", "phone": "13800138000", "tags": []string{"VIP"}})
	newCustomer(t, app, tn, map[string]any{"name": "阿花", "phone": "13900139000", "tags": []string{"复购", "VIP"}})
	newCustomer(t, app, tn, map[string]any{"name": "李雷"})

	p = owner.get("/console/customers")
	mustHave(t, p, "list", `data-testid="customer-row" data-id="`+mei+`"`, "王小美", "13800138000", "阿花", "李雷",
		`data-testid="filter-tag" data-tag="VIP"`, `data-testid="kpi-all">3<`, `data-testid="kpi-buyers">0<`, "后台录入", "¥0.00",
		`href="/console/customers/export?format=csv"`, `href="/console/customers/export?format=xlsx"`)
	noRawCustomerKeys(t, p, "list")

	// Search by name, by phone, by number; filter by tag chip; the export link keeps both.
	p = owner.get("/console/customers?q=" + url.QueryEscape("小美"))
	mustHave(t, p, "search by name", "王小美")
	mustNotHave(t, p, "search by name", "阿花", "李雷")
	p = owner.get("/console/customers?q=13900139000")
	mustHave(t, p, "search by phone", "阿花")
	mustNotHave(t, p, "search by phone", "王小美")
	p = owner.get("/console/customers?q=" + mei)
	mustHave(t, p, "search by id", "王小美")
	p = owner.get("/console/customers?tag=VIP")
	mustHave(t, p, "tag filter", "王小美", "阿花", `class="fchip tone-`, `aria-current="true" data-testid="filter-tag" data-tag="VIP"`,
		`href="/console/customers/export?format=csv&amp;tag=VIP"`)
	mustNotHave(t, p, "tag filter", "李雷")
	p = owner.get("/console/customers?tag=" + url.QueryEscape("复购") + "&q=" + url.QueryEscape("花"))
	mustHave(t, p, "tag and search", "阿花", "/console/customers/export?format=xlsx&amp;q=")
	p = owner.get("/console/customers?q=" + url.QueryEscape("没有这个人"))
	mustHave(t, p, "no match", "没有符合条件的客户")

	// Cursor paging: 25 more customers make a second page that starts where the first ended.
	for i := range 25 {
		newCustomer(t, app, tn, map[string]any{"name": "批量客户" + strconv.Itoa(i)})
	}
	p = owner.get("/console/customers")
	m := regexp.MustCompile(`href="/console/customers\?tag=&amp;q=&amp;cursor=(\d+)" data-testid="customers-next"`).FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("first page has no next link:\n%s", p.Body)
	}
	p = owner.get("/console/customers?cursor=" + m[1])
	mustHave(t, p, "second page", "王小美", "回到第一页")
	mustNotHave(t, p, "second page", "批量客户24")

	// Each page of the list is a bulk view of personal data in the audit log.
	audit := app.Must(http.StatusOK, "GET", "/api/v1/audit-log", tn.Token, nil)
	if n := strings.Count(string(audit.Body), `"action":"customer.list"`); n < 8 {
		t.Fatalf("customer list pages audited %d times, want every page:\n%s", n, audit.Body)
	}

	// English.
	p = owner.get("/console/customers?lang=en")
	mustHave(t, p, "English list", "Customer list", "All customers", "Total spent", "Filter by tag", "Added by staff")
	noRawCustomerKeys(t, p, "English list")
}

func TestCustomerMasking(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	owner, tn := ownerOf(t, app, "Masking Brand")
	id := newCustomer(t, app, tn, map[string]any{"name": "王小美", "phone": "13800138000", "wechat_openid": "oMei123456789",
		"remark": "要发票", "tags": []string{"VIP"}})

	for _, role := range []string{"kos", "host"} {
		b := staffBrowser(t, app, tn, role)
		p := b.get("/console/customers")
		mustStatus(t, p, http.StatusOK, role+" list")
		mustHave(t, p, role+" list", "138****8000", `data-testid="masked-hint"`, "手机号已隐藏", `class="phone phone-masked"`)
		mustNotHave(t, p, role+" list", "13800138000", `data-testid="customers-import"`, `data-testid="tab-import"`)
		// A full phone number still finds the customer, masked.
		p = b.get("/console/customers?q=13800138000")
		mustHave(t, p, role+" search by phone", "王小美", "138****8000")

		p = b.get("/console/customers/" + id)
		mustStatus(t, p, http.StatusOK, role+" profile")
		mustHave(t, p, role+" profile", "138****8000", "oMe****789", "要发票", `data-testid="masked-hint"`)
		mustNotHave(t, p, role+" profile", "13800138000", "oMei123456789", `data-testid="remark-edit"`, `data-testid="tag-add"`,
			`data-testid="merge-card"`, `data-testid="erase-card"`, `data-testid="tag-remove"`)
		for _, op := range []string{"remark", "tag", "erase"} {
			mustStatus(t, b.submit("/console/customers/"+id, url.Values{"op": {op}, "remark": {"x"}, "tags": {"x"}}),
				http.StatusForbidden, role+" "+op)
		}
	}
	// The owner sees the whole number and no hint.
	p := owner.get("/console/customers/" + id)
	mustHave(t, p, "owner profile", "13800138000", "oMei123456789", `data-testid="remark-edit"`)
	mustNotHave(t, p, "owner profile", `data-testid="masked-hint"`)

	// Another brand's customer does not exist for this one, on any address.
	other, _ := ownerOf(t, app, "Other Masking Brand")
	mustStatus(t, other.get("/console/customers/"+id), http.StatusNotFound, "other brand's customer")
	mustStatus(t, other.submit("/console/customers/"+id, url.Values{"op": {"remark"}, "remark": {"x"}}), http.StatusNotFound,
		"other brand's remark")
	mustStatus(t, other.submit("/console/customers/"+id, url.Values{"op": {"erase"}}), http.StatusNotFound, "other brand's erase")
	mustStatus(t, other.get("/console/customers/"+id+"?part=timeline"), http.StatusNotFound, "other brand's timeline")
	p = other.get("/console/customers")
	mustNotHave(t, p, "other brand's list", "王小美")
}
