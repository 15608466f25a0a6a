package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// TestSegmentAPI: the CONTRACT example counts the right customers, the count follows
// tagging, erasing and merging at once, a malformed rule is 400 invalid on field rule
// naming the position, previews and customer pages mask phones for a host, and hosts
// cannot change segments.
func TestSegmentAPI(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	o := app.Signup("Segments")
	customer := func(name, phone string, tags ...string) string {
		r := app.Must(http.StatusCreated, "POST", "/api/v1/customers", o.Token, map[string]any{"name": name, "phone": phone, "tags": tags})
		return itoa(r.ID("id"))
	}
	c1 := customer("甲", "13800000001", "vip")
	customer("乙", "13800000002", "vip", "高价值")
	customer("丙", "13800000003", "vip", "churned")
	customer("丁", "13800000004", "vip", "blocked")
	customer("戊", "13800000005", "churned")
	c6 := customer("己", "13800000006")
	app.Must(http.StatusCreated, "POST", "/api/v1/staff", o.Token, map[string]any{"email": "host-seg@example.com", "name": "主播",
		"role": "host", "password": "password-host-1"})
	host := app.Must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]any{"email": "host-seg@example.com",
		"password": "password-host-1"}).JSON["token"].(string)

	const contract = "tag:vip AND NOT (tag:churned OR tag:blocked)"
	s := app.Must(http.StatusCreated, "POST", "/api/v1/segments", o.Token, map[string]any{"name": "活跃会员", "rule": contract})
	id := itoa(s.ID("id"))
	if s.ID("count") != 2 || s.JSON["rule"] != contract || s.JSON["name"] != "活跃会员" {
		t.Fatalf("CONTRACT example: %s, want count 2", s.Body)
	}
	count := func() int64 {
		return app.Must(http.StatusOK, "GET", "/api/v1/segments/"+id, o.Token, nil).ID("count")
	}
	app.Must(http.StatusOK, "POST", "/api/v1/customers/"+c6+"/tags", o.Token, map[string]any{"tags": []string{"vip"}})
	if n := count(); n != 3 {
		t.Errorf("after tagging 己 vip: count %d, want 3", n)
	}
	app.Must(http.StatusOK, "POST", "/api/v1/customers/"+c1+"/erase", o.Token, nil)
	if n := count(); n != 2 {
		t.Errorf("after erasing 甲: count %d, want 2", n)
	}

	app.Run(t, []apptest.Scenario{
		{Name: "malformed rule", Method: "POST", Path: "/api/v1/segments", Token: o.Token,
			Body: map[string]any{"name": "坏", "rule": "tag:vip AND NOT (tag:churned OR"}, Status: 400, Code: "invalid", Field: "rule",
			Has: []string{"at position 32", "but the rule ends here"}},
		{Name: "unknown term", Method: "POST", Path: "/api/v1/segments/preview", Token: o.Token,
			Body: map[string]any{"rule": "vip"}, Status: 400, Code: "invalid", Field: "rule", Has: []string{"at position 1", "tag:vip"}},
		{Name: "empty name", Method: "POST", Path: "/api/v1/segments", Token: o.Token,
			Body: map[string]any{"name": " ", "rule": "tag:vip"}, Status: 400, Code: "invalid", Field: "name"},
		{Name: "same name", Method: "POST", Path: "/api/v1/segments", Token: o.Token,
			Body: map[string]any{"name": "活跃会员", "rule": "tag:vip"}, Status: 409, Code: "conflict"},
		{Name: "quoted Chinese tag", Method: "POST", Path: "/api/v1/segments/preview", Token: o.Token,
			Body: map[string]any{"rule": `tag:"高价值"`}, Status: 200, Has: []string{`"count":1`, "13800000002"}},
		{Name: "host preview is masked", Method: "POST", Path: "/api/v1/segments/preview", Token: host,
			Body: map[string]any{"rule": "tag:vip"}, Status: 200, Has: []string{`"count":4`, "138****0002", `"contacts_masked":true`},
			Lacks: []string{"13800000002"}},
		{Name: "unknown tag reported", Method: "POST", Path: "/api/v1/segments/preview", Token: o.Token,
			Body: map[string]any{"rule": "tag:vip AND NOT tag:nosuch"}, Status: 200, Has: []string{`"unknown_tags":["nosuch"]`}},
		{Name: "host customers page is masked", Method: "GET", Path: "/api/v1/segments/" + id + "/customers?limit=1", Token: host,
			Status: 200, Has: []string{"138****0006", `"next_cursor":"` + c6 + `"`}},
		{Name: "host may not create", Method: "POST", Path: "/api/v1/segments", Token: host,
			Body: map[string]any{"name": "x", "rule": "tag:vip"}, Status: 403, Code: "forbidden"},
		{Name: "host may not delete", Method: "DELETE", Path: "/api/v1/segments/" + id, Token: host, Status: 403},
		{Name: "list", Method: "GET", Path: "/api/v1/segments", Token: host, Status: 200, Has: []string{"活跃会员", `"count":2`}},
		{Name: "change rule", Method: "PATCH", Path: "/api/v1/segments/" + id, Token: o.Token,
			Body: map[string]any{"rule": "tag:churned"}, Status: 200, Has: []string{`"count":2`, `"rule":"tag:churned"`}},
		{Name: "bad patch", Method: "PATCH", Path: "/api/v1/segments/" + id, Token: o.Token,
			Body: map[string]any{"rule": "tag:(x"}, Status: 400, Field: "rule"},
		{Name: "delete", Method: "DELETE", Path: "/api/v1/segments/" + id, Token: o.Token, Status: 204},
		{Name: "gone", Method: "GET", Path: "/api/v1/segments/" + id, Token: o.Token, Status: 404, Code: "not_found"},
	})
	log := app.Must(http.StatusOK, "GET", "/api/v1/audit-log", o.Token, nil)
	for _, want := range []string{"segment.create", "segment.update", "segment.delete", `"target":"segments/preview"`} {
		if !strings.Contains(string(log.Body), want) {
			t.Errorf("audit log lacks %s", want)
		}
	}
}
