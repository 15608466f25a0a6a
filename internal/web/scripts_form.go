package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/script"
	"github.com/siyu-live/siyu/internal/crm/talk"
	"github.com/siyu-live/siyu/internal/org"
)

// snippetRow is one reply row of the script form as typed.
type snippetRow struct {
	Kind, Text, URL, Title string
}

// blank reports a row left empty; such rows are skipped, so the form can always offer
// an empty row to fill in.
func (r snippetRow) blank() bool {
	return strings.TrimSpace(r.Text+r.URL+r.Title) == ""
}

func (r snippetRow) snippet() script.Snippet {
	return script.Snippet{Kind: r.Kind, Text: r.Text, URL: r.URL, Title: r.Title}
}

// scriptForm is the create/edit form: the typed fields, the reply rows and the errors,
// keyed by field ("title", "keywords", "category_id", "snippets", "sn.<row>").
type scriptForm struct {
	*form
	Rows []snippetRow
}

// RowsOrBlank are the rows to draw: the typed ones, or one empty text row.
func (f *scriptForm) RowsOrBlank() []snippetRow {
	if len(f.Rows) == 0 {
		return []snippetRow{{Kind: script.KindText}}
	}
	return f.Rows
}

// RowErr is the message of one reply row.
func (f *scriptForm) RowErr(i int) string { return f.Errors["sn."+strconv.Itoa(i)] }

// scriptFormData is the create/edit page.
type scriptFormData struct {
	S          *script.Script // nil on the create page
	Form       *scriptForm
	Categories []script.Category
	Manage     bool
}

// scriptFormFrom fills the form from a saved script.
func scriptFormFrom(s script.Script) *scriptForm {
	v := url.Values{}
	v.Set("title", s.Title)
	v.Set("category_id", strconv.FormatInt(s.CategoryID, 10))
	v.Set("keywords", strings.Join(s.Keywords, "，"))
	f := &scriptForm{form: newForm(v)}
	for _, sn := range s.Snippets {
		f.Rows = append(f.Rows, snippetRow{Kind: sn.Kind, Text: sn.Text, URL: sn.URL, Title: sn.Title})
	}
	return f
}

var keywordSep = regexp.MustCompile(`[,，、;；\s]+`)

// unknownVar finds the variable name in talk.Check's message.
var unknownVar = regexp.MustCompile(`unknown variable \{([^}]*)\}`)

// readScriptForm reads a posted form into a script input and checks it with the
// library's own checks, turning their messages into the page's language.
func (c *Console) readScriptForm(lang string, v url.Values) (*scriptForm, script.Input) {
	t := func(key string, args ...any) string { return c.tr(lang, key, args...) }
	f := &scriptForm{form: newForm(v)}
	kinds, texts, urls, titles := v["sn_kind"], v["sn_text"], v["sn_url"], v["sn_title"]
	for i := range kinds {
		r := snippetRow{Kind: kinds[i], Text: at(texts, i), URL: at(urls, i), Title: at(titles, i)}
		if !r.blank() {
			f.Rows = append(f.Rows, r)
		}
	}
	cat, _ := strconv.ParseInt(f.Get("category_id"), 10, 64)
	in := script.Input{Title: f.Get("title"), CategoryID: max(cat, 0), Keywords: keywordSep.Split(f.Get("keywords"), -1)}
	if n := utf8.RuneCountInString(strings.TrimSpace(in.Title)); n == 0 || n > script.MaxTitle {
		f.Errors["title"] = t("scripts.err.title", script.MaxTitle)
	}
	if _, err := script.CheckKeywords(in.Keywords); err != nil {
		f.Errors["keywords"] = t("scripts.err.keywords", script.MaxKeywords, script.MaxKeyword)
	}
	switch {
	case len(f.Rows) == 0:
		f.Errors["snippets"] = t("scripts.err.snippets_none")
	case len(f.Rows) > script.MaxSnippets:
		f.Errors["snippets"] = t("scripts.err.snippets_max", script.MaxSnippets)
	}
	for i, r := range f.Rows {
		in.Snippets = append(in.Snippets, r.snippet())
		if _, err := script.CheckSnippets([]script.Snippet{r.snippet()}); err != nil {
			f.Errors["sn."+strconv.Itoa(i)] = c.snippetErr(lang, err)
		}
	}
	return f, in
}

