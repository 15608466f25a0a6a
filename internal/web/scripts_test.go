// The 话术库 pages of the console: the default library, categories, the script form
// with its reply rows and variable check, copy/send, who may edit, other brands' ids.

package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

var scriptCardRe = regexp.MustCompile(`id="script-(\d+)" data-testid="script-card" data-title="穿多大码？"`)

func scriptForm(title, cat string, rows ...[4]string) url.Values {
	v := url.Values{"title": {title}, "category_id": {cat}, "keywords": {"尺码，偏大 大码"}}
	for _, r := range rows {
		v.Add("sn_kind", r[0])
		v.Add("sn_text", r[1])
		v.Add("sn_url", r[2])
		v.Add("sn_title", r[3])
	}
	return v
}

func TestScriptPages(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	owner, tn := ownerOf(t, app, "山野茶舍")

	p := owner.get("/console/scripts")
	mustStatus(t, p, http.StatusOK, "library")
	mustHave(t, p, "default library", "发货时间", "退换货", "直播时长", "优惠说明", "什么时候发货？", `class="sc-var-chip" title="{name}">客户称呼`,
		"/static/scripts.css?v=", `data-testid="script-send"`, `name="v_brand" value="山野茶舍"`)
	mustNotHave(t, p, "built area", `data-testid="area-not-yet"`)

	// A category, then a script in it; mistakes come back next to their row in Chinese.
	p = owner.submit("/console/scripts/categories", url.Values{"op": {"create"}, "name": {"尺码建议"}})
	mustStatus(t, p, http.StatusSeeOther, "add category")
	cat := regexp.MustCompile(`cat=(\d+)`).FindStringSubmatch(p.Header.Get("Location"))[1]
	p = owner.submit("/console/scripts/categories", url.Values{"op": {"create"}, "name": {"尺码建议"}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "same category")
	mustHave(t, p, "same category", "已有名为「尺码建议」的分类")

	p = owner.submit("/console/scripts", scriptForm("穿多大码？", cat,
		[4]string{"text", "{nmae}您好，这款偏大", "", ""}, [4]string{"link", "", "https://shop.example.com/size", ""},
		[4]string{"text", "", "", ""}))
	mustStatus(t, p, http.StatusUnprocessableEntity, "bad script")
	mustHave(t, p, "bad script", "没有变量 {nmae}，可用的变量：{name}", "链接需要 1–60 个字的标题", "{nmae}您好，这款偏大")

	p = owner.submit("/console/scripts", scriptForm("穿多大码？", cat,
		[4]string{"text", "{name}您好，这款偏大一码，领券：{coupon}", "", ""},
		[4]string{"image", "", "https://cdn.example.com/size.png", ""}))
	mustStatus(t, p, http.StatusSeeOther, "create script")
	p = owner.get("/console/scripts?cat=" + cat)
	mustHave(t, p, "category page", "已保存话术「穿多大码？」", "穿多大码？", `src="https://cdn.example.com/size.png"`, "#偏大", "管理此分类")
	m := scriptCardRe.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no card for the new script:\n%s", p.Body)
	}
	id := m[1]
	if csp := p.Header.Get("Content-Security-Policy"); !regexp.MustCompile(`img-src [^;]*https:`).MatchString(csp) {
		t.Errorf("pictures from a CDN are blocked: %s", csp)
	}

	// Copy/send renders with the page's values and counts the use.
	p = owner.submit("/console/scripts/"+id+"/render", url.Values{"v_name": {"王小雨"}, "v_coupon": {"满199减30"}}, "HX-Request", "true")
	mustStatus(t, p, http.StatusOK, "send")
	mustHave(t, p, "send", "王小雨您好，这款偏大一码，领券：满199减30\n\nhttps://cdn.example.com/size.png", `id="uses-`+id+`" hx-swap-oob="true"`, ">1</b>")
	p = owner.submit("/console/scripts/"+id+"/render", url.Values{"v_coupon": {""}}, "HX-Request", "true")
	mustHave(t, p, "send without coupon", "亲您好", "这些变量没有值", "{coupon}")

	// Edit: the form comes back filled in; saving moves it out of the category.
	p = owner.get("/console/scripts/" + id)
	mustHave(t, p, "edit", `value="穿多大码？"`, "{name}您好，这款偏大一码", `value="https://cdn.example.com/size.png"`, "已发送", ">2<")
	p = owner.submit("/console/scripts/"+id, func() url.Values {
		v := scriptForm("尺码怎么选？", "0", [4]string{"text", "身高 160 以下选 S", "", ""})
		v.Set("op", "save")
		return v
	}())
	mustStatus(t, p, http.StatusSeeOther, "save")
	mustHave(t, owner.get("/console/scripts?cat=none"), "uncategorised", "尺码怎么选？", "身高 160 以下选 S")

	// A KOS sends but does not edit; another brand's ids are not found.
	addStaff(t, app, tn, "kos-scripts@example.com", "kos")
	kos := newBrowser(t, app)
	kos.login("kos-scripts@example.com", "staff-password-1")
	p = kos.get("/console/scripts")
	mustStatus(t, p, http.StatusOK, "kos library")
	mustNotHave(t, p, "kos library", `data-testid="script-new"`, `data-testid="script-edit"`, `data-testid="cat-add"`)
	mustStatus(t, kos.submit("/console/scripts/"+id+"/render", url.Values{}, "HX-Request", "true"), http.StatusOK, "kos send")
	mustStatus(t, kos.submit("/console/scripts/"+id, url.Values{"op": {"delete"}}), http.StatusForbidden, "kos delete")

	other, _ := ownerOf(t, app, "别家")
	mustStatus(t, other.get("/console/scripts/"+id), http.StatusNotFound, "other brand's script")
	mustStatus(t, other.get("/console/scripts?cat="+cat), http.StatusNotFound, "other brand's category")
	mustStatus(t, other.submit("/console/scripts/"+id+"/render", url.Values{}, "HX-Request", "true"), http.StatusNotFound, "other brand's send")

	// English, and delete.
	en := owner.get("/console/scripts?lang=en")
	mustHave(t, en, "english", "Copy / Send", "All scripts")
	p = owner.submit("/console/scripts/"+id, url.Values{"op": {"delete"}})
	mustStatus(t, p, http.StatusSeeOther, "delete")
	mustNotHave(t, owner.get("/console/scripts"), "after delete", `data-title="尺码怎么选？"`)
}
