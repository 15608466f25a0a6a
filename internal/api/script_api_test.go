package api_test

import (
	"net/http"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// TestScriptAPI: a brand's library starts with the four default questions; an operator
// adds a category and a two-reply script with a variable, finds it, and an agent (KOS:
// inbox.reply, customers.view) sends it for a customer in one call, which counts the
// use; a misspelt variable is refused at save time naming the reply; agents cannot edit.
func TestScriptAPI(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	o := app.Signup("话术品牌")
	app.Must(http.StatusCreated, "POST", "/api/v1/staff", o.Token, map[string]any{"email": "kos-script@example.com", "name": "小助理",
		"role": "kos", "password": "password-kos-1"})
	kos := app.Must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]any{"email": "kos-script@example.com",
		"password": "password-kos-1"}).JSON["token"].(string)

	cats := app.Must(http.StatusOK, "GET", "/api/v1/script-categories", kos, nil)
	if items := cats.JSON["items"].([]any); len(items) != 4 || items[0].(map[string]any)["name"] != "发货时间" {
		t.Fatalf("default categories: %s", cats.Body)
	}
	cat := app.Must(http.StatusCreated, "POST", "/api/v1/script-categories", o.Token, map[string]any{"name": "尺码建议"})
	catID := itoa(cat.ID("id"))
	sc := app.Must(http.StatusCreated, "POST", "/api/v1/scripts", o.Token, map[string]any{"title": "穿多大码？",
		"category_id": cat.ID("id"), "keywords": []string{"尺码", "偏大"}, "snippets": []map[string]any{
			{"kind": "text", "text": "{name}您好，这款偏大一码，领券：{coupon}"},
			{"kind": "link", "url": "https://shop.example.com/size", "title": "尺码表"}}})
	id := itoa(sc.ID("id"))
	cust := app.Must(http.StatusCreated, "POST", "/api/v1/customers", o.Token, map[string]any{"name": "王小雨", "phone": "13900002222"})

	app.Run(t, []apptest.Scenario{
		{Name: "search by keyword", Method: "GET", Path: "/api/v1/scripts?q=偏大", Token: kos, Status: 200,
			Has: []string{`"title":"穿多大码？"`, `"variables":["name","coupon"]`, `"category":"尺码建议"`}, Lacks: []string{"什么时候发货"}},
		{Name: "category filter", Method: "GET", Path: "/api/v1/scripts?category_id=" + catID, Token: kos, Status: 200,
			Has: []string{"穿多大码"}, Lacks: []string{"怎么退换货"}},
		{Name: "bad category filter", Method: "GET", Path: "/api/v1/scripts?category_id=abc", Token: kos, Status: 400, Field: "category_id"},
		{Name: "send for a customer", Method: "POST", Path: "/api/v1/scripts/" + id + "/render", Token: kos,
			Body: map[string]any{"customer_id": cust.ID("id"), "values": map[string]string{"coupon": "满199减30"}}, Status: 200,
			Has: []string{`"text":"王小雨您好，这款偏大一码，领券：满199减30\n\n尺码表\nhttps://shop.example.com/size"`, `"use_count":1`, `"missing":[]`}},
		{Name: "send without values", Method: "POST", Path: "/api/v1/scripts/" + id + "/render", Token: kos, Body: map[string]any{},
			Status: 200, Has: []string{`亲您好`, `"missing":["coupon"]`, `"use_count":2`}},
		{Name: "unknown value", Method: "POST", Path: "/api/v1/scripts/" + id + "/render", Token: kos,
			Body: map[string]any{"values": map[string]string{"nmae": "x"}}, Status: 400, Code: "invalid", Field: "values", Has: []string{"{nmae}"}},
		{Name: "misspelt variable", Method: "POST", Path: "/api/v1/scripts", Token: o.Token, Body: map[string]any{"title": "坏",
			"snippets": []map[string]any{{"kind": "text", "text": "{nmae}您好"}}}, Status: 400, Code: "invalid", Field: "snippets[0].text",
			Has: []string{"unknown variable {nmae}", "{name}"}},
		{Name: "link without title", Method: "PATCH", Path: "/api/v1/scripts/" + id, Token: o.Token, Body: map[string]any{
			"snippets": []map[string]any{{"kind": "link", "url": "https://x.example"}}}, Status: 400, Field: "snippets[0].title"},
		{Name: "agent cannot edit", Method: "PATCH", Path: "/api/v1/scripts/" + id, Token: kos, Body: map[string]any{"title": "x"},
			Status: 403, Code: "forbidden"},
		{Name: "agent cannot add categories", Method: "POST", Path: "/api/v1/script-categories", Token: kos, Body: map[string]any{"name": "x"},
			Status: 403},
		{Name: "rename", Method: "PATCH", Path: "/api/v1/scripts/" + id, Token: o.Token, Body: map[string]any{"title": "尺码怎么选？"},
			Status: 200, Has: []string{`"title":"尺码怎么选？"`, `"use_count":2`}},
		{Name: "most used first", Method: "GET", Path: "/api/v1/scripts", Token: kos, Status: 200, Has: []string{`"items":[{"id":` + id}},
		{Name: "delete category", Method: "DELETE", Path: "/api/v1/script-categories/" + catID, Token: o.Token, Status: 204},
		{Name: "script kept, uncategorised", Method: "GET", Path: "/api/v1/scripts?category_id=0", Token: kos, Status: 200,
			Has: []string{`"category_id":0`, "尺码怎么选"}},
		{Name: "delete script", Method: "DELETE", Path: "/api/v1/scripts/" + id, Token: o.Token, Status: 204},
		{Name: "gone", Method: "GET", Path: "/api/v1/scripts/" + id, Token: kos, Status: 404, Code: "not_found"},
	})
}
