package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

// TestSessionAnswersForPages: what the console and the viewer pages read from one
// answer instead of asking again: each session's reservation count and its brand's
// next show (get, list, preview), an ended show's final public figures on the preview,
// and how many viewers are in a live room in discovery and rankings. On both engines.
func TestSessionAnswersForPages(t *testing.T) {
	t.Parallel()
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			t.Parallel()
			app := apptest.New(t, apptest.Options{Postgres: pg})
			o := app.Signup("Next Brand").Token
			other := app.Signup("Other Brand").Token
			in := func(d time.Duration) string { return time.Now().Add(d).UTC().Format(time.RFC3339) }
			create := func(token, title, at string) string {
				body := map[string]any{"title": title}
				if at != "" {
					body["scheduled_at"] = at
				}
				return itoa(app.Must(http.StatusCreated, "POST", "/api/v1/sessions", token, body).ID("id"))
			}
			cur := create(o, "今晚直播", "")
			later := create(o, "周末专场", in(72*time.Hour))
			soonAt := in(24 * time.Hour)
			soon := create(o, "明晚新品", soonAt)
			lonely := create(other, "别家预告", in(time.Hour)) // sooner, but another brand's
			s := "/api/v1/sessions/"
			v := app.Must(http.StatusCreated, "POST", s+cur+"/viewers", "", map[string]any{"nickname": "小红"})
			vtok := v.JSON["token"].(string)
			app.Must(http.StatusCreated, "POST", s+soon+"/reservations", vtok, nil)
			nextOf := func(id, title string) string { return `"next_session":{"id":` + id + `,"title":"` + title + `"` }

			app.Run(t, []apptest.Scenario{
				{Name: "get: next show and no reservations", Method: "GET", Path: s + cur, Token: o, Status: 200,
					Has:   []string{`"reservations":0,` + nextOf(soon, "明晚新品"), `"scheduled_at":"` + soonAt + `","preview_url":"`, "/live/s/" + soon + "/preview"},
					Lacks: []string{"别家预告"}},
				{Name: "get: the next show's own next", Method: "GET", Path: s + soon, Token: o, Status: 200,
					Has: []string{`"reservations":1,` + nextOf(later, "周末专场")}},
				{Name: "list: counts and next shows per row", Method: "GET", Path: "/api/v1/sessions", Token: o, Status: 200,
					Has: []string{`"reservations":1,` + nextOf(later, "周末专场"), `"reservations":0,` + nextOf(soon, "明晚新品")}},
				{Name: "preview: next show, no final figures yet", Method: "GET", Path: s + cur + "/preview", Status: 200,
					Has: []string{nextOf(soon, "明晚新品")}, Lacks: []string{`"final_stats"`, "别家预告"}},
				{Name: "preview: a brand with one show has no next", Method: "GET", Path: s + lonely + "/preview", Status: 200,
					Lacks: []string{`"next_session"`}},
				{Name: "start", Method: "POST", Path: s + cur + "/start", Token: o, Status: 200},
			})

			viewer := dialRoom(t, app, cur, vtok)
			viewer.waitFor("welcome", nil)
			viewer.send(map[string]any{"type": "like", "count": 5})
			viewer.waitFor("stats", func(m map[string]any) bool { return m["online"] == float64(1) && m["likes"] == float64(5) })
			// The hour's popularity row is written with the join; wait for the ranking to list it.
			for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				r := app.Must(http.StatusOK, "GET", "/api/v1/rankings", "", nil)
				if strings.Contains(string(r.Body), `"session_id":`+cur) || time.Now().After(deadline) {
					break
				}
			}
			app.Run(t, []apptest.Scenario{
				{Name: "discover: online in the live room", Method: "GET", Path: "/api/v1/discover", Status: 200,
					Has: []string{`"session_id":` + cur + `,"title":"今晚直播"`, `"online":1,`, `"online":0,`}},
				{Name: "rankings: online in the live room", Method: "GET", Path: "/api/v1/rankings", Status: 200,
					Has: []string{`"session_id":` + cur, `"status":"live"`, `"online":1,`}},
				{Name: "end", Method: "POST", Path: s + cur + "/end", Token: o, Status: 200,
					Has: []string{`"status":"ended"`, nextOf(soon, "明晚新品")}},
				{Name: "preview: final public figures once ended", Method: "GET", Path: s + cur + "/preview", Status: 200,
					Has:   []string{`"status":"ended"`, `"final_stats":{"viewers":1,"likes":5,"peak_online":1}`, nextOf(soon, "明晚新品")},
					Lacks: []string{`"comments"`, `"gift_value"`}},
				{Name: "rankings: nobody online once ended", Method: "GET", Path: "/api/v1/rankings", Status: 200,
					Has: []string{`"status":"ended"`}, Lacks: []string{`"online":1`}},
			})
		})
	}
}
