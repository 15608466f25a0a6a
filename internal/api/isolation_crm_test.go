package api_test

import (
	"net/http"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// The customer routes in the cross-tenant test: tenant A's token on tenant B's
// customer answers 404 for every route with an id (read, change, tag, untag, merge,
// erase, timeline), B's customers and tags never show in A's lists, and creating acts
// in the caller's tenant only: A posting B's customer's phone makes A's own customer
// (TestCustomerCrossTenantPhone).
func init() {
	byID := func(suffix string) func(b fixtures) string {
		return func(b fixtures) string { return "/api/v1/customers/" + b.more["customer"] + suffix }
	}
	addIsolation(map[string]isolationCase{
		"POST /api/v1/customers":                   {public: "creates or identifies in the caller's tenant only (TestCustomerCrossTenantPhone)"},
		"GET /api/v1/customers":                    {list: true},
		"GET /api/v1/customers/{id}":               {path: byID("")},
		"PATCH /api/v1/customers/{id}":             {path: byID(""), body: map[string]any{"remark": "hijack"}},
		"GET /api/v1/customers/{id}/timeline":      {path: byID("/timeline")},
		"POST /api/v1/customers/{id}/tags":         {path: byID("/tags"), body: map[string]any{"tags": []string{"hijack"}}},
		"DELETE /api/v1/customers/{id}/tags/{tag}": {path: byID("/tags/" + "VIP隔离标记")},
		"POST /api/v1/customers/{id}/merge":        {path: byID("/merge"), body: map[string]any{"customer_id": 1}},
		"POST /api/v1/customers/{id}/erase":        {path: byID("/erase")},
		"GET /api/v1/tags":                         {list: true},
		"POST /api/v1/tags":                        {public: "creates in the caller's tenant"},
	}, seedCustomer)
}

// seedCustomer creates tenant B's customer with a phone, a remark and a tag.
func seedCustomer(t *testing.T, app *apptest.App, b apptest.Tenant, fx *fixtures) {
	t.Helper()
	c := app.Must(http.StatusCreated, "POST", "/api/v1/customers", b.Token, map[string]any{"name": "B客户 隔离标记",
		"phone": "13700007777", "remark": "隔离标记", "tags": []string{"VIP隔离标记"}})
	fx.more["customer"] = itoa(c.ID("id"))
	app.Must(http.StatusCreated, "POST", "/api/v1/tags", b.Token, map[string]any{"name": "规则隔离标记", "rule": "orders >= 1"})
}

// TestCustomerCrossTenantPhone: a phone is an identity within one brand only. Tenant A
// posting tenant B's customer's phone creates A's own customer; B's profile, tags and
// remark are untouched and never shown to A.
func TestCustomerCrossTenantPhone(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	a := app.Signup("CRM A")
	b := app.Signup("CRM B")
	fx := fixtures{more: map[string]string{}}
	seedCustomer(t, app, b, &fx)
	mine := app.Must(http.StatusCreated, "POST", "/api/v1/customers", a.Token, map[string]any{"name": "A的客户", "phone": "13700007777"})
	if itoa(mine.ID("id")) == fx.more["customer"] || mine.JSON["merged"] == true {
		t.Fatalf("tenant A's customer with B's phone: %s", mine.Body)
	}
	app.Run(t, []apptest.Scenario{
		{Name: "A's list", Method: "GET", Path: "/api/v1/customers?q=13700007777", Token: a.Token, Status: 200,
			Has: []string{"A的客户"}, Lacks: []string{"隔离标记"}},
		{Name: "A merging B's customer", Method: "POST", Path: "/api/v1/customers/" + itoa(mine.ID("id")) + "/merge", Token: a.Token,
			Body: map[string]any{"customer_id": numID(fx.more["customer"])}, Status: 400, Field: "customer_id"},
		{Name: "B untouched", Method: "GET", Path: "/api/v1/customers/" + fx.more["customer"], Token: b.Token, Status: 200,
			Has: []string{"B客户 隔离标记", `"remark":"隔离标记"`, "VIP隔离标记"}, Lacks: []string{"A的客户"}},
	})
}
