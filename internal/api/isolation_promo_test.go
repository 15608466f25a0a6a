package api_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

// The promo routes in the cross-tenant test. Staff routes with an id are called with
// tenant A's token on tenant B's objects and must answer 404. Viewer routes cannot be
// called with a staff token (401), so TestPromoViewerCrossTenant checks them with
// viewer tokens of tenant A and of another session of tenant B.
func init() {
	byID := func(prefix, name, suffix string) func(b fixtures) string {
		return func(b fixtures) string { return prefix + b.more[name] + suffix }
	}
	sess := func(suffix string) func(b fixtures) string { return byID("/api/v1/sessions/", "promo_session", suffix) }
	envelope := map[string]any{"total": 100, "count": 2, "mode": "fixed"}
	const viewerCase = "viewer token: tenant A's viewer gets 404 on B's envelopes, lotteries and prizes (TestPromoViewerCrossTenant)"
	addIsolation(map[string]isolationCase{
		"POST /api/v1/sessions/{id}/red-envelopes":      {path: sess("/red-envelopes"), body: envelope},
		"GET /api/v1/sessions/{id}/red-envelopes":       {path: sess("/red-envelopes")},
		"GET /api/v1/red-envelopes/{id}":                {path: byID("/api/v1/red-envelopes/", "envelope", "")},
		"POST /api/v1/sessions/{id}/red-envelope-rules": {path: sess("/red-envelope-rules"), body: map[string]any{"likes_milestone": 10, "total": 100, "count": 2, "mode": "fixed"}},
		"GET /api/v1/sessions/{id}/red-envelope-rules":  {path: sess("/red-envelope-rules")},
		"DELETE /api/v1/red-envelope-rules/{id}":        {path: byID("/api/v1/red-envelope-rules/", "rule", "")},
		"POST /api/v1/sessions/{id}/lotteries":          {path: sess("/lotteries"), body: map[string]any{"prize": "hijack", "winners": 1, "condition": "none"}},
		"GET /api/v1/sessions/{id}/lotteries":           {path: sess("/lotteries")},
		"GET /api/v1/lotteries/{id}":                    {path: byID("/api/v1/lotteries/", "lottery", "")},
		"GET /api/v1/lotteries/{id}/winners":            {path: byID("/api/v1/lotteries/", "lottery", "/winners")},
		"POST /api/v1/red-envelopes/{id}/grab":          {public: viewerCase},
		"GET /api/v1/viewer/red-envelopes/{id}":         {public: viewerCase},
		"POST /api/v1/lotteries/{id}/entries":           {public: viewerCase},
		"GET /api/v1/viewer/lotteries/{id}":             {public: viewerCase},
		"PUT /api/v1/viewer/prizes/{id}/delivery":       {public: viewerCase},
		"GET /api/v1/viewer/prizes":                     {public: "caller-scoped: the viewer's own prizes"},
		"GET /api/v1/public/lotteries/{commitment}": {public: "a capability link: the commitment is an unguessable sha256 shown only in the room, " +
			"and a lottery publishes viewer ids, never names or delivery details"},
	}, seedPromo)
}

// seedPromo creates tenant B's promo objects in a live session of its own: a red
// envelope with a grab, a milestone rule, and a lottery with an entry.
func seedPromo(t *testing.T, app *apptest.App, b apptest.Tenant, fx *fixtures) {
	t.Helper()
	s := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", b.Token, map[string]any{"title": "B 红包抽奖 隔离标记"})
	fx.more["promo_session"] = itoa(s.ID("id"))
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+fx.more["promo_session"]+"/start", b.Token, nil)
	v := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+fx.more["promo_session"]+"/viewers", "", map[string]any{"nickname": "B红包观众隔离标记"})
	fx.more["promo_viewer_token"] = v.JSON["token"].(string)
	e := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+fx.more["promo_session"]+"/red-envelopes", b.Token,
		map[string]any{"total": 1000, "count": 10, "mode": "random", "message": "隔离标记"})
	fx.more["envelope"] = itoa(e.ID("id"))
	app.Must(http.StatusOK, "POST", "/api/v1/red-envelopes/"+fx.more["envelope"]+"/grab", fx.more["promo_viewer_token"], nil)
	r := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+fx.more["promo_session"]+"/red-envelope-rules", b.Token,
		map[string]any{"likes_milestone": 100000, "total": 500, "count": 5, "mode": "fixed", "message": "隔离标记"})
	fx.more["rule"] = itoa(r.ID("id"))
	l := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+fx.more["promo_session"]+"/lotteries", b.Token,
		map[string]any{"prize": "隔离标记奖品", "winners": 1, "condition": "none", "draw_after_seconds": 5})
	fx.more["lottery"] = itoa(l.ID("id"))
	fx.more["commitment"] = l.JSON["commitment"].(string)
	app.Must(http.StatusCreated, "POST", "/api/v1/lotteries/"+fx.more["lottery"]+"/entries", fx.more["promo_viewer_token"], nil)
}

