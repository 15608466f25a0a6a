package api_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
	"github.com/siyu-live/siyu/internal/promo"
)

// TestRedEnvelopeContract drives the red-envelope endpoints exactly as CONTRACT.md
// states them.
func TestRedEnvelopeContract(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	o := app.Signup("Envelope Co").Token
	sidN := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", o, map[string]any{"title": "红包场"}).ID("id")
	sid := itoa(sidN)
	app.Run(t, []apptest.Scenario{
		{Name: "not live yet", Method: "POST", Path: "/api/v1/sessions/" + sid + "/red-envelopes", Token: o,
			Body: map[string]any{"total": 100, "count": 2, "mode": "random"}, Status: 409, Code: "session_not_live"},
		{Name: "start", Method: "POST", Path: "/api/v1/sessions/" + sid + "/start", Token: o, Status: 200},
		{Name: "bad mode", Method: "POST", Path: "/api/v1/sessions/" + sid + "/red-envelopes", Token: o,
			Body: map[string]any{"total": 100, "count": 2, "mode": "lucky"}, Status: 400, Code: "invalid", Field: "mode"},
		{Name: "total < count", Method: "POST", Path: "/api/v1/sessions/" + sid + "/red-envelopes", Token: o,
			Body: map[string]any{"total": 1, "count": 2, "mode": "fixed"}, Status: 400, Field: "total"},
		{Name: "count as a string", Method: "POST", Path: "/api/v1/sessions/" + sid + "/red-envelopes", Token: o,
			Body: `{"total":100,"count":"2","mode":"fixed"}`, Status: 400, Field: "count"},
	})
	e := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/red-envelopes", o, map[string]any{"total": 1000, "count": 3, "mode": "random"})
	eid := itoa(e.ID("id"))
	if eid == "0" {
		t.Fatalf("no id: %s", e.Body)
	}
	app.Run(t, []apptest.Scenario{{Name: "fresh envelope", Method: "GET", Path: "/api/v1/red-envelopes/" + eid, Token: o, Status: 200,
		Has: []string{`"total":1000`, `"count":3`, `"remaining":1000`, `"grabs":[]`, `"status":"open"`}}})
	viewers := make([]string, 5)
	for i := range viewers {
		viewers[i] = app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/viewers", "", map[string]any{"nickname": "观众"}).JSON["token"].(string)
	}
	var mu sync.Mutex
	sum, ok, empty, winner := int64(0), 0, 0, ""
	var wg sync.WaitGroup
	for _, tok := range viewers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := app.Do("POST", "/api/v1/red-envelopes/"+eid+"/grab", tok, nil)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case r.Status == 200:
				ok++
				sum += r.ID("amount")
				winner = tok
			case r.Status == 409 && r.ErrorCode() == "empty":
				empty++
			default:
				t.Errorf("grab: %d %s", r.Status, r.Body)
			}
		}()
	}
	wg.Wait()
	if ok != 3 || empty != 2 || sum != 1000 {
		t.Fatalf("%d grabs (%d fen), %d empty; want 3 grabs of 1000 fen and 2 empty", ok, sum, empty)
	}
	app.Run(t, []apptest.Scenario{
		{Name: "grab twice", Method: "POST", Path: "/api/v1/red-envelopes/" + eid + "/grab", Token: winner, Status: 409, Code: "already_grabbed"},
		{Name: "staff read", Method: "GET", Path: "/api/v1/red-envelopes/" + eid, Token: o, Status: 200,
			Has: []string{`"total":1000`, `"count":3`, `"remaining":0`, `"grabs":[{"viewer_id":`, `"amount":`, `"status":"empty"`}},
		{Name: "viewer read", Method: "GET", Path: "/api/v1/viewer/red-envelopes/" + eid, Token: viewers[4], Status: 200, Has: []string{`"grabs":[`}},
		{Name: "staff token cannot grab", Method: "POST", Path: "/api/v1/red-envelopes/" + eid + "/grab", Token: o, Status: 401},
		{Name: "list", Method: "GET", Path: "/api/v1/sessions/" + sid + "/red-envelopes", Token: o, Status: 200, Has: []string{`"id":` + eid}},
		{Name: "rule", Method: "POST", Path: "/api/v1/sessions/" + sid + "/red-envelope-rules", Token: o,
			Body: map[string]any{"likes_milestone": 1000, "total": 500, "count": 5, "mode": "fixed"}, Status: 201, Has: []string{`"likes_milestone":1000`}},
		{Name: "rule without milestone", Method: "POST", Path: "/api/v1/sessions/" + sid + "/red-envelope-rules", Token: o,
			Body: map[string]any{"total": 500, "count": 5, "mode": "fixed"}, Status: 400, Field: "likes_milestone"},
	})
	// The milestone fires when the room reports the likes (wired by the room engine).
	app.Server.Promo.OnLikes(t.Context(), sidN, 1000)
	list := app.Must(http.StatusOK, "GET", "/api/v1/sessions/"+sid+"/red-envelope-rules", o, nil)
	if !strings.Contains(string(list.Body), `"envelope_id":`) {
		t.Fatalf("the milestone did not fire: %s", list.Body)
	}
}

