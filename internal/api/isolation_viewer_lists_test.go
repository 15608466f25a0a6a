package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

// The viewer lists a room page reads when it joins: caller-scoped by the viewer token's
// session, proven by TestViewerListsStayInTheSession.
func init() {
	const why = "caller-scoped: the viewer token's own session only (TestViewerListsStayInTheSession)"
	addIsolation(map[string]isolationCase{
		"GET /api/v1/viewer/red-envelopes": {public: why},
		"GET /api/v1/viewer/lotteries":     {public: why},
	}, nil)
}

// TestViewerListsStayInTheSession: a viewer who joins late sees the open red envelopes
// and lotteries of their own session (with what they grabbed and whether they entered),
// never another tenant's or another session's; once drawn, the lottery lists its
// winners and the winner's prize, and an emptied envelope leaves the list.
func TestViewerListsStayInTheSession(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Now()}
	app := apptest.New(t, apptest.Options{Now: clock.Now})
	a := app.Signup("Lists A")
	b := app.Signup("Lists B")
	fx := fixtures{more: map[string]string{}}
	seedPromo(t, app, b, &fx) // B's envelope (grabbed once by B's viewer) and lottery (entered by them)
	sid := fx.more["promo_session"]
	mine := fx.more["promo_viewer_token"]
	late := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/viewers", "", map[string]any{"nickname": "晚到的观众"}).JSON["token"].(string)
	one := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/red-envelopes", b.Token,
		map[string]any{"total": 100, "count": 1, "mode": "fixed", "message": "一个就抢完"})
	oneID := itoa(one.ID("id"))

	sa := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", a.Token, map[string]any{"title": "A show"})
	tokA := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+itoa(sa.ID("id"))+"/viewers", "", map[string]any{"nickname": "A观众"}).JSON["token"].(string)
	sb := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", b.Token, map[string]any{"title": "B other show"})
	tokB2 := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+itoa(sb.ID("id"))+"/viewers", "", map[string]any{"nickname": "B别场"}).JSON["token"].(string)

	envelope, lottery := `"id":`+fx.more["envelope"]+`,`, `"id":`+fx.more["lottery"]+`,`
	scenarios := []apptest.Scenario{
		{Name: "B's viewer sees the envelope they grabbed", Method: "GET", Path: "/api/v1/viewer/red-envelopes", Token: mine, Status: 200,
			Has: []string{envelope, `"message":"隔离标记"`, `"remaining_count":9`}},
		{Name: "a late joiner sees both envelopes, nothing grabbed", Method: "GET", Path: "/api/v1/viewer/red-envelopes", Token: late, Status: 200,
			Has: []string{envelope, `"id":` + oneID + `,`, `"my_amount":0`}},
		{Name: "B's viewer is in the lottery", Method: "GET", Path: "/api/v1/viewer/lotteries", Token: mine, Status: 200,
			Has:   []string{lottery, `"prize":"隔离标记奖品"`, `"status":"open"`, `"entered":true`, `"entrant_count":1`, `"winners":[]`},
			Lacks: []string{`"entrants"`, `"seed"`}},
		{Name: "the late joiner is not", Method: "GET", Path: "/api/v1/viewer/lotteries", Token: late, Status: 200,
			Has: []string{lottery, `"entered":false`}},
		{Name: "grab the one-share envelope", Method: "POST", Path: "/api/v1/red-envelopes/" + oneID + "/grab", Token: late, Status: 200},
	}
	for who, tok := range map[string]string{"tenant A's viewer": tokA, "B's viewer of another session": tokB2} {
		scenarios = append(scenarios,
			apptest.Scenario{Name: who + " sees no envelope of B's session", Method: "GET", Path: "/api/v1/viewer/red-envelopes", Token: tok,
				Status: 200, Has: []string{`"items":[]`}, Lacks: []string{"隔离标记"}},
			apptest.Scenario{Name: who + " sees no lottery of B's session", Method: "GET", Path: "/api/v1/viewer/lotteries", Token: tok,
				Status: 200, Has: []string{`"items":[]`}, Lacks: []string{"隔离标记"}})
	}
	app.Run(t, scenarios)
	for _, it := range app.Must(http.StatusOK, "GET", "/api/v1/viewer/red-envelopes", mine, nil).JSON["items"].([]any) {
		e := it.(map[string]any)
		if grabbed := e["my_amount"].(float64) > 0; grabbed != (itoa(int64(e["id"].(float64))) == fx.more["envelope"]) {
			t.Errorf("B's viewer grabbed only envelope %s, list says %v", fx.more["envelope"], e)
		}
	}

	app.Run(t, []apptest.Scenario{{Name: "an emptied envelope leaves the list", Method: "GET", Path: "/api/v1/viewer/red-envelopes", Token: late,
		Status: 200, Has: []string{envelope}, Lacks: []string{`"id":` + oneID + `,`}}})

	clock.Add(6 * time.Second)
	waitDrawn(t, app, b.Token, fx.more["lottery"])
	prizes := app.Must(http.StatusOK, "GET", "/api/v1/viewer/prizes", mine, nil).JSON["items"].([]any)
	if len(prizes) != 1 {
		t.Fatalf("B's only entrant has %d prizes", len(prizes))
	}
	prizeID := itoa(int64(prizes[0].(map[string]any)["id"].(float64)))
	app.Run(t, []apptest.Scenario{
		{Name: "the winner sees the draw and their prize", Method: "GET", Path: "/api/v1/viewer/lotteries", Token: mine, Status: 200,
			Has: []string{lottery, `"status":"drawn"`, `"nickname":"B红包观众隔离标记"`, `"my_prize_id":` + prizeID, `"seed":"`}},
		{Name: "the late joiner sees who won, no prize", Method: "GET", Path: "/api/v1/viewer/lotteries", Token: late, Status: 200,
			Has: []string{`"status":"drawn"`, `"nickname":"B红包观众隔离标记"`}, Lacks: []string{"my_prize_id"}},
	})

	clock.Add(31 * time.Minute)
	app.Run(t, []apptest.Scenario{{Name: "a draw long past leaves the room", Method: "GET", Path: "/api/v1/viewer/lotteries", Token: late,
		Status: 200, Has: []string{`"items":[]`}}})
}
