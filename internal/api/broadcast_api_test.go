package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

// TestBroadcastAPI: the broadcast routes as a client sees them — channels and why one
// cannot be used, validation naming the field, a draft scheduled, rescheduled and
// cancelled, the preview after removing repeats, recipients of a draft, and roles.
func TestBroadcastAPI(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	tn := app.Signup("Broadcast API")
	sess := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", tn.Token, map[string]any{"title": "周五直播",
		"scheduled_at": time.Now().Add(50 * time.Hour).Format(time.RFC3339)})
	for i, tags := range [][]string{{"vip"}, {"vip", "active"}, {"active"}} {
		app.Must(http.StatusCreated, "POST", "/api/v1/customers", tn.Token, map[string]any{"name": "客户" + itoa(int64(i)),
			"phone": "1390000000" + itoa(int64(i)), "tags": tags})
	}
	vip := app.Must(http.StatusCreated, "POST", "/api/v1/segments", tn.Token, map[string]any{"name": "VIP", "rule": "tag:vip"})
	active := app.Must(http.StatusCreated, "POST", "/api/v1/segments", tn.Token, map[string]any{"name": "活跃", "rule": "tag:active"})
	aud := []map[string]any{{"kind": "segment", "id": vip.ID("id"), "text": "VIP {name} {live_link}"},
		{"kind": "segment", "id": active.ID("id"), "text": "{name} 周五见"}}
	body := map[string]any{"name": "周五预告", "session_id": sess.ID("id"), "audiences": aud}
	b := app.Must(http.StatusCreated, "POST", "/api/v1/broadcasts", tn.Token, body)
	id := "/api/v1/broadcasts/" + itoa(b.ID("id"))
	later := time.Now().Add(2 * time.Hour).Format(time.RFC3339)
	app.Must(http.StatusCreated, "POST", "/api/v1/staff", tn.Token, map[string]any{"email": "host-bc@example.com",
		"name": "主播", "role": "host", "password": "password-123"})
	host := app.Must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]any{"email": "host-bc@example.com", "password": "password-123"})
	hostToken, _ := host.JSON["token"].(string)
	app.Run(t, []apptest.Scenario{
		{Name: "channels", Method: "GET", Path: "/api/v1/broadcasts/channels", Token: tn.Token, Status: 200,
			Has: []string{`"name":"in_app","available":true`, `"name":"webhook","available":false`, `"name":"sms","available":false`, "not configured"}},
		{Name: "a misspelt variable", Method: "POST", Path: "/api/v1/broadcasts", Token: tn.Token, Status: 400, Code: "invalid", Field: "audiences[0].text",
			Body: map[string]any{"name": "x", "session_id": sess.ID("id"), "audiences": []map[string]any{{"kind": "segment", "id": vip.ID("id"), "text": "{nmae}"}}}},
		{Name: "webhook without an endpoint", Method: "POST", Path: "/api/v1/broadcasts", Token: tn.Token, Status: 400, Field: "webhook_endpoint_id",
			Body: map[string]any{"name": "x", "session_id": sess.ID("id"), "audiences": aud, "channels": []string{"webhook"}}},
		{Name: "preview", Method: "GET", Path: id + "/preview", Token: tn.Token, Status: 200,
			Has: []string{`"recipients":3`, `"members":2`, `"recipients":1`, "周五见"}},
		{Name: "unsaved preview", Method: "POST", Path: "/api/v1/broadcasts/preview", Token: tn.Token, Body: body, Status: 200, Has: []string{`"recipients":3`}},
		{Name: "a draft has no recipients", Method: "GET", Path: id + "/recipients", Token: tn.Token, Status: 200, Has: []string{`"items":[]`, `"recipients":0`}},
		{Name: "bad filter", Method: "GET", Path: id + "/recipients?status=bogus", Token: tn.Token, Status: 400, Field: "status"},
		{Name: "schedule in the past", Method: "POST", Path: id + "/schedule", Token: tn.Token, Body: map[string]any{"at": "2020-01-01T00:00:00Z"}, Status: 400, Field: "at"},
		{Name: "schedule", Method: "POST", Path: id + "/schedule", Token: tn.Token, Body: map[string]any{"at": later}, Status: 200,
			Has: []string{`"status":"scheduled"`, `"entry":{`, `"code":"`}},
		{Name: "edit while scheduled", Method: "PATCH", Path: id, Token: tn.Token, Body: map[string]any{"coupon": "满199减30"}, Status: 200,
			Has: []string{`"coupon":"满199减30"`, `"status":"scheduled"`}},
		{Name: "a host may not", Method: "GET", Path: "/api/v1/broadcasts", Token: hostToken, Status: 403},
		{Name: "cancel", Method: "POST", Path: id + "/cancel", Token: tn.Token, Status: 200, Has: []string{`"status":"cancelled"`}},
		{Name: "cancel again", Method: "POST", Path: id + "/cancel", Token: tn.Token, Status: 409},
		{Name: "send a cancelled one", Method: "POST", Path: id + "/send", Token: tn.Token, Status: 409},
		{Name: "list", Method: "GET", Path: "/api/v1/broadcasts", Token: tn.Token, Status: 200, Has: []string{"周五预告", `"session_title":"周五直播"`}},
		{Name: "delete", Method: "DELETE", Path: id, Token: tn.Token, Status: 204},
		{Name: "gone", Method: "GET", Path: id, Token: tn.Token, Status: 404},
	})
}
