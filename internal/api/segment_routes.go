package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/org"
)

// segmentRoutes are the segment routes (internal/crm/segment): saved rules over tags
// and behaviour (docs/segments.md) with a count computed when read. Reading needs
// customers.view, changing customers.manage. A malformed rule is 400 invalid on field
// rule, naming the position. Preview samples and customer pages are masked like
// customer lists and audited as bulk views.
func (a *API) segmentRoutes() []Route {
	const tag = "segments"
	view, manage := org.PermCustomersView, org.PermCustomersManage
	return []Route{
		{Method: "POST", Path: "/api/v1/segments", Summary: "Save a segment (a rule such as tag:vip AND NOT (tag:churned OR tag:blocked)) and get its count",
			Tag: tag, Auth: Staff, Perm: manage, In: segment.Input{}, Out: segment.Segment{}, Status: http.StatusCreated, h: a.createSegment},
		{Method: "GET", Path: "/api/v1/segments", Summary: "Segments newest first, each with its count now", Tag: tag, Auth: Staff,
			Perm: view, Out: List[segment.Segment]{}, h: a.listSegments},
		{Method: "POST", Path: "/api/v1/segments/preview", Summary: "Count a rule and show its newest customers without saving it (audited as a bulk view)",
			Tag: tag, Auth: Staff, Perm: view, In: segment.PreviewInput{}, Out: segment.Preview{}, h: a.previewSegment},
		{Method: "GET", Path: "/api/v1/segments/{id}", Summary: "A segment with its count now", Tag: tag, Auth: Staff, Perm: view,
			Out: segment.Segment{}, h: a.getSegment},
		{Method: "PATCH", Path: "/api/v1/segments/{id}", Summary: "Rename a segment or change its rule or description", Tag: tag,
			Auth: Staff, Perm: manage, In: segment.Patch{}, Out: segment.Segment{}, h: a.patchSegment},
		{Method: "DELETE", Path: "/api/v1/segments/{id}", Summary: "Delete a segment (its customers are untouched)", Tag: tag,
			Auth: Staff, Perm: manage, Status: http.StatusNoContent, h: a.deleteSegment},
		{Method: "GET", Path: "/api/v1/segments/{id}/customers", Summary: "A segment's customers newest first (audited as a bulk view)",
			Tag: tag, Auth: Staff, Perm: view, Out: List[crm.Customer]{}, h: a.segmentCustomers,
			Query: []QueryParam{{Name: "cursor", Description: "next_cursor of the previous page"},
				{Name: "limit", Description: "page size, 1–200", Integer: true}}},
	}
}
