package web

import (
	"fmt"
	"html/template"

	"github.com/siyu-live/siyu"
)

// Console areas (商品与订单, 客户, 社群, 话术库, …) keep their pages out of the
// console-wide page list: each area shares a partials file (sub-navigation, badges,
// its stylesheet) and sometimes template functions of its own, so it parses its pages
// itself when it is mounted, on top of a page the console already parsed.

// parsePage adds the page name to every language: a clone of the parsed page base
// ("error" for the console shell, "pub_error" for the public one) with the area's
// template functions (when funcs is not nil) and the template files paths, which
// replace the base page's content. It panics on a template error, which the package
// tests catch.
func (c *Console) parsePage(base, name string, funcs func(lang string) template.FuncMap, paths ...string) {
	for _, l := range languages {
		t, err := c.pages[l][base].Clone()
		if err == nil && funcs != nil {
			t = t.Funcs(funcs(l))
		}
		if err == nil {
			_, err = t.ParseFS(files, paths...)
		}
		if err != nil {
			panic(fmt.Sprintf("web: template %s: %v", name, err))
		}
		c.pages[l][name] = t
	}
}

// parseAreaPages adds an area's console pages to every language: each of names is
// templates/<name>.html parsed with the area's partials file on the console shell,
// with the area's template functions when funcs is not nil.
func (c *Console) parseAreaPages(partials string, names []string, funcs func(lang string) template.FuncMap) {
	for _, name := range names {
		c.parsePage("error", name, funcs, partials, "templates/"+name+".html")
	}
}

// managedForm starts a form post that changes something in an area: it checks the
// staff member may (can) and parses the form.
func managedForm(q *rq, can func(*rq) error) (*form, error) {
	if err := can(q); err != nil {
		return nil, err
	}
	return postedForm(q)
}

// itemForm starts a form post about one item of an area (/…/{id}/…): it checks the
// staff member may (can), reads the item's id from the path and parses the form.
func itemForm(q *rq, can func(*rq) error) (int64, *form, error) {
	if err := can(q); err != nil {
		return 0, nil, err
	}
	id, err := pathID(q, "id")
	if err != nil {
		return 0, nil, err
	}
	f, err := postedForm(q)
	return id, f, err
}

// postedForm parses a console form post; a body that does not parse is bad input.
func postedForm(q *rq) (*form, error) {
	if err := q.r.ParseForm(); err != nil {
		return nil, siyu.Errorf(siyu.EINVALID, "bad form")
	}
	return newForm(q.r.PostForm), nil
}
