package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/script"
	"github.com/siyu-live/siyu/internal/crm/talk"
	"github.com/siyu-live/siyu/internal/org"
)

// scriptListData is the library page: the category sidebar, the filter and search,
// the script cards and the sample values the copy/send button fills variables with.
type scriptListData struct {
	Categories    []script.Category
	Uncategorised int64
	Total         int64
	Cat           string // "" all, "none" uncategorised, else a category id
	Current       *script.Category
	Query         string
	Scripts       []script.Script
	Manage        bool
	Samples       []sampleValue
	CatForm       *form // the add-category form, with its error
	RenameForm    *form // the rename form of the current category, with its error
}

// sampleValue is one variable of the send panel with the value it is filled with.
type sampleValue struct {
	Name, Value string
}

func canManageScripts(q *rq) error {
	if !q.p.Can(org.PermCustomersManage) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not edit the script library (needs %s)", org.PermCustomersManage)
	}
	return nil
}

func (c *Console) scriptList(q *rq) error {
	return c.renderScriptList(q, http.StatusOK, newForm(nil), nil)
}

// renderScriptList draws the library for the filter in the URL; catForm and rename
// carry a rejected category form back to the page.
func (c *Console) renderScriptList(q *rq, status int, catForm, rename *form) error {
	ctx, qs := q.r.Context(), q.r.URL.Query()
	cats, err := c.Scripts.Categories(ctx, q.p)
	if err != nil {
		return err
	}
	un, err := c.Scripts.Uncategorised(ctx, q.p)
	if err != nil {
		return err
	}
	d := scriptListData{Categories: cats, Uncategorised: un, Total: un, Query: strings.TrimSpace(qs.Get("q")),
		Manage: q.p.Can(org.PermCustomersManage), CatForm: catForm, RenameForm: rename}
	for _, ct := range cats {
		d.Total += ct.ScriptCount
	}
	filter := script.Query{Q: d.Query}
	switch cat := qs.Get("cat"); cat {
	case "":
	case "none":
		d.Cat, filter.Category = cat, new(int64)
	default:
		id, _ := strconv.ParseInt(cat, 10, 64)
		for i := range cats {
			if cats[i].ID == id {
				d.Cat, d.Current, filter.Category = cat, &cats[i], &cats[i].ID
			}
		}
		if d.Current == nil {
			return siyu.Errorf(siyu.ENOTFOUND, "script category %q not found", cat)
		}
	}
	if d.RenameForm == nil && d.Current != nil {
		d.RenameForm = newForm(nil)
		d.RenameForm.Values.Set("name", d.Current.Name)
	}
	if d.Scripts, err = c.Scripts.List(ctx, q.p, filter); err != nil {
		if siyu.ErrorCode(err) != siyu.EINVALID {
			return err
		}
		d.Query, filter.Q = "", ""
		if d.Scripts, err = c.Scripts.List(ctx, q.p, filter); err != nil {
			return err
		}
	}
	d.Samples = c.sampleValues(q)
	q.csp = imageCSP
	q.render(status, "scripts_list", "nav.scripts", d)
	return nil
}

// sampleValues are the values the list's copy/send button fills variables with: a
// believable customer and live, this brand's name and this site's discovery page, all
// editable on the page before copying.
func (c *Console) sampleValues(q *rq) []sampleValue {
	base := strings.TrimRight(c.Config.BaseURL, "/")
	if base == "" && hostRe.MatchString(q.r.Host) {
		base = "http://" + q.r.Host
	}
	samples := map[string]string{"name": q.t("scripts.sample.name"), "live_title": q.t("scripts.sample.live_title"),
		"live_time": q.t("scripts.sample.live_time"), "live_link": base + "/discover", "brand": q.tenant.Name,
		"coupon": q.t("scripts.sample.coupon")}
	out := make([]sampleValue, 0, len(talk.Variables))
	for _, v := range talk.Variables {
		out = append(out, sampleValue{Name: v, Value: samples[v]})
	}
	return out
}

// scriptCategory adds, renames or deletes a category (op=create|rename|delete).
func (c *Console) scriptCategory(q *rq) error {
	if err := canManageScripts(q); err != nil {
		return err
	}
	ctx := q.r.Context()
	id, _ := strconv.ParseInt(q.r.PostFormValue("id"), 10, 64)
	name := q.r.PostFormValue("name")
	back := "/console/scripts"
	switch q.r.PostFormValue("op") {
	case "create":
		ct, err := c.Scripts.CreateCategory(ctx, q.p, script.CategoryInput{Name: name})
		if err != nil {
			return c.categoryRejected(q, err, "", "")
		}
		q.redirect(back+"?cat="+strconv.FormatInt(ct.ID, 10), "flash.scripts.cat_created", ct.Name)
	case "rename":
		ct, err := c.Scripts.UpdateCategory(ctx, q.p, id, script.CategoryPatch{Name: &name})
		if err != nil {
			return c.categoryRejected(q, err, "rename", strconv.FormatInt(id, 10))
		}
		q.redirect(back+"?cat="+strconv.FormatInt(ct.ID, 10), "flash.scripts.cat_renamed", ct.Name)
	case "delete":
		if err := c.Scripts.DeleteCategory(ctx, q.p, id); err != nil {
			return err
		}
		q.redirect(back, "flash.scripts.cat_deleted", "")
	default:
		return siyu.Invalid("op", "op must be create, rename or delete")
	}
	return nil
}

// categoryRejected shows the library again with the category form's message: invalid
// and conflict (a taken name) are the typist's to fix, anything else is an error page.
func (c *Console) categoryRejected(q *rq, err error, op, cat string) error {
	if code := siyu.ErrorCode(err); code != siyu.EINVALID && code != siyu.ECONFLICT {
		return err
	}
	f := newForm(q.r.PostForm)
	switch {
	case siyu.ErrorCode(err) == siyu.EINVALID:
		f.Errors["name"] = q.t("scripts.err.cat_name", script.MaxCategoryName)
	case strings.Contains(siyu.ErrorMessage(err), "at most"):
		f.Errors["name"] = q.t("scripts.err.cat_max", script.MaxCategories)
	default:
		f.Errors["name"] = q.t("scripts.err.cat_taken", strings.TrimSpace(f.Get("name")))
	}
	q.r.URL.RawQuery = ""
	if op == "rename" {
		q.r.URL.RawQuery = "cat=" + cat
		return c.renderScriptList(q, http.StatusUnprocessableEntity, newForm(nil), f)
	}
	return c.renderScriptList(q, http.StatusUnprocessableEntity, f, nil)
}

// scriptRender is the copy/send button: it renders the script with the page's sample
// values (counting a use) and answers the fragment the page's script copies from.
func (c *Console) scriptRender(q *rq) error {
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	if err := q.r.ParseForm(); err != nil {
		return siyu.Errorf(siyu.EINVALID, "form: %v", err)
	}
	values := map[string]string{}
	for _, v := range talk.Variables {
		if val, ok := q.r.PostForm["v_"+v]; ok {
			values[v] = val[0]
		}
	}
	out, err := c.Scripts.Render(q.r.Context(), q.p, id, script.RenderInput{Values: values})
	if err != nil {
		if siyu.ErrorCode(err) != siyu.EINVALID {
			return err
		}
		q.fragment(http.StatusUnprocessableEntity, "scripts_list", "scripts_send_error", c.errText(q.lang, "scripts", err))
		return nil
	}
	q.fragment(http.StatusOK, "scripts_list", "scripts_sent", out)
	return nil
}
