package api_test

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
	"github.com/siyu-live/siyu/internal/testkit"
)

// TestReportReconciles drives a show through the API as viewers and staff would —
// viewers join through an entry link or directly, comment, like, open products, buy,
// some pay, one cancels, a buyer never joins — and checks that the post-live report
// equals what the orders table and the room's events say, on both engines.
func TestReportReconciles(t *testing.T) {
	t.Parallel()
	for _, pg := range []bool{false, true} {
		name := map[bool]string{false: "sqlite", true: "postgres"}[pg]
		t.Run(name, func(t *testing.T) {
			clock := testkit.NewClock(time.Now())
			reportReconciles(t, apptest.New(t, apptest.Options{Postgres: pg, Now: clock.Now}), clock)
		})
	}
}

// show is one show under test: its ids and viewer tokens.
type show struct {
	t      *testing.T
	app    *apptest.App
	staff  string
	sid    string
	p1, p2 int64
	tok    []string
}

func (s *show) order(v int, product int64, qty int) string {
	return itoa(s.app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+s.sid+"/orders", s.tok[v], map[string]any{
		"lines": []map[string]any{{"product_id": product, "quantity": qty}}}).ID("id"))
}

func (s *show) pay(v int, oid string) {
	pay := s.app.Must(http.StatusOK, "POST", "/api/v1/viewer/orders/"+oid+"/pay", s.tok[v], nil)
	u, err := url.Parse(pay.JSON["pay_url"].(string))
	if err != nil {
		s.t.Fatal(err)
	}
	click(s.t, s.app, u.Path, "success")
}

func (s *show) events(v int, evs ...map[string]any) {
	r := s.app.Must(http.StatusOK, "POST", "/api/v1/viewer/events", s.tok[v], map[string]any{"events": evs})
	if r.JSON["recorded"] != float64(len(evs)) {
		s.t.Fatalf("events: %s", r.Body)
	}
}

