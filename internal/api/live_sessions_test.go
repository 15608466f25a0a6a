package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

// staffToken creates a staff member of role in the tenant and logs them in.
func staffToken(t *testing.T, app *apptest.App, owner, role string) string {
	t.Helper()
	email := role + itoa(time.Now().UnixNano()) + "@example.com"
	app.Must(http.StatusCreated, "POST", "/api/v1/staff", owner, map[string]any{"email": email, "name": role + " 同事", "role": role, "password": "password-123"})
	return app.Must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]any{"email": email, "password": "password-123"}).JSON["token"].(string)
}

// TestLiveSessionContract drives CONTRACT.md's live-session endpoints exactly as a
// client would, on both engines.
func TestLiveSessionContract(t *testing.T) {
	t.Parallel()
	for _, pg := range []bool{false, true} {
		name := map[bool]string{false: "sqlite", true: "postgres"}[pg]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			app := apptest.New(t, apptest.Options{Postgres: pg})
			o := app.Signup("Contract Live").Token
			at := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
			r := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", o, map[string]any{"title": "秋冬新品首发", "scheduled_at": at})
			if r.JSON["status"] != "scheduled" || r.ID("id") == 0 || r.JSON["scheduled_at"] != at {
				t.Fatalf("create: %s", r.Body)
			}
			id := itoa(r.ID("id"))
			s := "/api/v1/sessions/" + id
			entry := app.Must(http.StatusCreated, "POST", s+"/entries", o, map[string]any{"channel": "community", "label": "粉丝群"})
			code := entry.JSON["code"].(string)
			app.Run(t, []apptest.Scenario{
				{Name: "get", Method: "GET", Path: s, Token: o, Status: 200, Has: []string{`"id":` + id, `"status":"scheduled"`,
					`"host":{"id":`, `"stats":{"peak_online":0`, `"entry_url":`, `"preview_url":`, `"rundown":[]`, `"banned_words":[]`}},
				{Name: "banned words", Method: "PUT", Path: s + "/banned-words", Token: o, Body: map[string]any{"words": []string{" 微信 ", "加V", "vx"}},
					Status: 200, Has: []string{`{"words":["微信","加V","vx"]}`}},
				{Name: "viewer", Method: "POST", Path: s + "/viewers", Body: map[string]any{"nickname": "小王"}, Status: 201,
					Has: []string{`"viewer_id":`, `"token":"sv_`, `"nickname":"小王"`, `"channel":"direct"`}},
				{Name: "viewer via entry", Method: "POST", Path: s + "/viewers", Body: map[string]any{"nickname": "小李", "entry": code}, Status: 201,
					Has: []string{`"channel":"community"`, `"entry_link_id":`}},
				{Name: "entry resolves", Method: "GET", Path: "/api/v1/entries/" + code, Status: 200, Has: []string{`"session_id":` + id, `"channel":"community"`}},
				{Name: "entries count viewers", Method: "GET", Path: s + "/entries", Token: o, Status: 200, Has: []string{`"viewers":1`, "/live/" + code}},
				{Name: "start", Method: "POST", Path: s + "/start", Token: o, Status: 200, Has: []string{`"status":"live"`, `"started_at":`}},
				{Name: "start again", Method: "POST", Path: s + "/start", Token: o, Status: 409, Code: "conflict"},
				{Name: "interrupt", Method: "POST", Path: s + "/interrupt", Token: o, Status: 200, Has: []string{`"status":"live"`, `"interrupted":true`}},
				{Name: "resume", Method: "POST", Path: s + "/resume", Token: o, Status: 200, Has: []string{`"interrupted":false`}},
				{Name: "end", Method: "POST", Path: s + "/end", Token: o, Status: 200, Has: []string{`"status":"ended"`, `"ended_at":`}},
				{Name: "restart", Method: "POST", Path: s + "/start", Token: o, Status: 409, Code: "conflict", Has: []string{"has ended; it cannot be started again"}},
				{Name: "join after end", Method: "POST", Path: s + "/viewers", Body: map[string]any{"nickname": "迟到"}, Status: 409},
				{Name: "list", Method: "GET", Path: "/api/v1/sessions?status=ended", Token: o, Status: 200, Has: []string{`"items":[{"id":` + id, `"next_cursor":""`}},
				{Name: "draft without scheduled_at", Method: "POST", Path: "/api/v1/sessions", Token: o, Body: map[string]any{"title": "草稿"},
					Status: 201, Has: []string{`"status":"draft"`}, Lacks: []string{`"scheduled_at"`}},
			})
		})
	}
}

