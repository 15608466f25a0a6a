package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/org"
)

// segmentListData is the 分群 page: every segment with its count now.
type segmentListData struct {
	Tabs     customerTabs
	Segments []segment.Segment
	Manage   bool
}

func (c *Console) segmentList(q *rq) error {
	list, err := c.Segments.List(q.r.Context(), q.p)
	if err != nil {
		return err
	}
	q.render(http.StatusOK, "customers_segments", "customers.segments.title",
		segmentListData{Tabs: tabsFor(q, "segments"), Segments: list, Manage: q.p.Can(org.PermCustomersManage)})
	return nil
}

// segmentDetailData is one segment: its rule and count, a page of its customers.
type segmentDetailData struct {
	Tabs      customerTabs
	CSRF      string
	S         segment.Segment
	Customers []crm.Customer
	Cursor    string
	Next      string
	Masked    bool
	Manage    bool
	Export    exportURLs
}

// pathSegment is the segment the path names ({id}); another brand's is not found.
func (c *Console) pathSegment(q *rq) (segment.Segment, error) {
	id, err := pathID(q, "id")
	if err != nil {
		return segment.Segment{}, err
	}
	return c.Segments.Get(q.r.Context(), q.p, id)
}

func (c *Console) segmentDetail(q *rq) error {
	s, err := c.pathSegment(q)
	if err != nil {
		return err
	}
	id := s.ID
	cursor := q.r.URL.Query().Get("cursor")
	members, next, err := c.Segments.Customers(q.r.Context(), q.p, id, cursor, customerPageSize)
	if err != nil {
		return err
	}
	d := segmentDetailData{Tabs: tabsFor(q, "segments"), CSRF: q.csrf, S: s, Customers: members, Cursor: cursor, Next: next,
		Masked: !q.p.Can(org.PermContactsView), Manage: q.p.Can(org.PermCustomersManage),
		Export: exportLinks(url.Values{"segment_id": {strconv.FormatInt(id, 10)}})}
	v := q.view(http.StatusOK, "", d)
	v.Title = s.Name
	q.exec(http.StatusOK, "customers_segment", "layout", v)
	return nil
}

// segmentDelete deletes a segment (its customers are untouched) and goes back to the list.
func (c *Console) segmentDelete(q *rq) error {
	if err := needCustomersManage(q); err != nil {
		return err
	}
	s, err := c.pathSegment(q)
	if err != nil {
		return err
	}
	if err := c.Segments.Delete(q.r.Context(), q.p, s.ID); err != nil {
		return err
	}
	q.redirect("/console/customers/segments", "flash.customers_segment_deleted", s.Name)
	return nil
}
