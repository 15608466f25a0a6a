package api

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/analytics"
	"github.com/siyu-live/siyu/internal/analytics/dashboard"
	"github.com/siyu-live/siyu/internal/analytics/report"
	"github.com/siyu-live/siyu/internal/org"
)

// analyticsRoutes are the analytics routes (internal/analytics, docs/analytics.md):
// the live dashboard (cheap to poll every second), the post-live report with its Excel
// export and customer groups, tagging a group, and the viewer page's product events.
// Reading needs analytics.view; the customer list also customers.view, tagging also
// customers.manage.
func (a *API) analyticsRoutes() []Route {
	const tag = "analytics"
	view := org.PermAnalyticsView
	return []Route{
		{Method: "GET", Path: "/api/v1/sessions/{id}/dashboard", Summary: "Live figures of a session (online, viewers, engagement, orders, GMV, top products, channels, last N minutes against the N before, alerts); refreshed at most every second",
			Tag: tag, Auth: Staff, Perm: view, Out: dashboard.Dashboard{}, h: a.sessionDashboard},
		{Method: "GET", Path: "/api/v1/sessions/{id}/report", Summary: "Post-live report: viewers, peak, comments, likes, orders, GMV, paid, funnel, viewing, engagement, products, attribution, comparison",
			Tag: tag, Auth: Staff, Perm: view, Out: report.Report{}, h: a.sessionReport,
			Query: []QueryParam{{Name: "refresh", Description: "1 recomputes the report even if the stored one is current"}}},
		{Method: "GET", Path: "/api/v1/sessions/{id}/report.xlsx", Summary: "The post-live report as an Excel workbook (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet)",
			Tag: tag, Auth: Staff, Perm: view, h: a.sessionReportXLSX},
		{Method: "GET", Path: "/api/v1/sessions/{id}/report/customers", Summary: "The session's converted or non-converted customers, best first",
			Tag: tag, Auth: Staff, Perm: view, Out: List[report.CustomerRow]{}, h: a.sessionReportCustomers,
			Query: []QueryParam{{Name: "group", Description: "converted (paid an order of the session) or non_converted (entered, paid nothing)"},
				{Name: "cursor", Description: "next_cursor of the previous page"}, {Name: "limit", Description: "page size, 1–500", Integer: true}}},
		{Method: "POST", Path: "/api/v1/sessions/{id}/report/tag", Summary: "Put manual tags on every converted or non-converted customer of the session",
			Tag: tag, Auth: Staff, Perm: org.PermCustomersManage, In: analytics.TagInput{}, Out: analytics.TagResult{}, h: a.sessionReportTag},
		{Method: "POST", Path: "/api/v1/viewer/events", Summary: "Record the viewer's product views, time on a product and checkouts (answered once durable)",
			Tag: tag, Auth: Viewer, In: analytics.ViewerEventsInput{}, Out: analytics.ViewerEventsResult{}, h: a.viewerEvents},
	}
}

func (a *API) sessionDashboard(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := a.Analytics.Dashboard(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (a *API) sessionReport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	refresh := false
	switch v := r.URL.Query().Get("refresh"); v {
	case "", "0", "false":
	case "1", "true":
		refresh = true
	default:
		return siyu.Invalid("refresh", "refresh must be 1 or 0")
	}
	rep, err := a.Analytics.Report(r.Context(), principal(r), id, refresh)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (a *API) sessionReportXLSX(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := a.Analytics.ReportXLSX(r.Context(), principal(r), id, &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="session-%d-report.xlsx"`, id))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = buf.WriteTo(w)
	return nil
}

func (a *API) sessionReportCustomers(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", 50, 1, 500)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	rows, next, err := a.Analytics.ReportCustomers(r.Context(), principal(r), id, q.Get("group"), q.Get("cursor"), int(limit))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(rows, next))
	return nil
}

func (a *API) sessionReportTag(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in analytics.TagInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	res, err := a.Analytics.TagCustomers(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (a *API) viewerEvents(w http.ResponseWriter, r *http.Request) error {
	var in analytics.ViewerEventsInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	res, err := a.Analytics.RecordViewerEvents(r.Context(), viewer(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
