package api_test

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

// TestLiveViewerJourney: a guest joins, verifies a phone with the sandbox SMS, reserves
// the next show and is reminded once when it starts (the job queue runs for real).
func TestLiveViewerJourney(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	o := app.Signup("Journey Brand").Token
	at := time.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)
	now := "/api/v1/sessions/" + itoa(app.Must(http.StatusCreated, "POST", "/api/v1/sessions", o, map[string]any{"title": "今晚"}).ID("id"))
	nextID := itoa(app.Must(http.StatusCreated, "POST", "/api/v1/sessions", o, map[string]any{"title": "下一场", "scheduled_at": at}).ID("id"))
	next := "/api/v1/sessions/" + nextID
	v := app.Must(http.StatusCreated, "POST", now+"/viewers", "", map[string]any{"nickname": "阿花"})
	tok := v.JSON["token"].(string)

	app.Run(t, []apptest.Scenario{
		{Name: "me", Method: "GET", Path: "/api/v1/viewer/me", Token: tok, Status: 200, Has: []string{`"nickname":"阿花"`, `"known":false`}},
		{Name: "bad phone", Method: "POST", Path: "/api/v1/viewer/phone/code", Token: tok, Body: map[string]any{"phone": "2345"}, Status: 400, Field: "phone"},
		{Name: "code", Method: "POST", Path: "/api/v1/viewer/phone/code", Token: tok, Body: map[string]any{"phone": "13612345678"}, Status: 200, Has: []string{`"expires_at":`}},
		{Name: "again at once", Method: "POST", Path: "/api/v1/viewer/phone/code", Token: tok, Body: map[string]any{"phone": "13612345678"}, Status: 429, Code: "rate_limited"},
		{Name: "wrong code", Method: "POST", Path: "/api/v1/viewer/phone/verify", Token: tok, Body: map[string]any{"phone": "13612345678", "code": "abcdef"}, Status: 400, Field: "code"},
	})
	sms := app.Must(http.StatusOK, "GET", "/api/v1/sandbox/sms?phone=13612345678", o, nil)
	body := sms.JSON["items"].([]any)[0].(map[string]any)["body"].(string)
	otp := regexp.MustCompile(`\d{6}`).FindString(body)
	app.Run(t, []apptest.Scenario{
		{Name: "verify", Method: "POST", Path: "/api/v1/viewer/phone/verify", Token: tok, Body: map[string]any{"phone": "13612345678", "code": otp},
			Status: 200, Has: []string{`"known":true`, `"phone":"13612345678"`}},
		{Name: "known now", Method: "GET", Path: "/api/v1/viewer/me", Token: tok, Status: 200, Has: []string{`"known":true`}},
		{Name: "reserve", Method: "POST", Path: next + "/reservations", Token: tok, Status: 201, Has: []string{`"session_id":` + nextID}},
		{Name: "reserve again", Method: "POST", Path: next + "/reservations", Token: tok, Status: 200},
		{Name: "preview", Method: "GET", Path: next + "/preview", Status: 200, Has: []string{`"reservations":1`, `"title":"下一场"`, `"brand":"Journey Brand"`, `"scheduled_at":"` + at}},
		{Name: "staff list", Method: "GET", Path: next + "/reservations", Token: o, Status: 200, Has: []string{`"count":1`, `"nickname":"阿花"`, `"phone":"136****5678"`}},
		{Name: "no live reservation", Method: "POST", Path: now + "/start", Token: o, Status: 200},
		{Name: "reserve a live one", Method: "POST", Path: now + "/reservations", Token: tok, Status: 409},
		{Name: "gifts", Method: "GET", Path: now + "/gifts", Status: 200, Has: []string{"小心心", "玫瑰", "棒棒糖", `"value":52000`}},
		{Name: "start next", Method: "POST", Path: next + "/start", Token: o, Status: 200},
		{Name: "discover", Method: "GET", Path: "/api/v1/discover", Status: 200, Has: []string{`"live":[`, "下一场"}},
		{Name: "rankings", Method: "GET", Path: "/api/v1/rankings?period=week", Status: 200, Has: []string{`"period":"week"`, `"items":[]`}},
	})

	// The reminder job runs in the background: wait for it (bounded), then check once.
	var items []any
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		r := app.Must(http.StatusOK, "GET", "/api/v1/viewer/notifications", tok, nil)
		if items = r.JSON["items"].([]any); len(items) > 0 {
			break
		}
	}
	if len(items) != 1 || items[0].(map[string]any)["kind"] != "live_reminder" {
		t.Fatalf("reminders: %v", items)
	}
	nid := itoa(int64(items[0].(map[string]any)["id"].(float64)))
	app.Run(t, []apptest.Scenario{
		{Name: "read", Method: "POST", Path: "/api/v1/viewer/notifications/" + nid + "/read", Token: tok, Status: 200, Has: []string{`"read":true`}},
		{Name: "reminded", Method: "GET", Path: next + "/reservations", Token: o, Status: 200, Has: []string{`"reminded_at":`}},
	})
}

