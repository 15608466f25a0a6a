package web

import (
	"fmt"
	"html/template"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/api"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/crm/transfer"
	"github.com/siyu-live/siyu/internal/org"
)

// importPageData is the 导入导出 page: the upload card (with a file error after a
// refused upload), the recent imports, and the export form.
type importPageData struct {
	Manage   bool // may import (customers.manage)
	Contacts bool // exports show whole phone numbers
	Error    string
	Imports  []transfer.Import
	Tags     []crm.Tag
	Segments []segment.Segment
	MaxMB    int
	MaxRows  int
	Fields   []string
}

func (c *Console) importPage(q *rq) error {
	return c.renderImportPage(q, http.StatusOK, "")
}

func (c *Console) renderImportPage(q *rq, status int, fileErr string) error {
	ctx := q.r.Context()
	d := importPageData{Manage: q.p.Can(org.PermCustomersManage), Contacts: q.p.Can(org.PermContactsView), Error: fileErr,
		MaxMB: transfer.MaxFileBytes >> 20, MaxRows: transfer.MaxRows, Fields: transfer.Fields}
	var err error
	if d.Manage {
		if d.Imports, _, err = c.Transfer.List(ctx, q.p, "", 10); err != nil {
			return err
		}
	}
	if d.Tags, err = c.CRM.ListTags(ctx, q.p); err != nil {
		return err
	}
	if c.Segments != nil {
		if d.Segments, err = c.Segments.List(ctx, q.p); err != nil {
			return err
		}
	}
	q.render(status, "customers_import", "custimport.title", d)
	return nil
}

func needImport(q *rq) error {
	if !q.p.Can(org.PermCustomersManage) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not import customers (needs %s)", org.PermCustomersManage)
	}
	return nil
}

// importUpload runs the dry run of an uploaded file and shows its report; a file that
// cannot be read comes back on the upload card, translated (422, so htmx swaps it in).
func (c *Console) importUpload(q *rq) error {
	if err := needImport(q); err != nil {
		return err
	}
	var in transfer.Upload
	var err error
	if form := q.r.MultipartForm; form != nil && len(form.File["file"]) > 0 {
		in, err = formUpload(q)
	} else {
		q.r.Body = uploadBody(q.w, q.r, api.UploadLimit)
		in, err = api.ReadUpload(q.r)
	}
	var im transfer.Import
	if err == nil {
		im, err = c.Transfer.Upload(q.r.Context(), q.p, in)
	}
	if siyu.ErrorCode(err) == siyu.EINVALID {
		return c.renderImportPage(q, http.StatusUnprocessableEntity, c.fileErrorText(q, err))
	} else if err != nil {
		return err
	}
	q.redirect(importURL(im.ID), "flash.custimport.checked", "")
	return nil
}

// formUpload reads the file of a form the CSRF check already parsed (a plain form post
// without htmx, small enough for the console's body limit).
func formUpload(q *rq) (transfer.Upload, error) {
	fh := q.r.MultipartForm.File["file"][0]
	f, err := fh.Open()
	if err != nil {
		return transfer.Upload{}, siyu.Invalid("file", "file: could not read the upload")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, transfer.MaxFileBytes+1))
	if err != nil {
		return transfer.Upload{}, siyu.Invalid("file", "file: could not read the upload")
	}
	return transfer.Upload{Filename: fh.Filename, Format: q.r.FormValue("format"), Data: data}, nil
}

// fileErrorText says in the page's language why a file was refused.
func (c *Console) fileErrorText(q *rq, err error) string {
	key := "custimport.err." + transfer.Reason(err)
	switch transfer.Reason(err) {
	case "":
		return siyu.ErrorMessage(err)
	case transfer.ReasonTooBig:
		return q.t(key, transfer.MaxFileBytes>>20)
	case transfer.ReasonTooMany:
		return q.t(key, transfer.MaxRows)
	case transfer.ReasonColumns:
		return q.t(key, transfer.MaxColumns)
	}
	if c.has(q.lang, key) {
		return q.t(key)
	}
	return siyu.ErrorMessage(err)
}

func importURL(id int64) string { return "/console/customers/import/" + strconv.FormatInt(id, 10) }

