package script_test

import (
	"slices"
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/script"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
)

func names(cs []script.Category) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

// TestDefaultLibrary: a new brand's library opens with the four common questions, one
// answer each, in order; deleting a default category is respected (no re-seeding, even
// after a restart), and its answer stays, uncategorised.
func TestDefaultLibrary(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		cats, err := e.lib.Categories(e.Ctx, e.host)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(cats); !slices.Equal(got, []string{"发货时间", "退换货", "直播时长", "优惠说明"}) {
			t.Fatalf("default categories %q", got)
		}
		for _, c := range cats {
			if c.ScriptCount != 1 {
				t.Errorf("category %s has %d scripts, want 1", c.Name, c.ScriptCount)
			}
		}
		all, err := e.lib.List(e.Ctx, e.kos, script.Query{})
		if err != nil || len(all) != 4 {
			t.Fatalf("default scripts %d (%v), want 4", len(all), err)
		}
		if err := e.lib.DeleteCategory(e.Ctx, e.Owner, cats[0].ID); err != nil {
			t.Fatal(err)
		}
		restarted := script.NewService(store, script.Options{Now: e.Clock.Now})
		cats, err = restarted.Categories(e.Ctx, e.Owner)
		if err != nil || len(cats) != 3 {
			t.Fatalf("after deleting one default and a restart: %q (%v), want 3 categories", names(cats), err)
		}
		n, err := restarted.Uncategorised(e.Ctx, e.Owner)
		if err != nil || n != 1 {
			t.Fatalf("uncategorised %d (%v), want the deleted category's script", n, err)
		}
		none := int64(0)
		un, err := restarted.List(e.Ctx, e.Owner, script.Query{Category: &none})
		if err != nil || len(un) != 1 || un[0].Title != "什么时候发货？" || un[0].CategoryID != 0 {
			t.Fatalf("uncategorised list %+v (%v)", un, err)
		}
	})
}

// TestScriptLifecycle: an operator files a two-reply answer with a variable under a new
// category, finds it by title, keyword and text, edits it, moves it and deletes it.
func TestScriptLifecycle(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		cat := e.category(e.Owner, "尺码建议")
		if cat.Position != 5 {
			t.Errorf("new category position %d, want 5 (after the four defaults)", cat.Position)
		}
		sc := e.script(e.Owner, script.Input{Title: " 穿多大码？ ", CategoryID: cat.ID, Keywords: []string{"尺码", " 偏大 ", "尺码", ""},
			Snippets: []script.Snippet{text("{name}，这款版型偏大，平时穿 M 的选 S 就好～"),
				{Kind: script.KindImage, URL: "https://cdn.example.com/size-chart.png"}}})
		if sc.Title != "穿多大码？" || sc.Category != "尺码建议" || !slices.Equal(sc.Keywords, []string{"尺码", "偏大"}) ||
			len(sc.Snippets) != 2 || !slices.Equal(sc.Variables, []string{"name"}) {
			t.Fatalf("created %+v", sc)
		}
		for _, q := range []string{"大码", "偏大", "选 s"} {
			got, err := e.lib.List(e.Ctx, e.host, script.Query{Q: q})
			if err != nil || len(got) != 1 || got[0].ID != sc.ID {
				t.Errorf("search %q: %d results (%v), want the script", q, len(got), err)
			}
		}
		if got, _ := e.lib.List(e.Ctx, e.host, script.Query{Q: "100%"}); len(got) != 0 {
			t.Errorf("search with a LIKE wildcard matched %d scripts", len(got))
		}
		if got, _ := e.lib.List(e.Ctx, e.host, script.Query{Category: &cat.ID}); len(got) != 1 {
			t.Errorf("category filter: %d scripts, want 1", len(got))
		}
		newTitle, snips := "尺码怎么选？", []script.Snippet{text("身高 160 以下选 S，{brand} 支持免费换码")}
		up, err := e.lib.Update(e.Ctx, e.Owner, sc.ID, script.Patch{Title: &newTitle, Snippets: &snips})
		if err != nil || up.Title != newTitle || len(up.Snippets) != 1 || up.Category != "尺码建议" || !slices.Equal(up.Variables, []string{"brand"}) {
			t.Fatalf("updated %+v (%v)", up, err)
		}
		zero := int64(0)
		if up, err = e.lib.Update(e.Ctx, e.Owner, sc.ID, script.Patch{CategoryID: &zero}); err != nil || up.CategoryID != 0 {
			t.Fatalf("moved out of its category: %+v (%v)", up, err)
		}
		if _, err := e.lib.CreateCategory(e.Ctx, e.Owner, script.CategoryInput{Name: "尺码建议"}); siyu.ErrorCode(err) != siyu.ECONFLICT {
			t.Errorf("duplicate category name: %v, want conflict", err)
		}
		rn := "尺码与版型"
		if c, err := e.lib.UpdateCategory(e.Ctx, e.Owner, cat.ID, script.CategoryPatch{Name: &rn}); err != nil || c.Name != rn {
			t.Errorf("rename category: %+v (%v)", c, err)
		}
		if err := e.lib.Delete(e.Ctx, e.Owner, sc.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.lib.Get(e.Ctx, e.Owner, sc.ID); siyu.ErrorCode(err) != siyu.ENOTFOUND {
			t.Errorf("deleted script: %v, want not found", err)
		}
	})
}