// snippetErr words a refused reply for the page: the misspelt variable and the ones
// that exist, an unclosed brace, a bad address or a missing link title.
func (c *Console) snippetErr(lang string, err error) string {
	t := func(key string, args ...any) string { return c.tr(lang, key, args...) }
	field, msg := siyu.ErrorField(err), siyu.ErrorMessage(err)
	switch {
	case strings.HasSuffix(field, ".text"):
		if m := unknownVar.FindStringSubmatch(msg); m != nil {
			return t("scripts.err.var_unknown", "{"+m[1]+"}", "{"+strings.Join(talk.Variables, "} {")+"}")
		}
		if strings.Contains(msg, "unclosed") {
			return t("scripts.err.var_unclosed")
		}
		return t("scripts.err.text", script.MaxText)
	case strings.HasSuffix(field, ".url"):
		return t("scripts.err.url")
	case strings.HasSuffix(field, ".title"):
		return t("scripts.err.link_title", script.MaxLinkTitle)
	}
	return t("scripts.err.kind")
}

func (c *Console) renderScriptForm(q *rq, status int, s *script.Script, f *scriptForm) error {
	cats, err := c.Scripts.Categories(q.r.Context(), q.p)
	if err != nil {
		return err
	}
	title := "scripts.new"
	if s != nil {
		title = "scripts.edit"
	}
	q.csp = imageCSP
	q.render(status, "scripts_form", title, scriptFormData{S: s, Form: f, Categories: cats, Manage: q.p.Can(org.PermCustomersManage)})
	return nil
}

func (c *Console) scriptNew(q *rq) error {
	if err := canManageScripts(q); err != nil {
		return err
	}
	f := &scriptForm{form: newForm(nil)}
	f.Values.Set("category_id", q.r.URL.Query().Get("cat"))
	return c.renderScriptForm(q, http.StatusOK, nil, f)
}

func (c *Console) scriptCreate(q *rq) error {
	if err := canManageScripts(q); err != nil {
		return err
	}
	if err := q.r.ParseForm(); err != nil {
		return siyu.Errorf(siyu.EINVALID, "form: %v", err)
	}
	f, in := c.readScriptForm(q.lang, q.r.PostForm)
	if f.HasErrors() {
		return c.renderScriptForm(q, http.StatusUnprocessableEntity, nil, f)
	}
	s, err := c.Scripts.Create(q.r.Context(), q.p, in)
	if err != nil {
		if code := siyu.ErrorCode(err); code != siyu.EINVALID && code != siyu.ECONFLICT {
			return err
		}
		f.fail(c, q.lang, "scripts", err)
		return c.renderScriptForm(q, http.StatusUnprocessableEntity, nil, f)
	}
	q.redirect(scriptListURL(s), "flash.scripts.created", s.Title)
	return nil
}

// scriptListURL is the library filtered to a script's category, scrolled to its card.
func scriptListURL(s script.Script) string {
	cat := "none"
	if s.CategoryID != 0 {
		cat = strconv.FormatInt(s.CategoryID, 10)
	}
	return "/console/scripts?cat=" + cat + "#script-" + strconv.FormatInt(s.ID, 10)
}

func (c *Console) scriptEdit(q *rq) error {
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	s, err := c.Scripts.Get(q.r.Context(), q.p, id)
	if err != nil {
		return err
	}
	return c.renderScriptForm(q, http.StatusOK, &s, scriptFormFrom(s))
}

// scriptAction saves (op=save) or deletes (op=delete) a script.
func (c *Console) scriptAction(q *rq) error {
	if err := canManageScripts(q); err != nil {
		return err
	}
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	ctx := q.r.Context()
	cur, err := c.Scripts.Get(ctx, q.p, id)
	if err != nil {
		return err
	}
	if q.r.PostFormValue("op") == "delete" {
		if err := c.Scripts.Delete(ctx, q.p, id); err != nil {
			return err
		}
		q.redirect("/console/scripts", "flash.scripts.deleted", cur.Title)
		return nil
	}
	f, in := c.readScriptForm(q.lang, q.r.PostForm)
	if f.HasErrors() {
		return c.renderScriptForm(q, http.StatusUnprocessableEntity, &cur, f)
	}
	s, err := c.Scripts.Update(ctx, q.p, id, script.Patch{Title: &in.Title, CategoryID: &in.CategoryID, Keywords: &in.Keywords,
		Snippets: &in.Snippets})
	if err != nil {
		if code := siyu.ErrorCode(err); code != siyu.EINVALID && code != siyu.ECONFLICT {
			return err
		}
		f.fail(c, q.lang, "scripts", err)
		return c.renderScriptForm(q, http.StatusUnprocessableEntity, &cur, f)
	}
	q.redirect(scriptListURL(s), "flash.scripts.saved", s.Title)
	return nil
}
