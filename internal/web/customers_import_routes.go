package web

import "net/http"

// mountCustomerImport registers the customer import (dry run, confirm) and export pages.
func (c *Console) mountCustomerImport(mux *http.ServeMux) {
	_ = mux
}
