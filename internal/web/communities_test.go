// The 社群 pages of the console and the members' page: a group created from the list,
// rejected input shown next to its field, the tabs, who may change what, another
// brand's group not found, and the public page for anyone with the link.

package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

var communityURLRe = regexp.MustCompile(`^/console/communities/(\d+)$`)

var rawCommunityKey = regexp.MustCompile(`>[^<]*\b(?:js\.)?community\.[a-z_]+\.[a-z_.]+`)

func TestCommunityPages(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	b, tn := ownerOf(t, app, "社群品牌")

	p := b.get("/console/communities")
	mustStatus(t, p, http.StatusOK, "list")
	mustHave(t, p, "list", "还没有社群", `data-testid="community-form"`)

	p = b.submit("/console/communities", url.Values{"name": {""}, "announcement": {"欢迎"}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "no name")
	mustHave(t, p, "no name", "群名称需为 1–30 个字", "欢迎")

	p = b.submit("/console/communities", url.Values{"name": {"老客福利群"}, "announcement": {"每周三晚 8 点"}, "join_mode": {"invite"}})
	mustStatus(t, p, http.StatusSeeOther, "create")
	m := communityURLRe.FindStringSubmatch(p.Header.Get("Location"))
	if m == nil {
		t.Fatalf("create redirected to %q", p.Header.Get("Location"))
	}
	id := m[1]
	base := "/console/communities/" + id
	p = b.get(base)
	mustHave(t, p, "overview", "社群「老客福利群」已创建", "每周三晚 8 点", "仅邀请", "?invite=", `data-testid="live-form"`)
	noRawKeysIn(t, p, "overview")

	cu := app.Must(http.StatusCreated, "POST", "/api/v1/customers", tn.Token, map[string]any{"name": "王小美"}).ID("id")
	p = b.submit(base+"/members", url.Values{"customer_ids": {"abc"}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "bad id")
	mustHave(t, p, "bad id", "「abc」不是客户编号")
	p = b.submit(base+"/members", url.Values{"customer_ids": {"#" + strconv.FormatInt(cu, 10)}})
	mustStatus(t, p, http.StatusSeeOther, "add member")
	p = b.get(base + "?tab=members")
	mustHave(t, p, "members", "新加入 1 位成员", "王小美", "手动添加")
	noRawKeysIn(t, p, "members")
	cu2 := app.Must(http.StatusCreated, "POST", "/api/v1/customers", tn.Token, map[string]any{"name": "阿杰"}).ID("id")
	mustStatus(t, b.submit(base+"/members", url.Values{"customer_ids": {strconv.FormatInt(cu2, 10)}}), http.StatusSeeOther, "add another")
	mustStatus(t, b.submit(base+"/members/"+strconv.FormatInt(cu2, 10)+"/remove", url.Values{}), http.StatusSeeOther, "remove")
	p = b.get(base + "?tab=members")
	mustHave(t, p, "after removal", "已移出本群", "王小美")
	mustNotHave(t, p, "after removal", "阿杰")

	p = b.submit(base+"/envelopes", url.Values{"total": {"0.01"}, "count": {"2"}, "mode": {"random"}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "envelope too small")
	mustHave(t, p, "envelope too small", "每个红包至少 ¥0.01")
	p = b.submit(base+"/envelopes", url.Values{"total": {"6.66"}, "count": {"3"}, "mode": {"fixed"}, "message": {"周三福利"}})
	mustStatus(t, p, http.StatusSeeOther, "send envelope")
	p = b.get(p.Header.Get("Location"))
	mustHave(t, p, "envelopes", "已发出 ¥6.66 的红包", "周三福利", "普通红包", "领取中")
	noRawKeysIn(t, p, "envelopes")

	p = b.submit(base+"/chains", url.Values{"title": {"品鉴会报名"}, "deadline": {"2000-01-01T10:00"}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "past deadline")
	mustHave(t, p, "past deadline", "截止时间需晚于现在", "品鉴会报名")
	p = b.submit(base+"/chains", url.Values{"title": {"品鉴会报名"}, "template": {"姓名+人数"}})
	mustStatus(t, p, http.StatusSeeOther, "open chain")
	p = b.get(base + "?tab=chains")
	mustHave(t, p, "chains", "品鉴会报名", "填写格式：姓名", "还没有人接龙")
	noRawKeysIn(t, p, "chains")

	// A KOS reads but changes nothing; another brand's owner finds nothing.
	addStaff(t, app, tn, "kos-community@example.com", "kos")
	kos := newBrowser(t, app)
	kos.login("kos-community@example.com", "staff-password-1")
	p = kos.get(base + "?tab=envelopes")
	mustStatus(t, p, http.StatusOK, "kos reads")
	mustNotHave(t, p, "kos reads", `data-testid="envelope-form"`)
	mustStatus(t, kos.submit(base+"/announcement", url.Values{"announcement": {"x"}}), http.StatusForbidden, "kos announces")
	other, _ := ownerOf(t, app, "别家品牌")
	mustStatus(t, other.get(base), http.StatusNotFound, "another brand's group")
	mustStatus(t, other.submit(base+"/delete", url.Values{}), http.StatusNotFound, "another brand deletes")

	// The members' page: the invite-only group's public face, and not found for a bad code.
	c := app.Must(http.StatusOK, "GET", "/api/v1/communities/"+id, tn.Token, nil)
	pub := newBrowser(t, app)
	p = pub.get("/g/" + c.JSON["code"].(string))
	mustStatus(t, p, http.StatusOK, "group page")
	mustHave(t, p, "group page", "老客福利群", "每周三晚 8 点", "社群品牌", "live/community.js")
	mustStatus(t, pub.get("/g/zzzzzzzz"), http.StatusNotFound, "unknown group page")

	p = b.submit(base+"/delete", url.Values{})
	mustStatus(t, p, http.StatusSeeOther, "delete")
	mustStatus(t, pub.get("/g/"+c.JSON["code"].(string)), http.StatusNotFound, "deleted group page")
}

func noRawKeysIn(t *testing.T, p page, what string) {
	t.Helper()
	if m := rawCommunityKey.FindString(p.Body); m != "" {
		t.Fatalf("%s shows an untranslated key %q", what, m)
	}
}