func reportReconciles(t *testing.T, app *apptest.App, clock *testkit.Clock) {
	shop := app.Signup("Report Shop")
	s := &show{t: t, app: app, staff: shop.Token}
	s.p1 = app.Must(http.StatusCreated, "POST", "/api/v1/products", shop.Token, map[string]any{"name": "课程A", "price": 1000, "stock": 100, "virtual": true}).ID("id")
	s.p2 = app.Must(http.StatusCreated, "POST", "/api/v1/products", shop.Token, map[string]any{"name": "限量礼盒", "price": 5000, "stock": 1, "virtual": true}).ID("id")
	s.sid = itoa(app.Must(http.StatusCreated, "POST", "/api/v1/sessions", shop.Token, map[string]any{"title": "复盘专场"}).ID("id"))
	for _, p := range []int64{s.p1, s.p2} {
		app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+s.sid+"/showcase", shop.Token, map[string]any{"product_id": p})
	}
	code := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+s.sid+"/entries", shop.Token,
		map[string]any{"channel": "community", "label": "老客群"}).JSON["code"].(string)
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+s.sid+"/start", shop.Token, nil)
	for i := range 6 {
		in := map[string]any{"nickname": "观众" + itoa(int64(i))}
		if i < 3 {
			in["entry"] = code
		}
		s.tok = append(s.tok, app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+s.sid+"/viewers", "", in).JSON["token"].(string))
	}
	// Viewers 0–3 join and stay 90 seconds; 0 and 1 comment, 2 likes.
	var ws []*wsClient
	for i := range 4 {
		c := dialRoom(t, app, s.sid, s.tok[i])
		c.waitFor("welcome", nil)
		ws = append(ws, c)
	}
	for _, m := range []struct {
		v    int
		text string
	}{{0, "好看"}, {0, "多少钱"}, {1, "上链接"}} {
		ws[m.v].send(map[string]any{"type": "comment", "text": m.text})
		ws[m.v].waitFor("comment", func(e map[string]any) bool { return e["text"] == m.text })
	}
	ws[2].send(map[string]any{"type": "like", "count": 7})
	clock.Add(90 * time.Second)
	// Viewer 4 comes late and leaves at once.
	late := dialRoom(t, app, s.sid, s.tok[4])
	late.waitFor("welcome", nil)
	late.ws.Close()

	view := func(p int64) map[string]any { return map[string]any{"type": "product_view", "product_id": p} }
	s.events(0, view(s.p1), map[string]any{"type": "checkout", "product_id": s.p1})
	s.pay(0, s.order(0, s.p1, 2))
	s.events(1, view(s.p1), map[string]any{"type": "product_leave", "product_id": s.p1, "ms": 45000})
	s.pay(2, s.order(2, s.p2, 1)) // the last box: sold out now
	s.order(3, s.p1, 1)           // never paid
	cancel := s.order(3, s.p1, 1)
	app.Must(http.StatusOK, "POST", "/api/v1/viewer/orders/"+cancel+"/cancel", s.tok[3], nil)
	s.events(3, view(s.p2))
	s.pay(5, s.order(5, s.p1, 3)) // a buyer who never joined the room

	d := app.Must(http.StatusOK, "GET", "/api/v1/sessions/"+s.sid+"/dashboard", shop.Token, nil)
	for k, want := range map[string]float64{"orders": 5, "gmv": 12000, "paid_orders": 3, "paid_amount": 10000, "viewers": 5,
		"product_views": 3, "checkouts": 1} {
		if d.JSON[k] != want {
			t.Errorf("dashboard %s = %v, want %v", k, d.JSON[k], want)
		}
	}
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+s.sid+"/end", shop.Token, nil)

	// The CRM links viewers to customers asynchronously: wait for all six profiles.
	var r apptest.Response
	deadline := time.Now().Add(15 * time.Second)
	for {
		r = app.Must(http.StatusOK, "GET", "/api/v1/sessions/"+s.sid+"/report", shop.Token, nil)
		cust := r.JSON["customers"].(map[string]any)
		conv, non := cust["converted"].(map[string]any)["count"], cust["non_converted"].(map[string]any)["count"]
		if conv == float64(3) && non == float64(3) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("customers never settled at 3 + 3: %v %v", conv, non)
		}
		time.Sleep(100 * time.Millisecond)
	}
	checkAgainstTables(t, app, s.sid, r)
	wantFunnel := []float64{5, 4, 4, 3, 2} // entered, stayed ≥ 1 min, viewed, checkout, paid
	for i, st := range r.JSON["funnel"].([]any) {
		if got := st.(map[string]any)["count"]; got != wantFunnel[i] {
			t.Errorf("funnel stage %v = %v, want %v", st.(map[string]any)["stage"], got, wantFunnel[i])
		}
	}
	if r.JSON["funnel"].([]any)[0].(map[string]any)["stage"] != "entered" {
		t.Errorf("the funnel's first stage is %v", r.JSON["funnel"].([]any)[0])
	}
	reasons := map[float64][]any{}
	for _, p := range r.JSON["products"].([]any) {
		p := p.(map[string]any)
		reasons[p["product_id"].(float64)] = p["reasons"].([]any)
	}
	if rs := reasons[float64(s.p2)]; len(rs) != 1 || rs[0] != "sold_out" {
		t.Errorf("the sold-out box's reasons: %v", rs)
	}
	if rs := reasons[float64(s.p1)]; len(rs) != 1 || rs[0] != "long_view" {
		t.Errorf("the course's reasons (a viewer spent 45 s and left): %v", rs)
	}
	attr := map[string]map[string]any{}
	for _, c := range r.JSON["attribution"].(map[string]any)["channels"].([]any) {
		attr[c.(map[string]any)["channel"].(string)] = c.(map[string]any)
	}
	if c := attr["community"]; c["viewers"] != float64(3) || c["orders"] != float64(2) || c["paid_amount"] != float64(7000) {
		t.Errorf("community channel: %v", c)
	}
	if c := attr["direct"]; c["viewers"] != float64(2) || c["orders"] != float64(3) || c["gmv"] != float64(5000) {
		t.Errorf("direct channel: %v", c)
	}

	// One click tags the converted customers; the customer list then finds them.
	tag := app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+s.sid+"/report/tag", shop.Token,
		map[string]any{"group": "converted", "tags": []string{"复盘成交"}})
	if tag.JSON["tagged"] != float64(3) {
		t.Fatalf("tag: %s", tag.Body)
	}
	if n := len(app.Must(http.StatusOK, "GET", "/api/v1/customers?tag=复盘成交", shop.Token, nil).JSON["items"].([]any)); n != 3 {
		t.Errorf("%d customers carry the tag, want 3", n)
	}
	page := app.Must(http.StatusOK, "GET", "/api/v1/sessions/"+s.sid+"/report/customers?group=non_converted&limit=2", shop.Token, nil)
	if len(page.JSON["items"].([]any)) != 2 || page.JSON["next_cursor"] != "2" {
		t.Errorf("customers page: %s", page.Body)
	}
	app.Run(t, []apptest.Scenario{
		{Name: "unknown group", Method: "POST", Path: "/api/v1/sessions/" + s.sid + "/report/tag", Token: shop.Token,
			Body: map[string]any{"group": "vip", "tags": []string{"x"}}, Status: 400, Field: "group"},
		{Name: "bad tag", Method: "POST", Path: "/api/v1/sessions/" + s.sid + "/report/tag", Token: shop.Token,
			Body: map[string]any{"group": "converted", "tags": []string{"a b"}}, Status: 400, Field: "tags"},
		{Name: "a host may not tag", Method: "POST", Path: "/api/v1/sessions/" + s.sid + "/report/tag", Token: hostToken(t, app, shop),
			Body: map[string]any{"group": "converted", "tags": []string{"x"}}, Status: 403},
		{Name: "bad viewer event", Method: "POST", Path: "/api/v1/viewer/events", Token: s.tok[0],
			Body: map[string]any{"events": []map[string]any{{"type": "stare", "product_id": s.p1}}}, Status: 400, Field: "events[0].type"},
		{Name: "no events", Method: "POST", Path: "/api/v1/viewer/events", Token: s.tok[0], Body: map[string]any{"events": []any{}},
			Status: 400, Field: "events"},
	})
	x := app.Do("GET", "/api/v1/sessions/"+s.sid+"/report.xlsx", shop.Token, nil)
	if x.Status != http.StatusOK || !bytes.HasPrefix(x.Body, []byte("PK")) {
		t.Fatalf("excel export: %d %.80s", x.Status, x.Body)
	}
}

