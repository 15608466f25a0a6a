// The 客户档案 page: remark edited inline, manual tags on and off (rule tags refused),
// the timeline with paging, merge by number or phone, erase.

package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

func TestCustomerProfilePage(t *testing.T) { commerceEngines(t, customerProfilePage) }

func customerProfilePage(t *testing.T, app *apptest.App) {
	owner, tn := ownerOf(t, app, "Profile Brand")
	id := newCustomer(t, app, tn, map[string]any{"name": "王小美", "phone": "13800138000", "tags": []string{"VIP"}})
	app.Must(http.StatusCreated, "POST", "/api/v1/tags", tn.Token, map[string]any{"name": "看播未购", "rule": "watch_minutes >= 10 AND orders = 0"})

	p := owner.get("/console/customers/" + id)
	mustStatus(t, p, http.StatusOK, "profile")
	mustHave(t, p, "profile", `data-testid="profile-name">王小美<`, "13800138000", `data-testid="remark-empty"`, `data-tag="VIP"`,
		"还没有互动记录", "后台录入", `data-testid="merge-card"`, `data-testid="erase-card"`, "<title>王小美 · ")
	noRawCustomerKeys(t, p, "profile")

	// The remark: the edit form comes in by htmx, the save answers with the card.
	hx := []string{"HX-Request", "true"}
	p = owner.get("/console/customers/"+id+"?part=remark-edit", hx...)
	mustHave(t, p, "remark form", `data-testid="remark-form"`, `name="op" value="remark"`)
	mustNotHave(t, p, "remark form fragment", "<html")
	p = owner.submit("/console/customers/"+id, url.Values{"op": {"remark"}, "remark": {"偏好深色系，M 码"}}, hx...)
	mustStatus(t, p, http.StatusOK, "save remark")
	mustHave(t, p, "save remark", `data-testid="remark-text">偏好深色系，M 码<`)
	p = owner.submit("/console/customers/"+id, url.Values{"op": {"remark"}, "remark": {strings.Repeat("长", 1001)}}, hx...)
	mustStatus(t, p, http.StatusUnprocessableEntity, "long remark")
	mustHave(t, p, "long remark", "备注最多 1000 个字符", `data-testid="remark-form"`)
	// Without htmx the form posts and the page comes back with a message.
	p = owner.submit("/console/customers/"+id, url.Values{"op": {"remark"}, "remark": {"周末有空"}})
	mustStatus(t, p, http.StatusSeeOther, "plain remark")
	mustHave(t, owner.get("/console/customers/"+id), "after plain remark", "周末有空", "备注已保存")

	// Tags: several at once, created when new; one off; a rule tag refused both ways.
	p = owner.submit("/console/customers/"+id, url.Values{"op": {"tag"}, "tags": {"复购，高净值 新客"}}, hx...)
	mustStatus(t, p, http.StatusOK, "add tags")
	mustHave(t, p, "add tags", `data-tag="复购"`, `data-tag="高净值"`, `data-tag="新客"`, `data-tag="VIP"`)
	mustNotHave(t, p, "add tags fragment", "<html")
	p = owner.submit("/console/customers/"+id, url.Values{"op": {"untag"}, "tag": {"新客"}}, hx...)
	mustStatus(t, p, http.StatusOK, "remove tag")
	mustNotHave(t, p, "remove tag", `data-tag="新客"`)
	p = owner.submit("/console/customers/"+id, url.Values{"op": {"tag"}, "tags": {"看播未购"}}, hx...)
	mustStatus(t, p, http.StatusUnprocessableEntity, "rule tag by hand")
	mustHave(t, p, "rule tag by hand", "这是规则标签", `value="看播未购"`)
	p = owner.submit("/console/customers/"+id, url.Values{"op": {"tag"}, "tags": {"a(b)"}}, hx...)
	mustHave(t, p, "bad tag name", "标签名不能包含空格、括号")
	mustStatus(t, owner.submit("/console/customers/"+id, url.Values{"op": {"dance"}}), http.StatusBadRequest, "unknown op")

	// The timeline: a viewer's reservation reaches the profile once their phone links them.
	sid := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", tn.Token, map[string]any{"title": "秋冬上新专场",
		"scheduled_at": time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)}).ID("id")
	sess := "/api/v1/sessions/" + strconv.FormatInt(sid, 10)
	vtok := app.Must(http.StatusCreated, "POST", sess+"/viewers", "", map[string]any{"nickname": "观众小美"}).JSON["token"].(string)
	app.Must(http.StatusCreated, "POST", sess+"/reservations", vtok, nil)
	viewer := waitForCustomer(t, app, tn, "观众小美")
	p = owner.get("/console/customers/" + viewer)
	mustHave(t, p, "timeline", `data-testid="tl-item" data-kind="reservation"`, "预约了直播", "秋冬上新专场", "直接访问")

	// Merge: the viewer's profile by number into 王小美; its address then leads to her.
	p = owner.submit("/console/customers/"+id, url.Values{"op": {"merge"}, "other": {id}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "merge into itself")
	mustHave(t, p, "merge into itself", "不能把客户合并到自己")
	p = owner.submit("/console/customers/"+id, url.Values{"op": {"merge"}, "other": {"13700000000"}})
	mustHave(t, p, "merge unknown phone", "没有找到这位客户", `value="13700000000"`)
	p = owner.submit("/console/customers/"+id, url.Values{"op": {"merge"}, "other": {"#" + viewer}})
	mustStatus(t, p, http.StatusSeeOther, "merge")
	p = owner.get("/console/customers/" + id)
	mustHave(t, p, "merged", "已把客户 #"+viewer+" 合并进来", "预约了直播", "观众账号")
	p = owner.get("/console/customers/" + viewer)
	mustStatus(t, p, http.StatusSeeOther, "merged-away profile")
	if loc := p.Header.Get("Location"); loc != "/console/customers/"+id {
		t.Fatalf("merged-away profile leads to %q", loc)
	}

	// Merge by phone, then erase: the page shows the erased state without the controls.
	dup := newCustomer(t, app, tn, map[string]any{"name": "小美（重复）", "phone": "13800138001"})
	mustStatus(t, owner.submit("/console/customers/"+id, url.Values{"op": {"merge"}, "other": {"13800138001"}}), http.StatusSeeOther,
		"merge by phone")
	mustStatus(t, owner.get("/console/customers/"+dup), http.StatusSeeOther, "phone-merged profile")
	mustStatus(t, owner.submit("/console/customers/"+id, url.Values{"op": {"erase"}}), http.StatusSeeOther, "erase")
	p = owner.get("/console/customers/" + id)
	mustHave(t, p, "erased", `data-testid="erased-banner"`, "已注销", "个人信息已删除")
	mustNotHave(t, p, "erased", "13800138000", "周末有空", `data-testid="remark-edit"`, `data-testid="merge-card"`,
		`data-testid="erase-card"`, `data-testid="tag-add"`)
	p = owner.submit("/console/customers/"+id, url.Values{"op": {"remark"}, "remark": {"x"}}, hx...)
	mustHave(t, p, "remark after erase", "该客户已注销")

	p = owner.get("/console/customers/" + id + "?lang=en")
	mustHave(t, p, "English profile", "This customer was erased.", "Timeline", "Reserved a live")
	noRawCustomerKeys(t, p, "English profile")
}

