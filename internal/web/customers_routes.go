package web

import (
	"net/http"
	"strconv"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/org"
)

// customerPages are the templates of the 客户 area. They share customers_partials.html
// (sub-navigation, tag chips, the customer table, the area's stylesheet and script),
// so mountCustomers parses them itself, as mountCommerce does.
var customerPages = []string{"customers_list", "customers_profile", "customers_tags", "customers_segments",
	"customers_segment", "customers_builder"}

// mountCustomers registers the 客户 area: customer list, profile, tags and segments.
//
// Everything about one customer sits on the one address /console/customers/{id}: the
// page (GET, with ?part= for the htmx fragments) and its actions (POST with op=…).
// Deeper paths such as /console/customers/{id}/tags would collide in the router with
// the import pages' /console/customers/import/{…} routes, which neither pattern
// outranks.
func (c *Console) mountCustomers(mux *http.ServeMux) {
	c.parseCustomerPages()
	const key = "customers"
	mux.Handle("GET /console/customers", c.authed(key, c.customerList))
	mux.Handle("GET /console/customers/{id}", c.authed(key, c.customerPage))
	mux.Handle("POST /console/customers/{id}", c.authed(key, c.customerAction))

	mux.Handle("GET /console/customers/tags", c.authed(key, c.tagsPage))
	mux.Handle("POST /console/customers/tags", c.authed(key, c.tagCreate))
	mux.Handle("POST /console/customers/tags/check", c.authed(key, c.tagRuleCheck))

	mux.Handle("GET /console/customers/segments", c.authed(key, c.segmentList))
	mux.Handle("GET /console/customers/segments/new", c.authed(key, c.segmentNew))
	mux.Handle("POST /console/customers/segments", c.authed(key, c.segmentCreate))
	mux.Handle("POST /console/customers/segments/preview", c.authed(key, c.segmentPreview))
	mux.Handle("GET /console/customers/segments/{id}", c.authed(key, c.segmentDetail))
	mux.Handle("GET /console/customers/segments/{id}/edit", c.authed(key, c.segmentEdit))
	mux.Handle("POST /console/customers/segments/{id}", c.authed(key, c.segmentSave))
	mux.Handle("POST /console/customers/segments/{id}/delete", c.authed(key, c.segmentDelete))
}

// parseCustomerPages adds the area's pages to every language on the console shell.
func (c *Console) parseCustomerPages() {
	c.parseAreaPages("templates/customers_partials.html", customerPages, c.customerFuncs)
}

// customerTabs is what the area's sub-navigation needs: the tab shown and whether the
// import/export tab is offered (it changes customers).
type customerTabs struct {
	On     string // list, tags, segments
	Manage bool
}

func tabsFor(q *rq, on string) customerTabs {
	return customerTabs{On: on, Manage: q.p.Can(org.PermCustomersManage)}
}

// needCustomersManage refuses staff who may look at customers but not change them; the
// service checks again, this only gives the page a clear answer before any work.
func needCustomersManage(q *rq) error {
	if !q.p.Can(org.PermCustomersManage) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not change customers (needs %s)", org.PermCustomersManage)
	}
	return nil
}

func customerURL(id int64) string { return "/console/customers/" + strconv.FormatInt(id, 10) }

func segmentURL(id int64) string { return "/console/customers/segments/" + strconv.FormatInt(id, 10) }