// TestVariablesCheckedOnSave: a misspelt variable or an unclosed brace is refused when
// the script is saved, naming the reply and the variable; so are incomplete replies.
func TestVariablesCheckedOnSave(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dbtest.SQLite(t))
	in := func(s ...script.Snippet) script.Input { return script.Input{Title: "问候", Snippets: s} }
	_, err := e.lib.Create(e.Ctx, e.Owner, in(text("您好"), text("{nmae}您好")))
	wantErr(t, "misspelt variable", err, siyu.EINVALID, "snippets[1].text", "{nmae}", "{name}")
	if siyu.ErrorField(err) != "snippets[1].text" {
		t.Errorf("field %q, want snippets[1].text", siyu.ErrorField(err))
	}
	_, err = e.lib.Create(e.Ctx, e.Owner, in(text("明晚 {live_time 见")))
	wantErr(t, "unclosed brace", err, siyu.EINVALID, "snippets[0].text", "unclosed")
	for what, c := range map[string]struct {
		s     script.Snippet
		field string
	}{
		"image without url":   {script.Snippet{Kind: script.KindImage}, "snippets[0].url"},
		"javascript url":      {script.Snippet{Kind: script.KindLink, URL: "javascript:alert(1)", Title: "x"}, "snippets[0].url"},
		"link without title":  {script.Snippet{Kind: script.KindLink, URL: "https://shop.example.com/p/1"}, "snippets[0].title"},
		"unknown kind":        {script.Snippet{Kind: "audio", URL: "https://x.example/a.mp3"}, "snippets[0].kind"},
		"empty text":          {text("   "), "snippets[0].text"},
		"relative video path": {script.Snippet{Kind: script.KindVideo, URL: "/v/1.mp4"}, "snippets[0].url"},
	} {
		_, err := e.lib.Create(e.Ctx, e.Owner, in(c.s))
		wantErr(t, what, err, siyu.EINVALID, c.field)
	}
	_, err = e.lib.Create(e.Ctx, e.Owner, script.Input{Title: "空", Snippets: nil})
	wantErr(t, "no replies", err, siyu.EINVALID, "snippets")
	_, err = e.lib.Create(e.Ctx, e.Owner, script.Input{Title: "", Snippets: []script.Snippet{text("x")}})
	wantErr(t, "no title", err, siyu.EINVALID, "title")
	// Doubled braces are literal and pass.
	sc := e.script(e.Owner, in(text("回复 {{1}} 领取{coupon}")))
	r, err := e.lib.Render(e.Ctx, e.Owner, sc.ID, script.RenderInput{Values: map[string]string{"coupon": "满199减30"}})
	if err != nil || r.Text != "回复 {1} 领取满199减30" {
		t.Fatalf("rendered %q (%v)", r.Text, err)
	}
}