func TestLiveBadInputAndPermissions(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	o := app.Signup("Live Rules").Token
	agent := staffToken(t, app, o, "agent")
	host := staffToken(t, app, o, "host")
	s := "/api/v1/sessions/" + itoa(app.Must(http.StatusCreated, "POST", "/api/v1/sessions", o, map[string]any{"title": "规则"}).ID("id"))
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	app.Run(t, []apptest.Scenario{
		{Name: "no title", Method: "POST", Path: "/api/v1/sessions", Token: o, Body: `{}`, Status: 400, Field: "title"},
		{Name: "title wrong type", Method: "POST", Path: "/api/v1/sessions", Token: o, Body: `{"title":5}`, Status: 400, Field: "title"},
		{Name: "bad time", Method: "POST", Path: "/api/v1/sessions", Token: o, Body: map[string]any{"title": "x", "scheduled_at": "明天晚上"}, Status: 400, Field: "scheduled_at"},
		{Name: "past time", Method: "POST", Path: "/api/v1/sessions", Token: o, Body: map[string]any{"title": "x", "scheduled_at": past}, Status: 400, Field: "scheduled_at"},
		{Name: "theme", Method: "POST", Path: "/api/v1/sessions", Token: o, Body: map[string]any{"title": "x", "theme": "neon"}, Status: 400, Field: "theme"},
		{Name: "unknown field", Method: "POST", Path: "/api/v1/sessions", Token: o, Body: map[string]any{"title": "x", "colour": "red"}, Status: 400, Field: "colour"},
		{Name: "video url", Method: "PATCH", Path: s, Token: o, Body: map[string]any{"video_url": "ftp://x/y.m3u8"}, Status: 400, Field: "video_url"},
		{Name: "slow mode", Method: "PATCH", Path: s, Token: o, Body: map[string]any{"slow_mode_seconds": 301}, Status: 400, Field: "slow_mode_seconds"},
		{Name: "rundown", Method: "PATCH", Path: s, Token: o, Body: map[string]any{"rundown": []map[string]any{{"title": "", "minutes": 5}}}, Status: 400, Field: "rundown"},
		{Name: "unknown host", Method: "PATCH", Path: s, Token: o, Body: map[string]any{"host_id": 999999}, Status: 400, Field: "host_id"},
		{Name: "empty banned word", Method: "PUT", Path: s + "/banned-words", Token: o, Body: map[string]any{"words": []string{"ok", " "}}, Status: 400, Field: "words"},
		{Name: "banned words missing", Method: "PUT", Path: s + "/banned-words", Token: o, Body: `{"words":"微信"}`, Status: 400, Field: "words"},
		{Name: "channel", Method: "POST", Path: s + "/entries", Token: o, Body: map[string]any{"channel": "tv"}, Status: 400, Field: "channel"},
		{Name: "nickname", Method: "POST", Path: s + "/viewers", Body: map[string]any{"nickname": " "}, Status: 400, Field: "nickname"},
		{Name: "nickname control", Method: "POST", Path: s + "/viewers", Body: map[string]any{"nickname": "a\u0007"}, Status: 400, Field: "nickname"},
		{Name: "unknown entry", Method: "POST", Path: s + "/viewers", Body: map[string]any{"nickname": "x", "entry": "abcdefgh"}, Status: 400, Field: "entry"},
		{Name: "unknown session", Method: "POST", Path: "/api/v1/sessions/999999/viewers", Body: map[string]any{"nickname": "x"}, Status: 404},
		{Name: "status filter", Method: "GET", Path: "/api/v1/sessions?status=paused", Token: o, Status: 400, Field: "status"},
		{Name: "schedule in the past", Method: "POST", Path: s + "/schedule", Token: o, Body: map[string]any{"scheduled_at": past}, Status: 400, Field: "scheduled_at"},
		{Name: "end a draft", Method: "POST", Path: s + "/end", Token: o, Status: 409, Code: "conflict"},
		{Name: "gift value", Method: "POST", Path: "/api/v1/gifts", Token: o, Body: map[string]any{"name": "x", "icon": "🎁", "value": 0}, Status: 400, Field: "value"},
		{Name: "ranking period", Method: "GET", Path: "/api/v1/rankings?period=day", Status: 400, Field: "period"},
		{Name: "ranking at", Method: "GET", Path: "/api/v1/rankings?at=yesterday", Status: 400, Field: "at"},
		{Name: "entry code", Method: "GET", Path: "/api/v1/entries/nope", Status: 404},
		// Permissions: agents read sessions but neither create nor run them.
		{Name: "agent creates", Method: "POST", Path: "/api/v1/sessions", Token: agent, Body: map[string]any{"title": "x"}, Status: 403, Code: "forbidden"},
		{Name: "agent starts", Method: "POST", Path: s + "/start", Token: agent, Status: 403},
		{Name: "agent edits gifts", Method: "POST", Path: "/api/v1/gifts", Token: agent, Body: map[string]any{"name": "x", "icon": "🎁", "value": 1}, Status: 403},
		{Name: "agent reads", Method: "GET", Path: s, Token: agent, Status: 200},
		{Name: "host reads the sms outbox", Method: "GET", Path: "/api/v1/sandbox/sms", Token: host, Status: 403},
		{Name: "host creates", Method: "POST", Path: "/api/v1/sessions", Token: host, Body: map[string]any{"title": "主播场"}, Status: 201, Has: []string{`"name":"host 同事"`}},
		{Name: "no token", Method: "GET", Path: s, Status: 401},
		{Name: "viewer route without a token", Method: "GET", Path: "/api/v1/viewer/me", Status: 401},
		{Name: "viewer route with a staff token", Method: "GET", Path: "/api/v1/viewer/me", Token: o, Status: 401},
		// Nothing invalid was written.
		{Name: "one session besides the host's", Method: "GET", Path: "/api/v1/sessions", Token: o, Status: 200, Lacks: []string{`"title":"x"`}},
	})
	if r := app.Must(http.StatusOK, "GET", s, o, nil); strings.Contains(string(r.Body), "ftp://") {
		t.Fatalf("a rejected patch was saved: %s", r.Body)
	}
}
