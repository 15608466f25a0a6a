package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/transfer"
	"github.com/siyu-live/siyu/internal/org"
)

// UploadLimit is the body limit of an import: the file plus room for the multipart
// envelope around it (the console's upload form uses it too).
const UploadLimit = transfer.MaxFileBytes + 1<<20

// customerImportRoutes are the customer import and export (CSV, Excel) routes. An
// upload is checked and stored as a dry run whose report names every row's fate;
// customers change only when the import is confirmed. Importing needs
// customers.manage; exporting customers.view (phones and WeChat ids masked without
// contacts.view; every export is in the audit log).
func (a *API) customerImportRoutes() []Route {
	const tag = "customers"
	manage, view := org.PermCustomersManage, org.PermCustomersView
	page := []QueryParam{{Name: "cursor", Description: "next_cursor of the previous page"},
		{Name: "limit", Description: "page size", Integer: true}}
	return []Route{
		{Method: "POST", Path: "/api/v1/customer-imports", Summary: "Upload a CSV or Excel (.xlsx) file of customers and get the dry-run report " +
			"(multipart/form-data with a file field, or the raw file as the body with ?format=csv|xlsx); nothing changes until confirmed",
			Tag: tag, Auth: Staff, Perm: manage, Out: transfer.Import{}, Status: http.StatusCreated, MaxBody: UploadLimit, h: a.uploadImport,
			Query: []QueryParam{{Name: "format", Description: "csv or xlsx (default: from the file name, then the content)"},
				{Name: "filename", Description: "the file's name, for a raw body"}}},
		{Method: "GET", Path: "/api/v1/customer-imports", Summary: "Customer imports, newest first", Tag: tag, Auth: Staff, Perm: manage,
			Out: List[transfer.Import]{}, Query: page, h: a.listImports},
		{Method: "GET", Path: "/api/v1/customer-imports/{id}", Summary: "An import: counts, columns, result, and the first rows with issues",
			Tag: tag, Auth: Staff, Perm: manage, Out: transfer.Import{}, h: a.getImport},
		{Method: "GET", Path: "/api/v1/customer-imports/{id}/rows", Summary: "An import's rows in file order with their issues and results",
			Tag: tag, Auth: Staff, Perm: manage, Out: List[transfer.RowReport]{}, h: a.importRows,
			Query: append([]QueryParam{{Name: "filter", Description: "issues, error, new or merge (default: every row)"}}, page...)},
		{Method: "POST", Path: "/api/v1/customer-imports/{id}/confirm", Summary: "Apply a dry run: rows without errors create or merge customers " +
			"in the background, rows with errors are skipped; confirming again does nothing (200)",
			Tag: tag, Auth: Staff, Perm: manage, Out: transfer.Import{}, Status: http.StatusAccepted, h: a.confirmImport},
		{Method: "GET", Path: "/api/v1/customers/export", Summary: "Download customers as CSV or Excel: the list's filters (tag, q) or a segment " +
			"(audited; contacts masked without contacts.view)", Tag: tag, Auth: Staff, Perm: view, h: a.exportCustomers,
			Query: []QueryParam{{Name: "format", Description: "csv (default) or xlsx"}, {Name: "tag", Description: "only customers carrying this tag"},
				{Name: "q", Description: "name contains, phone, or customer id"}, {Name: "segment_id", Description: "a segment's customers", Integer: true}}},
	}
}

func (a *API) uploadImport(w http.ResponseWriter, r *http.Request) error {
	in, err := ReadUpload(r)
	if err != nil {
		return err
	}
	im, err := a.Transfer.Upload(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, im)
	return nil
}

// ReadUpload takes the file from a multipart form (field "file", or the first file) or,
// for any other content type, the raw body; the console's upload form uses it too.
func ReadUpload(r *http.Request) (transfer.Upload, error) {
	q := r.URL.Query()
	in := transfer.Upload{Format: q.Get("format"), Filename: q.Get("filename")}
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var src io.Reader = r.Body
	if ct == "multipart/form-data" {
		mr, err := r.MultipartReader()
		if err != nil || params["boundary"] == "" {
			return in, siyu.Invalid("file", "file: the multipart body is malformed")
		}
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return in, siyu.Invalid("file", "file: the form has no file; send the file in a field named file")
			} else if err != nil {
				return in, uploadError(err)
			}
			if part.FormName() == "format" && in.Format == "" {
				b, _ := io.ReadAll(io.LimitReader(part, 16))
				in.Format = strings.TrimSpace(string(b))
				continue
			}
			if part.FileName() != "" || part.FormName() == "file" {
				in.Filename, src = part.FileName(), part
				break
			}
		}
	}
	data, err := io.ReadAll(io.LimitReader(src, transfer.MaxFileBytes+1))
	if err != nil {
		return in, uploadError(err)
	}
	if len(data) > transfer.MaxFileBytes {
		return in, siyu.Invalid("file", "file: larger than the %d MB an import may have; split it", transfer.MaxFileBytes>>20)
	}
	in.Data = data
	return in, nil
}

func uploadError(err error) error {
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		return siyu.Invalid("file", "file: larger than the %d MB an import may have; split it", transfer.MaxFileBytes>>20)
	}
	return siyu.Invalid("file", "file: could not read the upload (%v)", err)
}

func (a *API) listImports(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryInt(r, "limit", 20, 1, 100)
	if err != nil {
		return err
	}
	list, next, err := a.Transfer.List(r.Context(), principal(r), r.URL.Query().Get("cursor"), int(limit))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, next))
	return nil
}

func (a *API) getImport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	im, err := a.Transfer.Get(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, im)
	return nil
}

func (a *API) importRows(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", 100, 1, 500)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	rows, next, err := a.Transfer.Rows(r.Context(), principal(r), id, transfer.RowQuery{Filter: q.Get("filter"),
		Cursor: q.Get("cursor"), Limit: int(limit)})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(rows, next))
	return nil
}

func (a *API) confirmImport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	im, started, err := a.Transfer.Confirm(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	status := http.StatusAccepted
	if !started {
		status = http.StatusOK
	}
	writeJSON(w, status, im)
	return nil
}

func (a *API) exportCustomers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	seg, err := queryInt(r, "segment_id", 0, 1, 1<<62)
	if err != nil {
		return err
	}
	x, err := a.Transfer.Export(r.Context(), principal(r), transfer.ExportQuery{Format: q.Get("format"), Tag: q.Get("tag"),
		Q: q.Get("q"), SegmentID: seg})
	if err != nil {
		return err
	}
	WriteExport(w, x)
	return nil
}

// WriteExport sends an export as a download; the console uses it too. A failure half
// way can only cut the download short (the status is sent), so it is logged by the
// caller's access log as a short response and nothing more.
func WriteExport(w http.ResponseWriter, x *transfer.Export) {
	h := w.Header()
	h.Set("Content-Type", x.ContentType)
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", x.Filename))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Export-Count", fmt.Sprint(x.Count))
	w.WriteHeader(http.StatusOK)
	_ = x.Write(w)
}
