package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// isolationCase says how the cross-tenant test exercises one route: byID routes are
// called with tenant A's token on tenant B's object and must answer 404; list routes
// must not show B's marker; the rest act only on the caller's own tenant by design.
type isolationCase struct {
	path   func(b fixtures) string // concrete path with B's ids (byID routes)
	body   any
	list   bool   // a list: must not contain B's marker
	public string // why the route has no tenant data to leak (public or caller-scoped)
}

// fixtures are tenant B's objects. Domains add their own ids to more through a seeder
// registered with addIsolation.
type fixtures struct {
	staffID, tokenID, webhookID, deliveryID string
	marker                                  string            // text only B's data contains
	more                                    map[string]string // domain fixtures by name
}

// seeder creates tenant B's objects of one domain and records their ids in fx.more.
type seeder func(t *testing.T, app *apptest.App, b apptest.Tenant, fx *fixtures)

var seeders []seeder

// addIsolation registers a domain's routes and fixture seeder (call from init in the
// domain's own isolation test file, so files of different domains never conflict).
func addIsolation(cases map[string]isolationCase, seed seeder) {
	for k, v := range cases {
		isolation[k] = v
	}
	if seed != nil {
		seeders = append(seeders, seed)
	}
}

// isolation lists every route. A route missing here fails the test: adding a route
// means deciding how it is proven not to leak across tenants.
var isolation = map[string]isolationCase{
	"GET /healthz":                                   {public: "no tenant data"},
	"GET /api/v1/openapi.json":                       {public: "no tenant data"},
	"POST /api/v1/tenants":                           {public: "creates a new tenant"},
	"POST /api/v1/auth/login":                        {public: "credentials decide the tenant"},
	"POST /api/v1/auth/logout":                       {public: "revokes the caller's own token"},
	"GET /api/v1/me":                                 {list: true},
	"GET /api/v1/settings":                           {public: "reads the caller's tenant only"},
	"PATCH /api/v1/settings":                         {public: "writes the caller's tenant only"},
	"GET /api/v1/audit-log":                          {list: true},
	"GET /api/v1/staff":                              {list: true},
	"POST /api/v1/staff":                             {public: "creates in the caller's tenant"},
	"GET /api/v1/staff/{id}":                         {path: func(b fixtures) string { return "/api/v1/staff/" + b.staffID }},
	"PATCH /api/v1/staff/{id}":                       {path: func(b fixtures) string { return "/api/v1/staff/" + b.staffID }, body: map[string]any{"disabled": true}},
	"GET /api/v1/tokens":                             {list: true},
	"POST /api/v1/tokens":                            {public: "creates for the caller"},
	"DELETE /api/v1/tokens/{id}":                     {path: func(b fixtures) string { return "/api/v1/tokens/" + b.tokenID }},
	"GET /api/v1/webhooks":                           {list: true},
	"POST /api/v1/webhooks":                          {public: "creates in the caller's tenant"},
	"GET /api/v1/webhooks/{id}":                      {path: func(b fixtures) string { return "/api/v1/webhooks/" + b.webhookID }},
	"PATCH /api/v1/webhooks/{id}":                    {path: func(b fixtures) string { return "/api/v1/webhooks/" + b.webhookID }, body: map[string]any{"active": false}},
	"DELETE /api/v1/webhooks/{id}":                   {path: func(b fixtures) string { return "/api/v1/webhooks/" + b.webhookID }},
	"GET /api/v1/webhooks/{id}/deliveries":           {path: func(b fixtures) string { return "/api/v1/webhooks/" + b.webhookID + "/deliveries" }},
	"POST /api/v1/webhooks/{id}/test":                {path: func(b fixtures) string { return "/api/v1/webhooks/" + b.webhookID + "/test" }},
	"POST /api/v1/webhook-deliveries/{id}/redeliver": {path: func(b fixtures) string { return "/api/v1/webhook-deliveries/" + b.deliveryID + "/redeliver" }},
}

func TestCrossTenantAccessIsNotFound(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	a := app.Signup("Tenant A")
	b := app.Signup("Tenant B 隔离标记")
	fx := seedFixtures(t, app, b)

	for _, rt := range app.Server.API.Routes() {
		c, ok := isolation[rt.Pattern()]
		if !ok {
			t.Errorf("route %s is not in the isolation table; add how it is kept tenant-scoped", rt.Pattern())
			continue
		}
		switch {
		case c.path != nil:
			r := app.Do(rt.Method, c.path(fx), a.Token, c.body)
			if r.Status != http.StatusNotFound || r.ErrorCode() != "not_found" {
				t.Errorf("%s with tenant A's token on tenant B's object: status %d %s, want 404 not_found", rt.Pattern(), r.Status, r.Body)
			}
		case c.list:
			r := app.Must(http.StatusOK, rt.Method, rt.Path, a.Token, nil)
			if strings.Contains(string(r.Body), fx.marker) || strings.Contains(string(r.Body), b.Email) {
				t.Errorf("%s shows tenant B's data to tenant A: %s", rt.Pattern(), r.Body)
			}
		case c.public == "":
			t.Errorf("route %s has an empty isolation case", rt.Pattern())
		}
	}
	// B's objects are untouched by all of the above.
	r := app.Must(http.StatusOK, "GET", "/api/v1/staff/"+fx.staffID, b.Token, nil)
	if r.JSON["disabled"] != false {
		t.Errorf("tenant A disabled tenant B's staff member: %s", r.Body)
	}
	r = app.Must(http.StatusOK, "GET", "/api/v1/webhooks/"+fx.webhookID, b.Token, nil)
	if r.JSON["active"] != true {
		t.Errorf("tenant A paused tenant B's webhook: %s", r.Body)
	}
}

func seedFixtures(t *testing.T, app *apptest.App, b apptest.Tenant) fixtures {
	t.Helper()
	fx := fixtures{marker: "隔离标记", more: map[string]string{}}
	staff := app.Must(http.StatusCreated, "POST", "/api/v1/staff", b.Token, map[string]any{
		"email": "secret-host-b@example.com", "name": "B主播 隔离标记", "role": "host", "password": "password-b-123"})
	fx.staffID = itoa(staff.ID("id"))
	tok := app.Must(http.StatusCreated, "POST", "/api/v1/tokens", b.Token, map[string]any{"name": "B token 隔离标记"})
	fx.tokenID = itoa(int64(tok.JSON["token"].(map[string]any)["id"].(float64)))
	wh := app.Must(http.StatusCreated, "POST", "/api/v1/webhooks", b.Token, map[string]any{
		"url": "http://127.0.0.1:9/hook-隔离标记", "events": []string{"*"}, "description": "隔离标记"})
	fx.webhookID = itoa(wh.ID("id"))
	app.Must(http.StatusAccepted, "POST", "/api/v1/webhooks/"+fx.webhookID+"/test", b.Token, nil)
	ds := app.Must(http.StatusOK, "GET", "/api/v1/webhooks/"+fx.webhookID+"/deliveries", b.Token, nil)
	items := ds.JSON["items"].([]any)
	if len(items) == 0 {
		t.Fatal("tenant B's test delivery was not recorded")
	}
	fx.deliveryID = itoa(int64(items[0].(map[string]any)["id"].(float64)))
	for _, seed := range seeders {
		seed(t, app, b, &fx)
	}
	return fx
}