// TestCustomerTimelinePaging: more than a page of activity loads in steps, by htmx
// and without it.
func TestCustomerTimelinePaging(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	owner, tn := ownerOf(t, app, "Timeline Brand")
	vtok := ""
	for i := range 23 {
		sid := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", tn.Token, map[string]any{"title": "专场 " + strconv.Itoa(i),
			"scheduled_at": time.Now().Add(time.Duration(i+1) * time.Hour).UTC().Format(time.RFC3339)}).ID("id")
		sess := "/api/v1/sessions/" + strconv.FormatInt(sid, 10)
		if vtok == "" {
			vtok = app.Must(http.StatusCreated, "POST", sess+"/viewers", "", map[string]any{"nickname": "常客"}).JSON["token"].(string)
		}
		app.Must(http.StatusCreated, "POST", sess+"/reservations", vtok, nil)
	}
	id := waitForCustomer(t, app, tn, "常客")
	var p page
	deadline := time.Now().Add(10 * time.Second)
	for {
		p = owner.get("/console/customers/" + id)
		if strings.Count(p.Body, `data-kind="reservation"`) == 20 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n := strings.Count(p.Body, `data-kind="reservation"`); n != 20 {
		t.Fatalf("first timeline page shows %d entries, want 20", n)
	}
	m := regexp.MustCompile(`hx-get="/console/customers/` + id + `\?part=timeline&amp;cursor=([^"]+)"`).FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no more button:\n%s", p.Body)
	}
	cursor := strings.ReplaceAll(m[1], "&amp;", "&")
	more := owner.get("/console/customers/"+id+"?part=timeline&cursor="+url.QueryEscape(cursor), "HX-Request", "true")
	if n := strings.Count(more.Body, `data-kind="reservation"`); n != 3 || strings.Contains(more.Body, "timeline-more") {
		t.Fatalf("second timeline page: %d entries:\n%s", n, more.Body)
	}
	later := owner.get("/console/customers/" + id + "?cursor=" + url.QueryEscape(cursor))
	mustHave(t, later, "later page without htmx", "回到最新", "专场 2")
}

// waitForCustomer waits until the CRM's worker made a profile for a viewer nickname
// and returns its id.
func waitForCustomer(t *testing.T, app *apptest.App, tn apptest.Tenant, name string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := app.Must(http.StatusOK, "GET", "/api/v1/customers?q="+url.QueryEscape(name), tn.Token, nil)
		if items, _ := r.JSON["items"].([]any); len(items) == 1 {
			return strconv.FormatInt(int64(items[0].(map[string]any)["id"].(float64)), 10)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no customer %q after 10 s", name)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