// TestRenderForACustomer: sending fills {name} from the customer's profile (through a
// merge), {brand} from the tenant, takes explicit values first, lists what was left
// empty and counts the use, so the most sent answer moves to the top.
func TestRenderForACustomer(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		sc := e.script(e.Owner, script.Input{Title: "开播提醒", Snippets: []script.Snippet{
			text("{name}，{brand} 今晚 {live_time} 开播～"),
			{Kind: script.KindLink, URL: "https://live.example.com/s/9", Title: "预约直播"},
			{Kind: script.KindVideo, URL: "https://cdn.example.com/teaser.mp4"}}})
		cust, err := e.CRM.Create(e.Ctx, e.Owner, crm.CustomerInput{Name: "王小雨", Phone: "13900001111"})
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.lib.Render(e.Ctx, e.kos, sc.ID, script.RenderInput{CustomerID: cust.ID, Values: map[string]string{"live_time": "20:00"}})
		if err != nil {
			t.Fatal(err)
		}
		want := "王小雨，山野茶舍 今晚 20:00 开播～\n\n预约直播\nhttps://live.example.com/s/9\n\nhttps://cdn.example.com/teaser.mp4"
		if r.Text != want || r.Snippets[0].Text != "王小雨，山野茶舍 今晚 20:00 开播～" || r.UseCount != 1 || len(r.Missing) != 0 {
			t.Fatalf("rendered %+v\nwant text %q", r, want)
		}
		// No name anywhere: the shop's polite "亲"; live_time missing is reported.
		r, err = e.lib.Render(e.Ctx, e.host, sc.ID, script.RenderInput{Values: map[string]string{"brand": "山野"}})
		if err != nil || r.Snippets[0].Text != "亲，山野 今晚  开播～" || !slices.Equal(r.Missing, []string{"live_time"}) || r.UseCount != 2 {
			t.Fatalf("rendered without values: %+v (%v)", r, err)
		}
		// Explicit name wins over the profile.
		r, err = e.lib.Render(e.Ctx, e.kos, sc.ID, script.RenderInput{CustomerID: cust.ID, Values: map[string]string{"name": "小雨姐"}})
		if err != nil || r.Snippets[0].Text[:len("小雨姐")] != "小雨姐" {
			t.Fatalf("explicit name: %+v (%v)", r, err)
		}
		// A merged-away id renders with the surviving profile's name.
		dup, err := e.CRM.Create(e.Ctx, e.Owner, crm.CustomerInput{Name: "雨"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.CRM.Merge(e.Ctx, e.Owner, cust.ID, crm.MergeInput{CustomerID: dup.ID}); err != nil {
			t.Fatal(err)
		}
		r, err = e.lib.Render(e.Ctx, e.kos, sc.ID, script.RenderInput{CustomerID: dup.ID})
		if err != nil || r.Snippets[0].Text[:len("王小雨")] != "王小雨" {
			t.Fatalf("merged customer: %+v (%v)", r, err)
		}
		_, err = e.lib.Render(e.Ctx, e.kos, sc.ID, script.RenderInput{Values: map[string]string{"nmae": "x"}})
		wantErr(t, "unknown value", err, siyu.EINVALID, "values", "{nmae}")
		_, err = e.lib.Render(e.Ctx, e.kos, sc.ID, script.RenderInput{CustomerID: 987654})
		wantErr(t, "unknown customer", err, siyu.ENOTFOUND, "customer 987654")
		list, err := e.lib.List(e.Ctx, e.kos, script.Query{})
		if err != nil || list[0].ID != sc.ID || list[0].UseCount != 4 || list[0].LastUsedAt.IsZero() {
			t.Fatalf("most used first: %+v (%v)", list[0], err)
		}
	})
}

