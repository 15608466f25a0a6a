package api_test

import (
	"net/http"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// The room routes in the cross-tenant test: tenant A's staff token on tenant B's live
// session (and B's viewer and comment) answers 404.
func init() {
	room := func(suffix string) func(b fixtures) string {
		return func(b fixtures) string { return "/api/v1/sessions/" + b.more["room_session"] + suffix }
	}
	viewer := func(prefix, suffix string) func(b fixtures) string {
		return func(b fixtures) string {
			return "/api/v1/sessions/" + b.more["room_session"] + prefix + b.more["room_viewer"] + suffix
		}
	}
	addIsolation(map[string]isolationCase{
		"GET /api/v1/sessions/{id}/ws": {public: "the token query parameter decides the member and tenant; " +
			"Directory.Authenticate refuses a token of another tenant or session (TestRoomOverAPI)"},
		"GET /api/v1/sessions/{id}/stats":    {path: room("/stats")},
		"GET /api/v1/sessions/{id}/comments": {path: room("/comments")},
		"DELETE /api/v1/sessions/{id}/comments/{comment_id}": {path: func(b fixtures) string {
			return "/api/v1/sessions/" + b.more["room_session"] + "/comments/" + b.more["room_comment"]
		}},
		"POST /api/v1/sessions/{id}/mutes":                            {path: room("/mutes"), body: map[string]any{"viewer_id": 1, "seconds": 60}},
		"DELETE /api/v1/sessions/{id}/mutes/{viewer_id}":              {path: viewer("/mutes/", "")},
		"POST /api/v1/sessions/{id}/kicks":                            {path: room("/kicks"), body: map[string]any{"viewer_id": 1}},
		"POST /api/v1/sessions/{id}/bans":                             {path: room("/bans"), body: map[string]any{"viewer_id": 1}},
		"DELETE /api/v1/sessions/{id}/bans/{viewer_id}":               {path: viewer("/bans/", "")},
		"GET /api/v1/sessions/{id}/sanctions":                         {path: room("/sanctions")},
		"GET /api/v1/sessions/{id}/mic-requests":                      {path: room("/mic-requests")},
		"POST /api/v1/sessions/{id}/mic-requests/{viewer_id}/approve": {path: viewer("/mic-requests/", "/approve")},
		"POST /api/v1/sessions/{id}/mic-requests/{viewer_id}/refuse":  {path: viewer("/mic-requests/", "/refuse")},
	}, seedRoom)
}

// seedRoom gives tenant B a live session with a viewer who commented, is muted and
// banned, and asked to go on mic, so every room route has a real object of B's to miss.
func seedRoom(t *testing.T, app *apptest.App, b apptest.Tenant, fx *fixtures) {
	t.Helper()
	s := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", b.Token, map[string]any{"title": "B 房间 隔离标记"})
	id := itoa(s.ID("id"))
	fx.more["room_session"] = id
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+id+"/start", b.Token, nil)
	v := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+id+"/viewers", "", map[string]any{"nickname": "B房间观众隔离标记"})
	fx.more["room_viewer"] = itoa(v.ID("viewer_id"))
	c := dialRoom(t, app, id, v.JSON["token"].(string))
	c.waitFor("welcome", nil)
	c.send(map[string]any{"type": "comment", "text": "隔离标记评论"})
	fx.more["room_comment"] = itoa(int64(c.waitFor("comment", nil)["id"].(float64)))
	c.send(map[string]any{"type": "mic_request"})
	host := dialRoom(t, app, id, b.Token)
	host.waitFor("welcome", nil)
	c.send(map[string]any{"type": "mic_cancel"})
	c.send(map[string]any{"type": "mic_request"})
	host.waitFor("mic_request", nil)
	app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+id+"/mutes", b.Token, map[string]any{"viewer_id": v.ID("viewer_id"), "seconds": 600})
	app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+id+"/bans", b.Token, map[string]any{"viewer_id": v.ID("viewer_id"), "reason": "隔离标记"})
	c.waitClosed()
}
