package api_test

import (
	"net/http"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// TestBadInputIsNamed walks the write routes with malformed and out-of-range input: each
// answer is 400 invalid naming the field, and nothing is written.
func TestBadInputIsNamed(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	o := app.Signup("Bad Input Co").Token
	app.Run(t, []apptest.Scenario{
		{Name: "staff: wrong type", Method: "POST", Path: "/api/v1/staff", Token: o, Body: `{"email":"a@b.io","role":"host","password":12345678}`,
			Status: 400, Code: "invalid", Field: "password"},
		{Name: "staff: unknown field", Method: "POST", Path: "/api/v1/staff", Token: o, Body: `{"email":"a@b.io","role":"host","password":"12345678","salary":1}`,
			Status: 400, Code: "invalid", Field: "salary"},
		{Name: "staff: short password", Method: "POST", Path: "/api/v1/staff", Token: o, Body: map[string]any{"email": "a@b.io", "role": "host", "password": "1"},
			Status: 400, Code: "invalid", Field: "password"},
		{Name: "staff patch: bad role", Method: "PATCH", Path: "/api/v1/staff/1", Token: o, Body: `{"role":"boss"}`, Status: 400, Field: "role"},
		{Name: "staff: bad id", Method: "GET", Path: "/api/v1/staff/abc", Token: o, Status: 404, Code: "not_found"},
		{Name: "staff: missing id", Method: "GET", Path: "/api/v1/staff/999999", Token: o, Status: 404, Code: "not_found"},
		{Name: "token: name too long", Method: "POST", Path: "/api/v1/tokens", Token: o, Body: map[string]any{"name": string(make([]byte, 200))},
			Status: 400, Field: "name"},
		{Name: "webhook: no events", Method: "POST", Path: "/api/v1/webhooks", Token: o, Body: map[string]any{"url": "https://example.com/h"},
			Status: 400, Field: "events"},
		{Name: "webhook patch: active missing", Method: "PATCH", Path: "/api/v1/webhooks/1", Token: o, Body: `{}`, Status: 400, Field: "active"},
		{Name: "audit: bad limit", Method: "GET", Path: "/api/v1/audit-log?limit=0", Token: o, Status: 400, Field: "limit"},
		{Name: "settings: not an object", Method: "PATCH", Path: "/api/v1/settings", Token: o, Body: `[1,2]`, Status: 400, Code: "invalid"},
		// Nothing above was written.
		{Name: "staff list unchanged", Method: "GET", Path: "/api/v1/staff", Token: o, Status: http.StatusOK, Lacks: []string{"a@b.io"}},
		{Name: "no webhooks", Method: "GET", Path: "/api/v1/webhooks", Token: o, Status: http.StatusOK, Has: []string{`"items":[]`}},
	})
}