func TestLiveGiftsHostsCoStream(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	o := app.Signup("Gift Brand").Token
	gifts := app.Must(http.StatusOK, "GET", "/api/v1/gifts", o, nil)
	if n := len(gifts.JSON["items"].([]any)); n != 4 {
		t.Fatalf("default catalog has %d gifts: %s", n, gifts.Body)
	}
	g := app.Must(http.StatusCreated, "POST", "/api/v1/gifts", o, map[string]any{"name": "火箭", "icon": "🚀", "value": 200000, "sort": 50})
	me := app.Must(http.StatusOK, "GET", "/api/v1/me", o, nil)
	uid := itoa(int64(me.JSON["user"].(map[string]any)["id"].(float64)))
	a := itoa(app.Must(http.StatusCreated, "POST", "/api/v1/sessions", o, map[string]any{"title": "A"}).ID("id"))
	b := itoa(app.Must(http.StatusCreated, "POST", "/api/v1/sessions", o, map[string]any{"title": "B"}).ID("id"))
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+a+"/start", o, nil)
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+b+"/start", o, nil)
	app.Run(t, []apptest.Scenario{
		{Name: "deactivate", Method: "PATCH", Path: "/api/v1/gifts/" + itoa(g.ID("id")), Token: o, Body: map[string]any{"active": false}, Status: 200, Has: []string{`"active":false`}},
		{Name: "hidden from viewers", Method: "GET", Path: "/api/v1/sessions/" + a + "/gifts", Status: 200, Lacks: []string{"火箭"}},
		{Name: "bad icon", Method: "PATCH", Path: "/api/v1/gifts/" + itoa(g.ID("id")), Token: o, Body: map[string]any{"icon": "<b>"}, Status: 400, Field: "icon"},
		{Name: "invite", Method: "POST", Path: "/api/v1/sessions/" + a + "/co-stream", Token: o, Body: map[string]any{"session_id": b}, Status: 400},
		{Name: "invite", Method: "POST", Path: "/api/v1/sessions/" + a + "/co-stream", Token: o, Body: `{"session_id":` + b + `}`, Status: 200, Has: []string{`"status":"invited"`}},
		{Name: "accept", Method: "POST", Path: "/api/v1/sessions/" + b + "/co-stream/accept", Token: o, Body: `{"session_id":` + a + `}`, Status: 200, Has: []string{`"status":"paired"`}},
		{Name: "paired", Method: "GET", Path: "/api/v1/sessions/" + a, Token: o, Status: 200, Has: []string{`"co_stream_session_id":` + b}},
		{Name: "unpair", Method: "DELETE", Path: "/api/v1/sessions/" + b + "/co-stream", Token: o, Status: 204},
		{Name: "unpaired", Method: "GET", Path: "/api/v1/sessions/" + a, Token: o, Status: 200, Lacks: []string{`"co_stream_session_id"`}},
		{Name: "end", Method: "POST", Path: "/api/v1/sessions/" + a + "/end", Token: o, Status: 200},
		{Name: "host report", Method: "GET", Path: "/api/v1/hosts/" + uid, Token: o, Status: 200,
			Has: []string{`"goods_permission":false`, `"qualifying_broadcasts":0`, `"required_broadcasts":3`, `"ended_broadcasts":1`, `"first_broadcast":{`}},
		{Name: "unknown host", Method: "GET", Path: "/api/v1/hosts/999999", Token: o, Status: 404},
	})
}
