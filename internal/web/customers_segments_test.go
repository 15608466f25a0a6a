// The 标签 and 分群 pages: manual and rule tags (a bad rule shows where it stops
// reading), the segment builder's live preview, save, detail with members, edit and
// delete; read-only roles; other brands' segments are not found.

package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

func TestCustomerTagsPage(t *testing.T) { commerceEngines(t, customerTagsPage) }

func customerTagsPage(t *testing.T, app *apptest.App) {
	owner, tn := ownerOf(t, app, "Tags Brand")
	newCustomer(t, app, tn, map[string]any{"name": "王小美", "tags": []string{"VIP"}})

	p := owner.get("/console/customers/tags")
	mustStatus(t, p, http.StatusOK, "tags page")
	mustHave(t, p, "tags page", `data-testid="tag-row" data-tag="VIP"`, `href="/console/customers?tag=VIP"`, "还没有规则标签",
		"看播未购", "watch_minutes &gt;= 10 AND orders = 0", `data-testid="rule-tag-form"`, `data-testid="manual-tag-form"`)
	noRawCustomerKeys(t, p, "tags page")

	// A bad rule comes back with the spot marked and the typed text kept.
	p = owner.submit("/console/customers/tags", url.Values{"kind": {"rule"}, "name": {"坏规则"}, "rule": {"watch_minutes >> 10"}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "bad rule")
	mustHave(t, p, "bad rule", `data-testid="rule-error"`, "规则第 16 个字符处无法识别", "<mark>&gt;</mark>", `value="坏规则"`,
		"watch_minutes &gt;&gt; 10</textarea>", "规则有误，请按提示修改")
	p = owner.submit("/console/customers/tags/check", url.Values{"rule": {"orders >= 1 AND"}}, "HX-Request", "true")
	mustHave(t, p, "check bad rule", `data-testid="rule-error"`, "规则到结尾还不完整")
	p = owner.submit("/console/customers/tags/check", url.Values{"rule": {"spent_30d >= 500元"}}, "HX-Request", "true")
	mustHave(t, p, "check good rule", `data-testid="rule-ok"`, "规则有效")

	p = owner.submit("/console/customers/tags", url.Values{"kind": {"rule"}, "name": {"看播未购"}, "rule": {"watch_minutes >= 10 AND orders = 0"}})
	mustStatus(t, p, http.StatusSeeOther, "rule tag")
	p = owner.get("/console/customers/tags")
	mustHave(t, p, "after rule tag", "已创建标签「看播未购」", `data-tag="看播未购"`, "chip-rule")
	p = owner.submit("/console/customers/tags", url.Values{"kind": {"manual"}, "name": {"VIP"}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "taken name")
	mustHave(t, p, "taken name", "已有同名标签")
	p = owner.submit("/console/customers/tags", url.Values{"kind": {"manual"}, "name": {"高 净值"}})
	mustHave(t, p, "bad name", "标签名不能包含空格")
	mustStatus(t, owner.submit("/console/customers/tags", url.Values{"kind": {"manual"}, "name": {"新客"}, "description": {"首单 7 天内"}}),
		http.StatusSeeOther, "manual tag")
	mustHave(t, owner.get("/console/customers/tags?lang=en"), "English tags", "Rule tags", "Manual tags", "首单 7 天内", "New rule tag")

	kos := staffBrowser(t, app, tn, "kos")
	p = kos.get("/console/customers/tags")
	mustHave(t, p, "kos tags", "你的角色可以查看标签")
	mustNotHave(t, p, "kos tags", `data-testid="rule-tag-form"`)
	mustStatus(t, kos.submit("/console/customers/tags", url.Values{"kind": {"manual"}, "name": {"x"}}), http.StatusForbidden, "kos creates tag")
}

func TestCustomerSegmentPages(t *testing.T) { commerceEngines(t, customerSegmentPages) }

func customerSegmentPages(t *testing.T, app *apptest.App) {
	owner, tn := ownerOf(t, app, "Segment Brand")
	newCustomer(t, app, tn, map[string]any{"name": "王小美", "phone": "13800138000", "tags": []string{"vip"}})
	newCustomer(t, app, tn, map[string]any{"name": "阿花", "phone": "13900139000", "tags": []string{"vip", "churned"}})
	newCustomer(t, app, tn, map[string]any{"name": "李雷", "tags": []string{"churned"}})

	p := owner.get("/console/customers/segments")
	mustHave(t, p, "no segments", `data-testid="segments-empty"`, `href="/console/customers/segments/new"`)
	p = owner.get("/console/customers/segments/new?rule=" + url.QueryEscape("seen<7d"))
	mustStatus(t, p, http.StatusOK, "builder")
	mustHave(t, p, "builder", `data-testid="insert-tag" data-tag="vip"`, `data-insert="tag:churned"`, `data-insert="watched&gt;=10m"`,
		`data-insert="source:community"`, "seen&lt;7d</textarea>", `hx-post="/console/customers/segments/preview"`, "delay:350ms")
	noRawCustomerKeys(t, p, "builder")

	// The preview follows the rule as it is typed.
	preview := func(rule string) page {
		t.Helper()
		return owner.submit("/console/customers/segments/preview", url.Values{"rule": {rule}}, "HX-Request", "true")
	}
	count := regexp.MustCompile(`data-testid="preview-count">([^<]*)<`)
	for rule, want := range map[string]string{"tag:vip": "2", "tag:vip AND NOT tag:churned": "1", "tag:vip OR tag:churned": "3",
		"orders=0": "3", "tag:nobody": "0", "": "—", "tag:vip AND": "—"} {
		p := preview(rule)
		if m := count.FindStringSubmatch(p.Body); m == nil || m[1] != want {
			t.Errorf("preview of %q counts %v, want %s:\n%s", rule, m, want, p.Body)
		}
	}
	p = preview("tag:vip AND NOT tag:churned")
	mustHave(t, p, "preview sample", `data-testid="sample-row"`, "王小美", "13800138000")
	mustNotHave(t, p, "preview sample", "阿花", "<html")
	mustHave(t, preview("tag:vip AND ("), "preview error", `data-testid="rule-error"`, "规则到结尾还不完整")
	mustHave(t, preview("tag:vip tag:x"), "preview error inside", "规则第 9 个字符处无法识别", "<mark>t</mark>")
	mustHave(t, preview("tag:nobody"), "unknown tag", `data-testid="preview-unknown"`, "nobody")

	// Save: a bad rule comes back in the builder; a good one opens its page.
	p = owner.submit("/console/customers/segments", url.Values{"name": {"活跃会员"}, "rule": {"vip"}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "bad segment rule")
	mustHave(t, p, "bad segment rule", "规则有误，请按提示修改", `data-testid="rule-error"`, `value="活跃会员"`)
	p = owner.submit("/console/customers/segments", url.Values{"name": {"活跃会员"}, "rule": {"tag:vip AND NOT tag:churned"},
		"description": {"开播前一天触达"}})
	mustStatus(t, p, http.StatusSeeOther, "save segment")
	loc := p.Header.Get("Location")
	if !regexp.MustCompile(`^/console/customers/segments/\d+$`).MatchString(loc) {
		t.Fatalf("save led to %q", loc)
	}
	segID := strings.TrimPrefix(loc, "/console/customers/segments/")
	p = owner.get(loc)
	mustHave(t, p, "segment page", "已保存分群「活跃会员」", `data-testid="segment-count">1<`, "王小美", "开播前一天触达",
		`href="/console/customers/export?format=csv&amp;segment_id=`+segID+`"`)
	mustNotHave(t, p, "segment page", "阿花")
	mustStatus(t, owner.submit("/console/customers/segments", url.Values{"name": {"活跃会员"}, "rule": {"tag:vip"}}),
		http.StatusUnprocessableEntity, "taken segment name")

	// The count is live: taking churned off 阿花 puts her in.
	p = owner.get("/console/customers/segments")
	mustHave(t, p, "segment list", `data-testid="segment-count">1<`, "活跃会员")
	hua := waitForCustomer(t, app, tn, "阿花")
	owner.submit("/console/customers/"+hua, url.Values{"op": {"untag"}, "tag": {"churned"}}, "HX-Request", "true")
	mustHave(t, owner.get("/console/customers/segments"), "live count", `data-testid="segment-count">2<`)

	// Edit and delete.
	p = owner.get(loc + "/edit")
	mustHave(t, p, "edit", "编辑分群", "tag:vip AND NOT tag:churned</textarea>", `action="/console/customers/segments/`+segID+`"`)
	mustStatus(t, owner.submit(loc, url.Values{"name": {"会员"}, "rule": {"tag:vip"}, "description": {""}}), http.StatusSeeOther, "edit")
	mustHave(t, owner.get(loc), "edited", `data-testid="segment-title">会员<`, `data-testid="segment-count">2<`)

	kos := staffBrowser(t, app, tn, "kos")
	p = kos.get(loc)
	mustHave(t, p, "kos segment", "139****9000", `data-testid="masked-hint"`)
	mustNotHave(t, p, "kos segment", "13900139000", `data-testid="segment-edit"`)
	mustStatus(t, kos.get("/console/customers/segments/new"), http.StatusForbidden, "kos builder")
	mustHave(t, kos.submit("/console/customers/segments/preview", url.Values{"rule": {"tag:vip"}}, "HX-Request", "true"),
		"kos preview", "139****9000")

	other, _ := ownerOf(t, app, "Other Segment Brand")
	mustStatus(t, other.get(loc), http.StatusNotFound, "other brand's segment")
	mustStatus(t, other.submit(loc+"/delete", url.Values{}), http.StatusNotFound, "other brand deletes")

	mustStatus(t, owner.submit(loc+"/delete", url.Values{}), http.StatusSeeOther, "delete")
	mustHave(t, owner.get("/console/customers/segments"), "deleted", "已删除分群「会员」", `data-testid="segments-empty"`)
	mustHave(t, owner.get("/console/customers/segments/new?lang=en"), "English builder", "New segment", "Matching customers", "Behaviour")
}
