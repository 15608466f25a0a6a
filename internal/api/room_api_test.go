package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/siyu-live/siyu/internal/apptest"
)

// TestRoomOverAPI drives a room as clients do: create and start a session, two guest
// viewers connect over GET /api/v1/sessions/{id}/ws?token=…, exchange a comment in the
// CONTRACT shapes, and the host moderates through the REST routes.
func TestRoomOverAPI(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	owner := app.Signup("Room API Co")
	s := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", owner.Token, map[string]any{"title": "直播间测试"})
	id := itoa(s.ID("id"))
	app.Must(http.StatusOK, "PUT", "/api/v1/sessions/"+id+"/banned-words", owner.Token, map[string]any{"words": []string{"微信"}})
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+id+"/start", owner.Token, nil)
	va := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+id+"/viewers", "", map[string]any{"nickname": "小红"})
	vb := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+id+"/viewers", "", map[string]any{"nickname": "小明"})
	aliceID, bobID := va.ID("viewer_id"), vb.ID("viewer_id")
	alice := dialRoom(t, app, id, va.JSON["token"].(string))
	bob := dialRoom(t, app, id, vb.JSON["token"].(string))
	host := dialRoom(t, app, id, owner.Token)
	if w := alice.waitFor("welcome", nil); w["session"].(map[string]any)["status"] != "live" {
		t.Fatalf("welcome: %v", w)
	}
	bob.waitFor("welcome", nil)
	if w := host.waitFor("welcome", nil); w["member"].(map[string]any)["role"] != "host" {
		t.Fatalf("the session's host joins as host: %v", w)
	}

	alice.send(map[string]any{"type": "comment", "text": "主播好！"})
	ev := bob.waitFor("comment", func(m map[string]any) bool { return m["text"] == "主播好！" })
	if int64(ev["viewer_id"].(float64)) != aliceID || ev["nickname"] != "小红" || ev["id"].(float64) <= 0 {
		t.Fatalf("comment shape: %v", ev)
	}
	cid := itoa(int64(ev["id"].(float64)))
	bob.send(map[string]any{"type": "like", "count": 5})
	st := alice.waitFor("stats", func(m map[string]any) bool { return m["likes"] == float64(5) && m["online"] == float64(2) })
	for _, k := range []string{"online", "peak", "viewers", "likes", "comments", "gift_value"} {
		if _, ok := st[k].(float64); !ok {
			t.Fatalf("stats lacks %s: %v", k, st)
		}
	}
	alice.send(map[string]any{"type": "comment", "text": "加我微 信"})
	if ev := alice.waitFor("comment", func(m map[string]any) bool { return m["text"] == "加我微 信" }); ev["hidden"] != nil {
		t.Fatalf("the sender must not notice their comment was held back: %v", ev)
	}
	// The host gets it at once, flagged, so the studio needs no polling.
	if ev := host.waitFor("comment", func(m map[string]any) bool { return m["text"] == "加我微 信" }); ev["hidden"] != true ||
		ev["hidden_reason"] != "banned_word" || int64(ev["viewer_id"].(float64)) != aliceID {
		t.Fatalf("the host's copy of a held-back comment: %v", ev)
	}
	bob.send(map[string]any{"type": "comment", "text": "after"})
	if ev := alice.waitFor("comment", nil); ev["text"] != "after" {
		t.Fatalf("a banned comment reached another viewer: %v", ev)
	}
	bob.send(map[string]any{"type": "mic_request"})
	host.waitFor("mic_request", func(m map[string]any) bool { return m["nickname"] == "小明" })

	base := "/api/v1/sessions/" + id
	app.Run(t, []apptest.Scenario{
		{Name: "stats", Method: "GET", Path: base + "/stats", Token: owner.Token, Status: 200, Has: []string{`"likes":5`, `"online":2`}},
		{Name: "comments with hidden flagged", Method: "GET", Path: base + "/comments?limit=10", Token: owner.Token, Status: 200,
			Has: []string{"主播好！", `"hidden_reason":"banned_word"`, `"next_cursor":""`}},
		{Name: "comments: bad limit", Method: "GET", Path: base + "/comments?limit=0", Token: owner.Token, Status: 400, Field: "limit"},
		{Name: "comments: bad cursor", Method: "GET", Path: base + "/comments?cursor=x", Token: owner.Token, Status: 400, Field: "cursor"},
		{Name: "mute: seconds out of range", Method: "POST", Path: base + "/mutes", Token: owner.Token,
			Body: map[string]any{"viewer_id": aliceID, "seconds": 86401}, Status: 400, Field: "seconds"},
		{Name: "mute: no viewer", Method: "POST", Path: base + "/mutes", Token: owner.Token, Body: map[string]any{"seconds": 60}, Status: 400, Field: "viewer_id"},
		{Name: "mute: wrong type", Method: "POST", Path: base + "/mutes", Token: owner.Token, Body: `{"viewer_id":"x","seconds":60}`, Status: 400, Field: "viewer_id"},
		{Name: "mute: unknown viewer", Method: "POST", Path: base + "/mutes", Token: owner.Token, Body: map[string]any{"viewer_id": 999999, "seconds": 60}, Status: 404},
		{Name: "ban: long reason", Method: "POST", Path: base + "/bans", Token: owner.Token,
			Body: map[string]any{"viewer_id": aliceID, "reason": strings.Repeat("长", 201)}, Status: 400, Field: "reason"},
		{Name: "approve mic", Method: "POST", Path: base + "/mic-requests/" + itoa(bobID) + "/approve", Token: owner.Token, Status: 204},
		{Name: "no pending mic", Method: "POST", Path: base + "/mic-requests/" + itoa(bobID) + "/refuse", Token: owner.Token, Status: 404},
		{Name: "mute alice", Method: "POST", Path: base + "/mutes", Token: owner.Token, Body: map[string]any{"viewer_id": aliceID, "seconds": 60, "reason": "刷屏"},
			Status: 201, Has: []string{`"kind":"mute"`, `"active":true`, `"nickname":"小红"`}},
		{Name: "delete comment", Method: "DELETE", Path: base + "/comments/" + cid, Token: owner.Token, Status: 204},
		{Name: "delete again: still 204", Method: "DELETE", Path: base + "/comments/" + cid, Token: owner.Token, Status: 204},
		{Name: "delete unknown", Method: "DELETE", Path: base + "/comments/999999", Token: owner.Token, Status: 404},
	})
	bob.waitFor("mic", func(m map[string]any) bool { return m["state"] == "approved" })
	alice.waitFor("muted", nil)
	bob.waitFor("comment_deleted", func(m map[string]any) bool { return itoa(int64(m["id"].(float64))) == cid })
	alice.send(map[string]any{"type": "comment", "text": "被禁言了"})
	if ev := alice.waitFor("error", nil); ev["code"] != "muted" {
		t.Fatalf("muted comment: %v", ev)
	}
	app.Run(t, []apptest.Scenario{
		{Name: "unmute", Method: "DELETE", Path: base + "/mutes/" + itoa(aliceID), Token: owner.Token, Status: 204},
		{Name: "unmute again", Method: "DELETE", Path: base + "/mutes/" + itoa(aliceID), Token: owner.Token, Status: 404},
		{Name: "ban bob", Method: "POST", Path: base + "/bans", Token: owner.Token, Body: map[string]any{"viewer_id": bobID}, Status: 201},
		{Name: "sanctions", Method: "GET", Path: base + "/sanctions", Token: owner.Token, Status: 200, Has: []string{`"kind":"ban"`, `"kind":"mute"`}},
		{Name: "mic list", Method: "GET", Path: base + "/mic-requests", Token: owner.Token, Status: 200, Has: []string{`"items":[]`}},
	})
	bob.waitFor("banned", nil)
	bob.waitClosed()

	// Before the upgrade: bad or foreign tokens are refused as HTTP errors.
	other := app.Signup("Other Co")
	for token, want := range map[string]int{"": 401, "sv_nope": 401, other.Token: 401} {
		u := "ws" + strings.TrimPrefix(app.URL, "http") + base + "/ws?token=" + token
		_, res, err := websocket.DefaultDialer.Dial(u, nil)
		if err == nil || res == nil || res.StatusCode != want {
			t.Errorf("token %q: %v, HTTP %v; want %d", token, err, res, want)
		}
	}
	u := "ws" + strings.TrimPrefix(app.URL, "http") + "/api/v1/sessions/999999/ws?token=" + va.JSON["token"].(string)
	if _, res, err := websocket.DefaultDialer.Dial(u, nil); err == nil || res == nil || res.StatusCode != 404 {
		t.Errorf("unknown session: %v %v", err, res)
	}

	// Ending the session ends the room.
	app.Must(http.StatusOK, "POST", base+"/end", owner.Token, nil)
	alice.waitFor("ended", nil)
	alice.waitClosed()
	// The live domain flushed the room's counters before ending.
	app.Run(t, []apptest.Scenario{{Name: "stored stats", Method: "GET", Path: base, Token: owner.Token, Status: 200,
		Has: []string{`"viewers":2`, `"likes":5`, `"comments":2`, `"peak_online":2`}}})
}
