package api_test

import (
	"net/http"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// TestCommentBuyOverAPI: staff arm "+1"; a viewer on a real WebSocket comments "＋1",
// the comment shows in the room and the viewer alone gets order_draft for an order
// that exists; a second "+1" while it is unpaid drafts nothing; a comment held back
// by a banned word drafts nothing; without stock the viewer hears
// order_draft_failed. On SQLite and PostgreSQL.
func TestCommentBuyOverAPI(t *testing.T) {
	t.Parallel()
	bothEngines(t, commentBuyOverAPI)
}

func commentBuyOverAPI(t *testing.T, app *apptest.App) {
	shop := app.Signup("Comment Shop")
	sid := itoa(app.Must(http.StatusCreated, "POST", "/api/v1/sessions", shop.Token, map[string]any{"title": "评论下单"}).ID("id"))
	coat := app.Must(http.StatusCreated, "POST", "/api/v1/products", shop.Token, map[string]any{"name": "羊绒大衣", "price": 59900, "stock": 10}).ID("id")
	cap1 := app.Must(http.StatusCreated, "POST", "/api/v1/products", shop.Token, map[string]any{"name": "毛线帽", "price": 5900, "stock": 10}).ID("id")
	last := app.Must(http.StatusCreated, "POST", "/api/v1/products", shop.Token, map[string]any{"name": "孤品", "price": 100, "stock": 1}).ID("id")
	app.Must(http.StatusOK, "PUT", "/api/v1/sessions/"+sid+"/banned-words", shop.Token, map[string]any{"words": []string{"微信"}})
	app.Run(t, []apptest.Scenario{
		{Name: "not live yet", Method: "POST", Path: "/api/v1/sessions/" + sid + "/comment-buys", Token: shop.Token,
			Body: map[string]any{"keyword": "+1", "product_id": coat}, Status: 409, Code: "session_not_live"},
	})
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+sid+"/start", shop.Token, nil)
	arm := func(keyword string, product int64, extra map[string]any) string {
		body := map[string]any{"keyword": keyword, "product_id": product}
		for k, v := range extra {
			body[k] = v
		}
		return itoa(app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/comment-buys", shop.Token, body).ID("id"))
	}
	plusOne := arm("+1", coat, map[string]any{"price": 39900})
	arm("帽子", cap1, nil)
	arm("微信同款", cap1, nil)
	arm("抢", last, nil)
	app.Run(t, []apptest.Scenario{
		{Name: "keyword taken", Method: "POST", Path: "/api/v1/sessions/" + sid + "/comment-buys", Token: shop.Token,
			Body: map[string]any{"keyword": "＋１", "product_id": cap1}, Status: 409, Code: "keyword_in_use"},
		{Name: "no keyword", Method: "POST", Path: "/api/v1/sessions/" + sid + "/comment-buys", Token: shop.Token,
			Body: map[string]any{"product_id": cap1}, Status: 400, Field: "keyword"},
		{Name: "foreign product", Method: "POST", Path: "/api/v1/sessions/" + sid + "/comment-buys", Token: shop.Token,
			Body: map[string]any{"keyword": "x", "product_id": 99999999}, Status: 404, Field: "product_id"},
	})

	viewer := func(nick string) (string, int64) {
		v := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/viewers", "", map[string]any{"nickname": nick})
		return v.JSON["token"].(string), v.ID("viewer_id")
	}
	amyTok, _ := viewer("小美")
	bobTok, _ := viewer("小明")
	amy, bob := dialRoom(t, app, sid, amyTok), dialRoom(t, app, sid, bobTok)
	amy.waitFor("welcome", nil)
	bob.waitFor("welcome", nil)

	amy.send(map[string]any{"type": "comment", "text": "＋1"})
	bob.waitFor("comment", func(m map[string]any) bool { return m["text"] == "＋1" }) // the comment still shows
	d := amy.waitFor("order_draft", nil)
	if d["keyword"] != "+1" || d["product_name"] != "羊绒大衣" || d["total"] != float64(39900) {
		t.Fatalf("order_draft: %v", d)
	}
	oid := itoa(int64(d["order_id"].(float64)))
	app.Run(t, []apptest.Scenario{
		{Name: "the draft exists", Method: "GET", Path: "/api/v1/viewer/orders/" + oid, Token: amyTok, Status: 200,
			Has: []string{`"status":"created"`, `"source":"comment"`, `"total":39900`, `"source_id":` + plusOne}},
		{Name: "only amy's", Method: "GET", Path: "/api/v1/viewer/orders/" + oid, Token: bobTok, Status: 404},
	})

	// A second "+1" while the draft is unpaid drafts nothing; "帽子" after it proves it
	// was handled (a viewer's comments are handled in order).
	amy.send(map[string]any{"type": "comment", "text": "+1"})
	amy.send(map[string]any{"type": "comment", "text": "帽子"})
	amy.waitFor("order_draft", func(m map[string]any) bool { return m["keyword"] == "帽子" })
	app.Run(t, []apptest.Scenario{
		{Name: "two drafts, not three", Method: "GET", Path: "/api/v1/viewer/orders", Token: amyTok, Status: 200,
			Has: []string{"羊绒大衣", "毛线帽"}},
		{Name: "+1 drafted once", Method: "GET", Path: "/api/v1/comment-buys/" + plusOne, Token: shop.Token, Status: 200, Has: []string{`"drafts":1`}},
	})
	if n := len(app.Must(http.StatusOK, "GET", "/api/v1/viewer/orders", amyTok, nil).JSON["items"].([]any)); n != 2 {
		t.Fatalf("amy has %d orders, want 2", n)
	}

	// A comment held back by a banned word drafts nothing; the next one does.
	bob.send(map[string]any{"type": "comment", "text": "微信同款"})
	bob.send(map[string]any{"type": "comment", "text": "抢"})
	bob.waitFor("order_draft", func(m map[string]any) bool { return m["keyword"] == "抢" })
	if items := app.Must(http.StatusOK, "GET", "/api/v1/viewer/orders", bobTok, nil).JSON["items"].([]any); len(items) != 1 {
		t.Fatalf("bob has %d orders, want 1 (the banned comment drafted one?)", len(items))
	}
	// The only unit is bob's now: amy hears why she gets none.
	amy.send(map[string]any{"type": "comment", "text": "抢"})
	f := amy.waitFor("order_draft_failed", nil)
	if f["keyword"] != "抢" || f["reason"] != "sold_out" || f["message"] == "" {
		t.Fatalf("order_draft_failed: %v", f)
	}

	// Stopped: "+1" drafts nothing for a new viewer.
	app.Run(t, []apptest.Scenario{
		{Name: "stop", Method: "POST", Path: "/api/v1/comment-buys/" + plusOne + "/stop", Token: shop.Token, Status: 200, Has: []string{`"status":"stopped"`}},
		{Name: "list", Method: "GET", Path: "/api/v1/sessions/" + sid + "/comment-buys", Token: shop.Token, Status: 200,
			Has: []string{`"keyword":"+1"`, `"status":"stopped"`, `"keyword":"帽子"`}},
	})
	bob.send(map[string]any{"type": "comment", "text": "+1"})
	bob.send(map[string]any{"type": "comment", "text": "帽子"})
	bob.waitFor("order_draft", func(m map[string]any) bool { return m["keyword"] == "帽子" })
	if items := app.Must(http.StatusOK, "GET", "/api/v1/viewer/orders", bobTok, nil).JSON["items"].([]any); len(items) != 2 {
		t.Fatalf("bob has %d orders after a stopped +1 and 帽子, want 2", len(items))
	}
}