// TestPermissions: anyone who sees customers or replies to them reads and sends;
// only customers.manage edits.
func TestPermissions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dbtest.SQLite(t))
	sc := e.script(e.Owner, script.Input{Title: "问候", Snippets: []script.Snippet{text("您好")}})
	cat := e.category(e.Owner, "售前")
	for _, p := range []string{"host", "kos"} {
		who := e.host
		if p == "kos" {
			who = e.kos
		}
		if _, err := e.lib.Render(e.Ctx, who, sc.ID, script.RenderInput{}); err != nil {
			t.Errorf("%s may send: %v", p, err)
		}
		if _, err := e.lib.List(e.Ctx, who, script.Query{}); err != nil {
			t.Errorf("%s may read: %v", p, err)
		}
		_, err := e.lib.Create(e.Ctx, who, script.Input{Title: "x", Snippets: []script.Snippet{text("x")}})
		wantErr(t, p+" create", err, siyu.EFORBIDDEN, "customers.manage")
		wantErr(t, p+" delete", e.lib.Delete(e.Ctx, who, sc.ID), siyu.EFORBIDDEN)
		wantErr(t, p+" delete category", e.lib.DeleteCategory(e.Ctx, who, cat.ID), siyu.EFORBIDDEN)
		_, err = e.lib.CreateCategory(e.Ctx, who, script.CategoryInput{Name: "x"})
		wantErr(t, p+" create category", err, siyu.EFORBIDDEN)
	}
}

// TestTenantIsolation: another brand's scripts, categories and customers are not found
// by id and never listed.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		other := e.Signup("别家")
		theirCat := e.category(other, "别家分类")
		theirs := e.script(other, script.Input{Title: "别家话术", CategoryID: theirCat.ID, Snippets: []script.Snippet{text("别家")}})
		theirCust, err := e.CRM.Create(e.Ctx, other, crm.CustomerInput{Name: "别家客户"})
		if err != nil {
			t.Fatal(err)
		}
		mine := e.script(e.Owner, script.Input{Title: "我的", Snippets: []script.Snippet{text("{name}")}})
		title := "偷改"
		_, err = e.lib.Get(e.Ctx, e.Owner, theirs.ID)
		wantErr(t, "get", err, siyu.ENOTFOUND)
		_, err = e.lib.Update(e.Ctx, e.Owner, theirs.ID, script.Patch{Title: &title})
		wantErr(t, "update", err, siyu.ENOTFOUND)
		wantErr(t, "delete", e.lib.Delete(e.Ctx, e.Owner, theirs.ID), siyu.ENOTFOUND)
		_, err = e.lib.Render(e.Ctx, e.Owner, theirs.ID, script.RenderInput{})
		wantErr(t, "render", err, siyu.ENOTFOUND)
		_, err = e.lib.Render(e.Ctx, e.Owner, mine.ID, script.RenderInput{CustomerID: theirCust.ID})
		wantErr(t, "render for their customer", err, siyu.ENOTFOUND)
		_, err = e.lib.Create(e.Ctx, e.Owner, script.Input{Title: "x", CategoryID: theirCat.ID, Snippets: []script.Snippet{text("x")}})
		wantErr(t, "file under their category", err, siyu.ENOTFOUND)
		_, err = e.lib.UpdateCategory(e.Ctx, e.Owner, theirCat.ID, script.CategoryPatch{Name: &title})
		wantErr(t, "rename their category", err, siyu.ENOTFOUND)
		wantErr(t, "delete their category", e.lib.DeleteCategory(e.Ctx, e.Owner, theirCat.ID), siyu.ENOTFOUND)
		list, _ := e.lib.List(e.Ctx, e.Owner, script.Query{Q: "别家"})
		cats, _ := e.lib.Categories(e.Ctx, e.Owner)
		if len(list) != 0 || slices.Contains(names(cats), "别家分类") {
			t.Fatalf("their data listed: %+v %q", list, names(cats))
		}
		got, err := e.lib.Get(e.Ctx, other, theirs.ID)
		if err != nil || got.Title != "别家话术" || got.UseCount != 0 {
			t.Fatalf("their script changed: %+v (%v)", got, err)
		}
	})
}
