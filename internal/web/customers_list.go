package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/org"
)

// customerPageSize is how many customers one page of the list shows.
const customerPageSize = 20

// maxTagChips bounds the tag filter chips above the list: the most used tags, plus
// the one filtered by.
const maxTagChips = 24

// customerListData is the customer list: search, tag filter, one page and its cursor.
type customerListData struct {
	Tabs      customerTabs
	Customers []crm.Customer
	Query     string
	Tag       string
	Cursor    string
	Next      string
	Tags      []crm.Tag // filter chips
	MoreTags  int       // tags not shown as chips
	Masked    bool      // phones are hidden from this staff member
	Manage    bool
	KPIs      []customerKPI
	Export    exportURLs
}

// customerKPI is one of the counts above the list, each a segment rule that the
// builder opens with one click.
type customerKPI struct {
	Key   string // catalog key customers.kpi.<Key>
	Rule  string
	Count int64
}

// listKPIs are the counts above the list: everyone, active this week, buyers, dormant.
var listKPIs = []customerKPI{{Key: "all", Rule: "orders>=0"}, {Key: "active", Rule: "seen<7d"},
	{Key: "buyers", Rule: "orders>=1"}, {Key: "dormant", Rule: "seen>=30d"}}

func (c *Console) customerList(q *rq) error {
	qs := q.r.URL.Query()
	d := customerListData{Tabs: tabsFor(q, "list"), Query: strings.TrimSpace(qs.Get("q")), Tag: strings.TrimSpace(qs.Get("tag")),
		Cursor: qs.Get("cursor"), Masked: !q.p.Can(org.PermContactsView), Manage: q.p.Can(org.PermCustomersManage)}
	ctx := q.r.Context()
	list, next, err := c.CRM.List(ctx, q.p, crm.ListQuery{Tag: d.Tag, Q: d.Query, Cursor: d.Cursor, Limit: customerPageSize})
	if err != nil {
		return err
	}
	d.Customers, d.Next = list, next
	tags, err := c.CRM.ListTags(ctx, q.p)
	if err != nil {
		return err
	}
	d.Tags, d.MoreTags = tagChips(tags, d.Tag)
	if c.Segments != nil {
		for _, k := range listKPIs {
			r, err := c.Segments.Count(ctx, q.p.TenantID, k.Rule)
			if err != nil {
				return err
			}
			k.Count = r.Count
			d.KPIs = append(d.KPIs, k)
		}
	}
	ex := url.Values{}
	if d.Tag != "" {
		ex.Set("tag", d.Tag)
	}
	if d.Query != "" {
		ex.Set("q", d.Query)
	}
	d.Export = exportLinks(ex)
	q.render(http.StatusOK, "customers_list", "customers.title", d)
	return nil
}

// tagChips picks the filter chips: the most carried tags first, and always the one the
// list is filtered by.
func tagChips(tags []crm.Tag, active string) ([]crm.Tag, int) {
	sorted := slices.Clone(tags)
	slices.SortStableFunc(sorted, func(a, b crm.Tag) int { return cmp.Compare(b.Customers, a.Customers) })
	if len(sorted) <= maxTagChips {
		return sorted, 0
	}
	chips := sorted[:maxTagChips]
	if active != "" && !slices.ContainsFunc(chips, func(t crm.Tag) bool { return t.Name == active }) {
		if i := slices.IndexFunc(sorted, func(t crm.Tag) bool { return t.Name == active }); i >= 0 {
			chips = append(slices.Clone(chips[:maxTagChips-1]), sorted[i])
		}
	}
	return chips, len(tags) - len(chips)
}

// exportURLs are the download links of the import helper's export page
// (/console/customers/export) for what a page shows, in both formats.
type exportURLs struct{ CSV, XLSX string }

func exportLinks(filter url.Values) exportURLs {
	link := func(format string) string {
		v := url.Values{"format": {format}}
		for k, vs := range filter {
			v[k] = vs
		}
		return "/console/customers/export?" + v.Encode()
	}
	return exportURLs{CSV: link("csv"), XLSX: link("xlsx")}
}
