package web

import (
	"context"
	"io"
	"net/http"
)

// importPages are the templates of 客户导入导出. They share customers_import_partials.html
// (sub-navigation, count tiles, status badges, the stylesheet), so the area parses
// them itself, as mountCommerce does.
var importPages = []string{"customers_import", "customers_import_report"}

// mountCustomerImport registers the customer import (upload → dry-run report →
// confirm) and export pages. They belong to the 客户 area (customers.view opens it);
// importing needs customers.manage, checked by the handlers and again by the service.
//
// The upload may be 20 MB while every other console form is held to the configured
// body limit: rawBody keeps the request's own body aside before the console's limit
// wraps it, and the upload handler reads the file from it with the import's limit.
// The CSRF token then comes in the htmx header, so nothing reads the body first.
func (c *Console) mountCustomerImport(mux *http.ServeMux) {
	c.parseImportPages()
	const key = "customers"
	mux.Handle("GET /console/customers/import", c.authed(key, c.importPage))
	mux.Handle("POST /console/customers/import", rawBody(c.authed(key, c.importUpload)))
	mux.Handle("GET /console/customers/import/template", c.authed(key, c.importTemplate))
	mux.Handle("GET /console/customers/import/{id}", c.authed(key, c.importReport))
	mux.Handle("POST /console/customers/import/{id}/confirm", c.authed(key, c.importConfirm))
	mux.Handle("GET /console/customers/export", c.authed(key, c.customerExport))
}

// parseImportPages adds the area's pages to every language on the console shell.
func (c *Console) parseImportPages() {
	c.parseAreaPages("templates/customers_import_partials.html", importPages, c.importFuncs)
}

type rawBodyKey struct{}

// rawBody remembers the request's unlimited body for the upload handler.
func rawBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), rawBodyKey{}, r.Body)))
	})
}

// uploadBody returns the body rawBody kept, limited to limit bytes.
func uploadBody(w http.ResponseWriter, r *http.Request, limit int64) io.ReadCloser {
	if b, ok := r.Context().Value(rawBodyKey{}).(io.ReadCloser); ok {
		return http.MaxBytesReader(w, b, limit)
	}
	return r.Body
}