// fakeClock is an injected clock for API tests that must pass a draw time.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// waitDrawn polls a lottery until the draw job ran.
func waitDrawn(t *testing.T, app *apptest.App, token, id string) apptest.Response {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := app.Must(http.StatusOK, "GET", "/api/v1/lotteries/"+id, token, nil)
		if r.JSON["status"] == "drawn" {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("lottery %s was not drawn within 10 s: %s", id, r.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestPromoViewerCrossTenant: a viewer token reaches only its own session's envelopes,
// lotteries and prizes; tenant B's objects are not found for tenant A's viewer, and
// neither are another session's for a viewer of the same tenant.
func TestPromoViewerCrossTenant(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Now()}
	app := apptest.New(t, apptest.Options{Now: clock.Now})
	a := app.Signup("Promo A")
	b := app.Signup("Promo B")
	fx := fixtures{more: map[string]string{}}
	seedPromo(t, app, b, &fx)
	clock.Add(6 * time.Second)
	drawn := waitDrawn(t, app, b.Token, fx.more["lottery"])
	prizes := app.Must(http.StatusOK, "GET", "/api/v1/viewer/prizes", fx.more["promo_viewer_token"], nil)
	items := prizes.JSON["items"].([]any)
	if len(items) != 1 || drawn.JSON["winners"].([]any)[0] == nil {
		t.Fatalf("B's only entrant did not win: %s / %s", drawn.Body, prizes.Body)
	}
	prizeID := itoa(int64(items[0].(map[string]any)["id"].(float64)))

	sa := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", a.Token, map[string]any{"title": "A show"})
	tokA := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+itoa(sa.ID("id"))+"/viewers", "", map[string]any{"nickname": "A观众"}).JSON["token"].(string)
	sb := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", b.Token, map[string]any{"title": "B other show"})
	tokB2 := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+itoa(sb.ID("id"))+"/viewers", "", map[string]any{"nickname": "B别场"}).JSON["token"].(string)
	delivery := map[string]any{"name": "黑客", "phone": "13800138000", "address": "某地某路某号某室"}
	var scenarios []apptest.Scenario
	for who, tok := range map[string]string{"tenant A's viewer": tokA, "B's viewer of another session": tokB2} {
		scenarios = append(scenarios,
			apptest.Scenario{Name: who + " grabs B's envelope", Method: "POST", Path: "/api/v1/red-envelopes/" + fx.more["envelope"] + "/grab", Token: tok, Status: 404, Code: "not_found"},
			apptest.Scenario{Name: who + " reads B's envelope", Method: "GET", Path: "/api/v1/viewer/red-envelopes/" + fx.more["envelope"], Token: tok, Status: 404, Code: "not_found"},
			apptest.Scenario{Name: who + " enters B's lottery", Method: "POST", Path: "/api/v1/lotteries/" + fx.more["lottery"] + "/entries", Token: tok, Status: 404, Code: "not_found"},
			apptest.Scenario{Name: who + " reads B's lottery", Method: "GET", Path: "/api/v1/viewer/lotteries/" + fx.more["lottery"], Token: tok, Status: 404, Code: "not_found"},
			apptest.Scenario{Name: who + " fills in B's prize", Method: "PUT", Path: "/api/v1/viewer/prizes/" + prizeID + "/delivery", Token: tok, Body: delivery, Status: 404, Code: "not_found"},
			apptest.Scenario{Name: who + "'s prizes lack B's", Method: "GET", Path: "/api/v1/viewer/prizes", Token: tok, Status: 200, Has: []string{`"items":[]`}},
		)
	}
	scenarios = append(scenarios,
		apptest.Scenario{Name: "B's envelope untouched", Method: "GET", Path: "/api/v1/red-envelopes/" + fx.more["envelope"], Token: b.Token, Status: 200,
			Has: []string{`"grabbed_count":1`}},
		apptest.Scenario{Name: "B's prize has no delivery", Method: "GET", Path: "/api/v1/lotteries/" + fx.more["lottery"] + "/winners", Token: b.Token, Status: 200,
			Has: []string{`"delivery":null`}, Lacks: []string{"黑客"}},
		apptest.Scenario{Name: "anyone verifies by commitment", Method: "GET", Path: "/api/v1/public/lotteries/" + fx.more["commitment"], Status: 200,
			Has: []string{`"seed":"`}, Lacks: []string{"B红包观众"}},
		apptest.Scenario{Name: "unknown commitment", Method: "GET", Path: "/api/v1/public/lotteries/" + strings.Repeat("0", 64), Status: 404},
	)
	app.Run(t, scenarios)
}
