package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

// The live routes in the cross-tenant test. Staff routes with a path id are called with
// tenant A's token on tenant B's objects and must answer 404. Public routes are safe by
// design (their reasons below). Viewer routes cannot be called with a staff token at
// all (401), so TestLiveViewerCrossTenant checks them with tenant A's viewer token.
func init() {
	byID := func(prefix, name, suffix string) func(b fixtures) string {
		return func(b fixtures) string { return prefix + b.more[name] + suffix }
	}
	sess := func(suffix string) func(b fixtures) string { return byID("/api/v1/sessions/", "session", suffix) }
	future := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	const viewerCase = "viewer token: tenant A's viewer gets 404 on B's session (TestLiveViewerCrossTenant)"
	addIsolation(map[string]isolationCase{
		"POST /api/v1/sessions":                       {public: "creates in the caller's tenant"},
		"GET /api/v1/sessions":                        {list: true},
		"GET /api/v1/sessions/{id}":                   {path: sess("")},
		"PATCH /api/v1/sessions/{id}":                 {path: sess(""), body: map[string]any{"title": "hijacked"}},
		"POST /api/v1/sessions/{id}/schedule":         {path: sess("/schedule"), body: map[string]any{"scheduled_at": future}},
		"POST /api/v1/sessions/{id}/start":            {path: sess("/start")},
		"POST /api/v1/sessions/{id}/end":              {path: sess("/end")},
		"POST /api/v1/sessions/{id}/interrupt":        {path: sess("/interrupt")},
		"POST /api/v1/sessions/{id}/resume":           {path: sess("/resume")},
		"PUT /api/v1/sessions/{id}/banned-words":      {path: sess("/banned-words"), body: map[string]any{"words": []string{"hijack"}}},
		"POST /api/v1/sessions/{id}/entries":          {path: sess("/entries"), body: map[string]any{"channel": "ad"}},
		"GET /api/v1/sessions/{id}/entries":           {path: sess("/entries")},
		"GET /api/v1/sessions/{id}/reservations":      {path: sess("/reservations")},
		"POST /api/v1/sessions/{id}/co-stream":        {path: byID("/api/v1/sessions/", "live", "/co-stream"), body: map[string]any{"session_id": 1}},
		"POST /api/v1/sessions/{id}/co-stream/accept": {path: byID("/api/v1/sessions/", "live", "/co-stream/accept"), body: map[string]any{"session_id": 1}},
		"DELETE /api/v1/sessions/{id}/co-stream":      {path: byID("/api/v1/sessions/", "live", "/co-stream")},
		"GET /api/v1/gifts":                           {list: true},
		"POST /api/v1/gifts":                          {public: "creates in the caller's tenant"},
		"PATCH /api/v1/gifts/{id}":                    {path: byID("/api/v1/gifts/", "gift", ""), body: map[string]any{"name": "hijacked"}},
		"GET /api/v1/hosts/{id}":                      {path: func(b fixtures) string { return "/api/v1/hosts/" + b.staffID }},
		"GET /api/v1/sandbox/sms":                     {list: true},
		"GET /api/v1/entries/{code}":                  {public: "an entry code is a public link; it reveals only its session id and channel"},
		"POST /api/v1/sessions/{id}/viewers":          {public: "anyone with the link joins that session as a guest; it reads no tenant data"},
		"GET /api/v1/sessions/{id}/preview":           {public: "the preview page shows only what the session's poster shows"},
		"GET /api/v1/sessions/{id}/gifts":             {public: "a brand's active gifts are shown to everyone in its rooms"},
		"GET /api/v1/rankings":                        {public: "the platform's public ranking: title, cover, host and brand names, status, score"},
		"GET /api/v1/discover":                        {public: "the platform's public discovery list: the same public fields as the rankings"},
		"GET /api/v1/viewer/me":                       {public: "caller-scoped: the viewer's own record"},
		"POST /api/v1/viewer/phone/code":              {public: "caller-scoped: a code for the calling viewer"},
		"POST /api/v1/viewer/phone/verify":            {public: "caller-scoped: verifies the calling viewer"},
		"GET /api/v1/viewer/notifications":            {public: "caller-scoped: the viewer's own inbox"},
		"POST /api/v1/viewer/notifications/{id}/read": {public: viewerCase},
		"POST /api/v1/sessions/{id}/reservations":     {public: viewerCase},
		"DELETE /api/v1/sessions/{id}/reservations":   {public: viewerCase},
	}, seedLive)
}