// TestLotteryContract drives the lottery endpoints as CONTRACT.md states them, through
// the automatic draw, and verifies the result independently.
func TestLotteryContract(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Now()}
	app := apptest.New(t, apptest.Options{Now: clock.Now})
	o := app.Signup("Lottery Co").Token
	sid := itoa(app.Must(http.StatusCreated, "POST", "/api/v1/sessions", o, map[string]any{"title": "抽奖场"}).ID("id"))
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+sid+"/start", o, nil)
	app.Run(t, []apptest.Scenario{
		{Name: "password missing", Method: "POST", Path: "/api/v1/sessions/" + sid + "/lotteries", Token: o,
			Body: map[string]any{"prize": "手机", "winners": 1, "condition": "password"}, Status: 400, Field: "password"},
		{Name: "unknown condition", Method: "POST", Path: "/api/v1/sessions/" + sid + "/lotteries", Token: o,
			Body: map[string]any{"prize": "手机", "winners": 1, "condition": "like"}, Status: 400, Field: "condition"},
	})
	l := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/lotteries", o,
		map[string]any{"prize": "手机", "winners": 2, "condition": "password", "password": "888"})
	lid, commitment := itoa(l.ID("id")), l.JSON["commitment"].(string)
	if len(commitment) != 64 || l.JSON["seed"] != nil {
		t.Fatalf("launch answer: %s", l.Body)
	}
	var tokens []string
	for range 4 {
		tokens = append(tokens, app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/viewers", "", map[string]any{"nickname": "粉丝"}).JSON["token"].(string))
	}
	app.Run(t, []apptest.Scenario{
		{Name: "wrong password", Method: "POST", Path: "/api/v1/lotteries/" + lid + "/entries", Token: tokens[0], Body: map[string]any{"password": "887"},
			Status: 409, Code: "condition_not_met", Has: []string{"password"}},
		{Name: "no body", Method: "POST", Path: "/api/v1/lotteries/" + lid + "/entries", Token: tokens[0], Status: 409, Code: "condition_not_met"},
		{Name: "enter", Method: "POST", Path: "/api/v1/lotteries/" + lid + "/entries", Token: tokens[0], Body: map[string]any{"password": "888"}, Status: 201},
		{Name: "enter again", Method: "POST", Path: "/api/v1/lotteries/" + lid + "/entries", Token: tokens[0], Body: map[string]any{"password": "888"}, Status: 200},
		{Name: "enter 2", Method: "POST", Path: "/api/v1/lotteries/" + lid + "/entries", Token: tokens[1], Body: map[string]any{"password": "888"}, Status: 201},
		{Name: "enter 3", Method: "POST", Path: "/api/v1/lotteries/" + lid + "/entries", Token: tokens[2], Body: map[string]any{"password": "888"}, Status: 201},
		{Name: "open", Method: "GET", Path: "/api/v1/lotteries/" + lid, Token: o, Status: 200,
			Has: []string{`"status":"open"`, `"commitment":"` + commitment, `"entrants":[`, `"entrant_count":3`, `"winners":[]`}, Lacks: []string{`"seed"`, "888"}},
		{Name: "second lottery this month (personal plan)", Method: "POST", Path: "/api/v1/sessions/" + sid + "/lotteries", Token: o,
			Body: map[string]any{"prize": "耳机", "winners": 1, "condition": "none"}, Status: 409, Code: "lottery_limit_reached"},
	})
	clock.Add(61 * time.Second)
	drawn := waitDrawn(t, app, o, lid)
	rec, err := promo.ParseLotteryRecord(drawn.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := promo.VerifyLottery(rec); err != nil {
		t.Fatalf("the draw does not verify: %v\n%s", err, drawn.Body)
	}
	if len(rec.Winners) != 2 {
		t.Fatalf("winners: %s", drawn.Body)
	}
	app.Run(t, []apptest.Scenario{
		{Name: "entry after the draw", Method: "POST", Path: "/api/v1/lotteries/" + lid + "/entries", Token: tokens[3], Body: map[string]any{"password": "888"},
			Status: 409, Code: "lottery_closed"},
		{Name: "winners before delivery", Method: "GET", Path: "/api/v1/lotteries/" + lid + "/winners", Token: o, Status: 200, Has: []string{`"delivery":null`}},
	})
	// A winner fills in the form from their prize list.
	for _, tok := range tokens[:3] {
		prizes := app.Must(http.StatusOK, "GET", "/api/v1/viewer/prizes", tok, nil)
		items := prizes.JSON["items"].([]any)
		if len(items) == 0 {
			continue
		}
		pid := itoa(int64(items[0].(map[string]any)["id"].(float64)))
		app.Run(t, []apptest.Scenario{
			{Name: "bad phone", Method: "PUT", Path: "/api/v1/viewer/prizes/" + pid + "/delivery", Token: tok,
				Body: map[string]any{"name": "李雷", "phone": "110", "address": "北京市海淀区中关村大街 1 号"}, Status: 400, Field: "phone"},
			{Name: "delivery", Method: "PUT", Path: "/api/v1/viewer/prizes/" + pid + "/delivery", Token: tok,
				Body: map[string]any{"name": "李雷", "phone": "13900139000", "address": "北京市海淀区中关村大街 1 号"}, Status: 200, Has: []string{`"name":"李雷"`}},
			{Name: "host sees it", Method: "GET", Path: "/api/v1/lotteries/" + lid + "/winners", Token: o, Status: 200, Has: []string{"中关村大街"}},
		})
		return
	}
	t.Fatal("no entrant has a prize")
}
