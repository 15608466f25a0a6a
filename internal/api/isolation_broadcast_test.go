package api_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

// The broadcast routes in the cross-tenant test: tenant A's token on tenant B's
// broadcast answers 404 for every route with an id, B's broadcasts never show in A's
// list, and a broadcast of A naming B's session or segment is invalid
// (TestBroadcastCrossTenant).
func init() {
	byID := func(suffix string) func(b fixtures) string {
		return func(b fixtures) string { return "/api/v1/broadcasts/" + b.more["broadcast"] + suffix }
	}
	addIsolation(map[string]isolationCase{
		"POST /api/v1/broadcasts":                {public: "creates in the caller's tenant; another tenant's session or segment is invalid (TestBroadcastCrossTenant)"},
		"GET /api/v1/broadcasts":                 {list: true},
		"GET /api/v1/broadcasts/channels":        {public: "reads the caller's tenant's webhook endpoints only"},
		"POST /api/v1/broadcasts/preview":        {public: "evaluates the caller's own session and segments only (TestBroadcastCrossTenant)"},
		"GET /api/v1/broadcasts/{id}":            {path: byID("")},
		"PATCH /api/v1/broadcasts/{id}":          {path: byID(""), body: map[string]any{"name": "hijack"}},
		"DELETE /api/v1/broadcasts/{id}":         {path: byID("")},
		"GET /api/v1/broadcasts/{id}/preview":    {path: byID("/preview")},
		"POST /api/v1/broadcasts/{id}/schedule":  {path: byID("/schedule"), body: map[string]any{"at": time.Now().Add(time.Hour).Format(time.RFC3339)}},
		"POST /api/v1/broadcasts/{id}/send":      {path: byID("/send")},
		"POST /api/v1/broadcasts/{id}/cancel":    {path: byID("/cancel")},
		"GET /api/v1/broadcasts/{id}/recipients": {path: byID("/recipients")},
	}, seedBroadcast)
}

// seedBroadcast creates tenant B's live, a tagged customer, a segment and a draft
// broadcast carrying the marker.
func seedBroadcast(t *testing.T, app *apptest.App, b apptest.Tenant, fx *fixtures) {
	t.Helper()
	s := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", b.Token, map[string]any{"title": "B的直播 隔离标记",
		"scheduled_at": time.Now().Add(30 * time.Hour).Format(time.RFC3339)})
	app.Must(http.StatusCreated, "POST", "/api/v1/customers", b.Token, map[string]any{"name": "B触达客户 隔离标记",
		"phone": "13700007777", "tags": []string{"触达隔离标记"}})
	sg := app.Must(http.StatusCreated, "POST", "/api/v1/segments", b.Token, map[string]any{"name": "B触达分群 隔离标记",
		"rule": "tag:触达隔离标记"})
	bc := app.Must(http.StatusCreated, "POST", "/api/v1/broadcasts", b.Token, map[string]any{"name": "B触达 隔离标记",
		"session_id": s.ID("id"), "audiences": []map[string]any{{"kind": "segment", "id": sg.ID("id"), "text": "{name} 隔离标记"}}})
	fx.more["broadcast"] = itoa(bc.ID("id"))
	fx.more["broadcast_session"] = itoa(s.ID("id"))
	fx.more["broadcast_segment"] = itoa(sg.ID("id"))
}

// TestBroadcastCrossTenant: tenant A cannot promote B's live nor reach B's segment,
// in a saved broadcast or a preview, and B's broadcast is unchanged.
func TestBroadcastCrossTenant(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	a := app.Signup("Reach A")
	b := app.Signup("Reach B")
	fx := fixtures{more: map[string]string{}}
	seedBroadcast(t, app, b, &fx)
	own := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", a.Token, map[string]any{"title": "A的直播"})
	ownSeg := app.Must(http.StatusCreated, "POST", "/api/v1/segments", a.Token, map[string]any{"name": "A", "rule": "tag:x"})
	aud := func(id string) []map[string]any {
		return []map[string]any{{"kind": "segment", "id": json.Number(id), "text": "hi"}}
	}
	app.Run(t, []apptest.Scenario{
		{Name: "A promotes B's live", Method: "POST", Path: "/api/v1/broadcasts", Token: a.Token, Status: 400,
			Body: map[string]any{"name": "x", "session_id": json.Number(fx.more["broadcast_session"]), "audiences": aud(itoa(ownSeg.ID("id")))},
			Has:  []string{`"field":"session_id"`}, Lacks: []string{"隔离标记"}},
		{Name: "A reaches B's segment", Method: "POST", Path: "/api/v1/broadcasts", Token: a.Token, Status: 400,
			Body: map[string]any{"name": "x", "session_id": own.ID("id"), "audiences": aud(fx.more["broadcast_segment"])},
			Has:  []string{`"field":"audiences[0].id"`}, Lacks: []string{"隔离标记"}},
		{Name: "A previews B's segment", Method: "POST", Path: "/api/v1/broadcasts/preview", Token: a.Token, Status: 400,
			Body:  map[string]any{"name": "x", "session_id": own.ID("id"), "audiences": aud(fx.more["broadcast_segment"])},
			Lacks: []string{"隔离标记", "13700007777"}},
		{Name: "B's broadcast unchanged", Method: "GET", Path: "/api/v1/broadcasts/" + fx.more["broadcast"], Token: b.Token, Status: 200,
			Has: []string{`"status":"draft"`, `"name":"B触达 隔离标记"`}},
	})
}