// importReportData is the report of one import: the import, a page of its rows, and
// what the page's controls need.
type importReportData struct {
	Import   transfer.Import
	Rows     []transfer.RowReport
	Filter   string
	Next     string
	Pending  int64 // rows confirming applies
	Percent  int   // of Pending applied
	Manage   bool
	Contacts bool
}

// importFilters are the row tabs of the report in display order, as the page's filter
// parameter names them ("all" is every row).
var importFilters = []string{transfer.FilterIssues, transfer.FilterErrors, "all"}

func (c *Console) importReport(q *rq) error {
	if err := needImport(q); err != nil {
		return err
	}
	id, err := strconv.ParseInt(q.r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return siyu.Errorf(siyu.ENOTFOUND, "not_found")
	}
	im, err := c.Transfer.Get(q.r.Context(), q.p, id)
	if err != nil {
		return err
	}
	d := importReportData{Import: im, Pending: im.Counts.New + im.Counts.Merge, Manage: true,
		Contacts: q.p.Can(org.PermContactsView)}
	if d.Pending > 0 {
		d.Percent = int(im.Result.Applied * 100 / d.Pending)
	}
	if q.r.URL.Query().Get("part") == "progress" {
		if im.Status != transfer.ImportApplying {
			q.w.Header().Set("HX-Refresh", "true") // done: the whole report changes
		}
		q.fragment(http.StatusOK, "customers_import_report", "import_progress", d)
		return nil
	}
	d.Filter = q.r.URL.Query().Get("filter")
	if !slices.Contains(importFilters, d.Filter) {
		d.Filter = transfer.FilterIssues
		if len(im.Issues) == 0 {
			d.Filter = "all"
		}
	}
	filter := d.Filter
	if filter == "all" {
		filter = transfer.FilterAll
	}
	d.Rows, d.Next, err = c.Transfer.Rows(q.r.Context(), q.p, id, transfer.RowQuery{Filter: filter,
		Cursor: q.r.URL.Query().Get("after"), Limit: 100})
	if err != nil {
		return err
	}
	q.render(http.StatusOK, "customers_import_report", "custimport.report.title", d)
	return nil
}

func (c *Console) importConfirm(q *rq) error {
	if err := needImport(q); err != nil {
		return err
	}
	id, err := strconv.ParseInt(q.r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return siyu.Errorf(siyu.ENOTFOUND, "not_found")
	}
	_, started, err := c.Transfer.Confirm(q.r.Context(), q.p, id)
	if err != nil {
		return err
	}
	flash := "flash.custimport.confirmed"
	if !started {
		flash = "flash.custimport.already"
	}
	q.redirect(importURL(id), flash, "")
	return nil
}

// customerExport downloads customers as CSV or Excel: /console/customers/export takes
// the list's filters (tag, q) or segment_id, and format; other pages link here.
func (c *Console) customerExport(q *rq) error {
	qs := q.r.URL.Query()
	var seg int64
	if s := strings.TrimSpace(qs.Get("segment_id")); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return siyu.Invalid("segment_id", "segment_id must be a segment's number")
		}
		seg = n
	}
	x, err := c.Transfer.Export(q.r.Context(), q.p, transfer.ExportQuery{Format: qs.Get("format"), Tag: qs.Get("tag"),
		Q: qs.Get("q"), SegmentID: seg})
	if err != nil {
		return err
	}
	api.WriteExport(q.w, x)
	return nil
}

// importTemplate downloads an empty import file with example rows.
func (c *Console) importTemplate(q *rq) error {
	format := transfer.FormatCSV
	ct := "text/csv; charset=utf-8"
	if q.r.URL.Query().Get("format") == transfer.FormatXLSX {
		format, ct = transfer.FormatXLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	h := q.w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="customers-template.%s"`, format))
	return transfer.Template(q.w, format)
}

// importFuncs are the report's template functions, bound to one language.
func (c *Console) importFuncs(lang string) template.FuncMap {
	return template.FuncMap{
		// issueText is an issue in the page's language (its English message if the
		// catalog has no text for the code).
		"issueText": func(i transfer.Issue) string {
			key := "custimport.issue." + i.Code
			switch {
			case !c.has(lang, key):
				return i.Message
			case strings.Contains(c.tr(lang, key), "%s"):
				return c.tr(lang, key, i.Arg)
			}
			return c.tr(lang, key)
		},
		"fieldName": func(f string) string { return c.tr(lang, "custimport.field."+f) },
	}
}