// checkAgainstTables compares the report's CONTRACT figures with what the orders table
// and the room's stored events say.
func checkAgainstTables(t *testing.T, app *apptest.App, sid string, r apptest.Response) {
	t.Helper()
	store := app.Server.Store
	var want struct {
		Orders     int64 `db:"orders"`
		GMV        int64 `db:"gmv"`
		PaidOrders int64 `db:"paid_orders"`
		PaidAmount int64 `db:"paid_amount"`
		Viewers    int64 `db:"viewers"`
		Comments   int64 `db:"comments"`
		Likes      int64 `db:"likes"`
		Peak       int64 `db:"peak"`
	}
	id := numID(sid)
	if err := store.GetContext(t.Context(), &want, `SELECT
		(SELECT COUNT(*) FROM orders WHERE session_id = ?) AS orders,
		(SELECT COALESCE(SUM(total_fen), 0) FROM orders WHERE session_id = ?) AS gmv,
		(SELECT COUNT(*) FROM orders WHERE session_id = ? AND paid_at > 0 AND status <> 'refunded') AS paid_orders,
		(SELECT COALESCE(SUM(total_fen), 0) FROM orders WHERE session_id = ? AND paid_at > 0 AND status <> 'refunded') AS paid_amount,
		(SELECT COUNT(DISTINCT viewer_id) FROM room_events WHERE session_id = ? AND kind = 'join') AS viewers,
		(SELECT COUNT(*) FROM room_events WHERE session_id = ? AND kind = 'comment' AND hidden = 0) AS comments,
		(SELECT COALESCE(SUM(likes), 0) FROM room_presence WHERE session_id = ?) AS likes,
		(SELECT peak_online FROM live_sessions WHERE id = ?) AS peak`, id, id, id, id, id, id, id, id); err != nil {
		t.Fatal(err)
	}
	for k, w := range map[string]int64{"orders": want.Orders, "gmv": want.GMV, "paid_orders": want.PaidOrders,
		"paid_amount": want.PaidAmount, "viewers": want.Viewers, "comments": want.Comments, "likes": want.Likes, "peak_online": want.Peak} {
		if r.JSON[k] != float64(w) {
			t.Errorf("report %s = %v, the tables say %d", k, r.JSON[k], w)
		}
	}
	for k, w := range map[string]int64{"orders": 5, "gmv": 12000, "paid_orders": 3, "paid_amount": 10000, "viewers": 5, "comments": 3, "likes": 7} {
		if r.JSON[k] != float64(w) {
			t.Errorf("report %s = %v, want %d", k, r.JSON[k], w)
		}
	}
}