// seedLive creates tenant B's live objects: a scheduled session, a live one, an entry,
// a gift, a viewer with a reservation and a phone code.
func seedLive(t *testing.T, app *apptest.App, b apptest.Tenant, fx *fixtures) {
	t.Helper()
	s := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", b.Token, map[string]any{"title": "B 直播 隔离标记",
		"scheduled_at": time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339), "announcement": "隔离标记"})
	fx.more["session"] = itoa(s.ID("id"))
	l := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", b.Token, map[string]any{"title": "B live 隔离标记"})
	fx.more["live"] = itoa(l.ID("id"))
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+fx.more["live"]+"/start", b.Token, nil)
	e := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+fx.more["session"]+"/entries", b.Token, map[string]any{"channel": "community", "label": "隔离标记"})
	fx.more["entry"] = e.JSON["code"].(string)
	g := app.Must(http.StatusCreated, "POST", "/api/v1/gifts", b.Token, map[string]any{"name": "隔离标记礼物", "icon": "🎁", "value": 99})
	fx.more["gift"] = itoa(g.ID("id"))
	v := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+fx.more["session"]+"/viewers", "", map[string]any{"nickname": "B观众隔离标记"})
	fx.more["viewer_token"] = v.JSON["token"].(string)
	app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+fx.more["session"]+"/reservations", fx.more["viewer_token"], nil)
	app.Must(http.StatusOK, "POST", "/api/v1/viewer/phone/code", fx.more["viewer_token"], map[string]any{"phone": "13800001111"})
}

// TestLiveViewerCrossTenant: a viewer token of tenant A never reaches tenant B's
// sessions or notifications.
func TestLiveViewerCrossTenant(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	a := app.Signup("Viewer A")
	b := app.Signup("Viewer B")
	fx := fixtures{more: map[string]string{}}
	seedLive(t, app, b, &fx)
	sa := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", a.Token, map[string]any{"title": "A show"})
	va := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+itoa(sa.ID("id"))+"/viewers", "", map[string]any{"nickname": "A观众"})
	tokA := va.JSON["token"].(string)
	sms := app.Must(http.StatusOK, "GET", "/api/v1/sandbox/sms", b.Token, nil)
	smsID := itoa(int64(sms.JSON["items"].([]any)[0].(map[string]any)["id"].(float64)))
	app.Run(t, []apptest.Scenario{
		{Name: "reserve B's session", Method: "POST", Path: "/api/v1/sessions/" + fx.more["session"] + "/reservations", Token: tokA, Status: 404, Code: "not_found"},
		{Name: "cancel on B's session", Method: "DELETE", Path: "/api/v1/sessions/" + fx.more["session"] + "/reservations", Token: tokA, Status: 404, Code: "not_found"},
		{Name: "read B's notification", Method: "POST", Path: "/api/v1/viewer/notifications/" + smsID + "/read", Token: tokA, Status: 404, Code: "not_found"},
		{Name: "A's inbox lacks B's", Method: "GET", Path: "/api/v1/viewer/notifications", Token: tokA, Status: 200, Lacks: []string{"13800001111"}},
		{Name: "entry of B on A's session", Method: "POST", Path: "/api/v1/sessions/" + itoa(sa.ID("id")) + "/viewers", Body: map[string]any{"nickname": "x", "entry": fx.more["entry"]},
			Status: 400, Field: "entry"},
		{Name: "A's sms outbox lacks B's", Method: "GET", Path: "/api/v1/sandbox/sms", Token: a.Token, Status: 200, Lacks: []string{"13800001111"}},
		{Name: "B's reservation stands", Method: "GET", Path: "/api/v1/sessions/" + fx.more["session"] + "/reservations", Token: b.Token, Status: 200, Has: []string{`"count":1`}},
		{Name: "B's session untouched", Method: "GET", Path: "/api/v1/sessions/" + fx.more["session"], Token: b.Token, Status: 200,
			Has: []string{`"status":"scheduled"`, "B 直播 隔离标记"}, Lacks: []string{"hijack"}},
	})
}
